import type { FastifyInstance, FastifyReply } from 'fastify';
import { readTenant } from '../auth/access.ts';
import { eventTypesMatch } from '../delivery/event-type-match.ts';
import { ApiError } from '../errors.ts';
import { idTime } from '../ids.ts';
import type { MessageQuery, Store } from '../store/store.ts';
import type { Message } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { errorResponses } from './schemas/common.ts';
import { createAttemptFollower, mergeByTime } from './stream-attempts.ts';

/** Tuning of the live stream; defaults suit people watching, tests shorten them. */
export interface StreamOptions {
  /** Store poll interval when no wake-up arrives (ms). */
  pollMs?: number;
  /**
   * A message is streamed once it is this old (ms). Ids are time-sortable and the stream resumes after the
   * last id sent, so a message whose id was drawn earlier but whose transaction commits later (another
   * process, a slow group commit) would fall behind the cursor; waiting this long lets such commits land.
   */
  settleMs?: number;
  /** Comment line sent this often so proxies and laptops notice a dead connection (ms). */
  heartbeatMs?: number;
}

interface StreamQuery {
  source?: string;
  events?: string;
  lastEventId?: string;
  include?: 'attempts';
}

const MESSAGE_ID = /^msg_[0-9A-HJKMNP-TV-Z]{26}$/;
const PAGE = 500;
/** A catch-up larger than this is refused (the client should page /v1/messages) rather than held in memory. */
const MAX_CATCH_UP = 50_000;

/**
 * `GET /v1/stream`: Server-Sent Events of new messages (`id:` = message id). `Last-Event-ID` (or
 * `?lastEventId=`) replays every message after that id from the store first, so a client that keeps its
 * last id and reconnects loses none and gets none twice. Without one the stream starts at "now".
 * `?include=attempts` adds live `event: attempt`s (stream-attempts.ts), which never move that cursor.
 */
export function streamRoutes(app: FastifyInstance, deps: AppDeps, options: StreamOptions = {}): void {
  const pollMs = options.pollMs ?? 250;
  const settleMs = options.settleMs ?? 300;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  // Fastify waits for open connections on close; a stream never ends by itself, so end them first.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get<{ Querystring: StreamQuery }>(
    '/v1/stream',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['Messages'],
        summary: 'Live stream of new messages (Server-Sent Events); Last-Event-ID resumes',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            source: { type: 'string', minLength: 1, maxLength: 200, description: 'Source name or id.' },
            events: {
              type: 'string',
              maxLength: 2000,
              description: 'Comma-separated event types, `*` wildcards (`invoice.*`).',
            },
            lastEventId: {
              type: 'string',
              description: 'Resume after this message id (same as the `Last-Event-ID` header).',
            },
            include: {
              enum: ['attempts'],
              description:
                '`attempts` adds `event: attempt` for each new attempt of a message the filters match (live only: never replayed on resume, no `id:`).',
            },
          },
        },
        response: {
          200: {
            description:
              '`text/event-stream`: `id: msg_…`, `event: message`, `data:` the message with its headers and `bodyBase64`; with `include=attempts` also `event: attempt` (no `id:`).',
            type: 'string',
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const tenant = readTenant(callerOf(request), undefined);
      const filter: MessageQuery = tenant === undefined ? {} : { tenant };
      if (request.query.source !== undefined) {
        const source = await findSource(deps.store, request.query.source);
        if (!source || (tenant !== undefined && source.tenant !== tenant)) {
          throw new ApiError('not_found', `No source named or with id "${request.query.source}".`);
        }
        filter.sourceId = source.id;
      }
      const patterns = request.query.events
        ?.split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      const resumeFrom = request.headers['last-event-id'] ?? request.query.lastEventId;
      if (resumeFrom !== undefined && (typeof resumeFrom !== 'string' || !MESSAGE_ID.test(resumeFrom))) {
        throw new ApiError('validation_failed', 'Last-Event-ID must be a message id (msg_…).');
      }
      // Without a resume point the stream starts after the newest message that exists now.
      let cursor = resumeFrom ?? (await deps.store.listMessages({ ...filter, limit: 1 })).data[0]?.id ?? null;
      const attempts =
        request.query.include === 'attempts'
          ? await createAttemptFollower(
              deps.store,
              { ...filter, ...(patterns ? { patterns } : {}) },
              deps.clock(),
            )
          : null;
      follow(reply, async () => {
        const settledAt = deps.clock() - settleMs;
        const fresh = await messagesAfter(deps.store, filter, cursor, settledAt);
        if (fresh.length > 0) cursor = fresh.at(-1)?.id ?? cursor;
        const matching =
          patterns && patterns.length > 0
            ? fresh.filter((message) => eventTypesMatch(patterns, message.eventType))
            : fresh;
        const messageEvents = matching.map((message) => ({
          at: message.createdAt,
          text: formatEvent(message),
        }));
        if (!attempts) return messageEvents.map((event) => event.text);
        // In time order, a message before the attempts made at the same millisecond: a client sees each
        // message before its attempts.
        return mergeByTime(messageEvents, await attempts.next(settledAt));
      });
    },
  );

  function follow(reply: FastifyReply, next: () => Promise<string[]>): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 1000\n: connected\n\n`);
    let closed = false;
    let wake: (() => void) | null = null;
    const end = () => {
      if (closed) return;
      closed = true;
      open.delete(end);
      unsubscribe();
      clearInterval(heartbeat);
      wake?.();
      raw.end();
    };
    open.add(end);
    const unsubscribe = deps.store.onWork(() => wake?.());
    const heartbeat = setInterval(() => raw.write(': ping\n\n'), heartbeatMs);
    raw.on('close', end);
    void (async () => {
      try {
        while (!closed) {
          for (const event of await next()) {
            if (closed) return;
            raw.write(event);
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
        }
      } catch (error) {
        reply.log.error({ err: error }, 'live stream failed');
        if (!closed) raw.write(`event: error\ndata: ${JSON.stringify({ code: 'stream_failed' })}\n\n`);
        end();
      }
    })();
  }
}

async function findSource(store: Store, nameOrId: string) {
  return nameOrId.startsWith('src_')
    ? ((await store.getSource(nameOrId)) ?? store.getSourceByName(nameOrId))
    : store.getSourceByName(nameOrId);
}

/**
 * Messages with an id after `cursor` created up to `settledAt`, oldest first. The store lists newest
 * first, so this pages down to the cursor (bounded by the cursor's time) and reverses.
 */
async function messagesAfter(
  store: Store,
  filter: MessageQuery,
  cursor: string | null,
  settledAt: number,
): Promise<Message[]> {
  const newest: Message[] = [];
  // createdAt and the id's time come from two clock reads; a minute of margin keeps the bound safe.
  const since = cursor === null ? undefined : idTime(cursor) - 60_000;
  let pageCursor: string | null = null;
  do {
    const page = await store.listMessages({
      ...filter,
      limit: PAGE,
      cursor: pageCursor,
      ...(since === undefined ? {} : { since }),
    });
    for (const message of page.data) {
      if (cursor !== null && message.id <= cursor) return settled(newest.reverse(), settledAt);
      newest.push(message);
    }
    if (newest.length > MAX_CATCH_UP) {
      throw new ApiError('validation_failed', 'Too many messages to replay; page /v1/messages instead.');
    }
    pageCursor = page.nextCursor;
  } while (pageCursor !== null);
  return settled(newest.reverse(), settledAt);
}

/** The oldest-first prefix that is old enough to stream (order kept: nothing after an unsettled one). */
function settled(messages: Message[], settledAt: number): Message[] {
  const cut = messages.findIndex((message) => message.createdAt > settledAt);
  return cut === -1 ? messages : messages.slice(0, cut);
}

/** One SSE event: the message with its headers and exact body bytes (base64), so `listen` forwards them as received. */
export function formatEvent(message: Message): string {
  const data = {
    id: message.id,
    eventType: message.eventType,
    eventId: message.eventId,
    tenant: message.tenant,
    channels: message.channels,
    sourceId: message.sourceId,
    subPath: message.subPath,
    contentType: message.contentType,
    headers: message.headers,
    bodyBase64: message.body === null ? null : Buffer.from(message.body).toString('base64'),
    createdAt: new Date(message.createdAt).toISOString(),
  };
  return `id: ${message.id}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`;
}
