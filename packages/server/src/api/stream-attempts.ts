import { eventTypesMatch } from '../delivery/event-type-match.ts';
import { idTime } from '../ids.ts';
import type { Store } from '../store/store.ts';
import type { Attempt } from '../store/types.ts';

/** Which attempts a stream shows: those of messages its message filter would show. */
export interface AttemptFilter {
  tenant?: string;
  sourceId?: string;
  patterns?: string[];
}

/** One SSE event and the time it is about, so message and attempt events can be sent in time order. */
export interface TimedEvent {
  at: number;
  text: string;
}

/** Merges two oldest-first lists by time; on a tie the first list's event goes first. */
export function mergeByTime(first: TimedEvent[], second: TimedEvent[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    const a = first[i];
    const b = second[j];
    if (a && (!b || a.at <= b.at)) {
      out.push(a.text);
      i++;
    } else if (b) {
      out.push(b.text);
      j++;
    }
  }
  return out;
}

const PAGE = 500;
/**
 * Attempts are live-only, so a stream that falls this far behind (a burst of deliveries, a slow client)
 * skips to the newest ones and says so, instead of reading an unbounded backlog on every poll.
 */
const MAX_PER_POLL = 5000;
/** createdAt and the id's time come from two clock reads; a minute of margin keeps the `since` bound safe. */
const CLOCK_MARGIN_MS = 60_000;

/**
 * Follows the attempts table for one stream, from "now" on. Ids are time-sortable, so the cursor is the
 * last attempt id sent, as for messages; like messages, an attempt is sent once `settledAt` has passed its
 * creation, so one committed slightly out of id order by another process (a worker on PostgreSQL) is not
 * skipped. There is no resume: a reconnect starts at the newest attempt again.
 */
export async function createAttemptFollower(store: Store, filter: AttemptFilter, now: number) {
  let cursor = (await store.listAttempts({ limit: 1 })).data[0]?.id ?? null;
  const startedAt = now;
  return {
    /** The next SSE events with their times (attempts, maybe one `attempts_skipped` first), oldest first. */
    async next(settledAt: number): Promise<TimedEvent[]> {
      const { attempts, skipped } = await attemptsAfter(store, cursor, startedAt, settledAt);
      const last = attempts.at(-1);
      if (last) cursor = last.id;
      const events: TimedEvent[] = skipped
        ? [{ at: 0, text: `event: attempts_skipped\ndata: {"max":${MAX_PER_POLL}}\n\n` }]
        : [];
      for (const [attempt, eventType] of await visible(store, attempts, filter))
        events.push({ at: attempt.createdAt, text: formatAttemptEvent(attempt, eventType) });
      return events;
    },
  };
}

async function attemptsAfter(
  store: Store,
  cursor: string | null,
  startedAt: number,
  settledAt: number,
): Promise<{ attempts: Attempt[]; skipped: boolean }> {
  const newest: Attempt[] = [];
  const since = (cursor === null ? startedAt : idTime(cursor)) - CLOCK_MARGIN_MS;
  let pageCursor: string | null = null;
  let skipped = false;
  do {
    const page = await store.listAttempts({ limit: PAGE, cursor: pageCursor, since });
    const fresh = page.data.filter((attempt) => cursor === null || attempt.id > cursor);
    newest.push(...fresh);
    if (fresh.length < page.data.length) break;
    if (newest.length >= MAX_PER_POLL) {
      skipped = page.nextCursor !== null;
      break;
    }
    pageCursor = page.nextCursor;
  } while (pageCursor !== null);
  const oldestFirst = newest.reverse();
  const cut = oldestFirst.findIndex((attempt) => attempt.createdAt > settledAt);
  return { attempts: cut === -1 ? oldestFirst : oldestFirst.slice(0, cut), skipped };
}

/**
 * Attempts carry no tenant, source or event type: their messages do. One batched read of those messages
 * applies the stream's filters (a tenant key never sees another tenant's attempts) and names the event type.
 */
async function visible(
  store: Store,
  attempts: Attempt[],
  filter: AttemptFilter,
): Promise<[Attempt, string][]> {
  if (attempts.length === 0) return [];
  const messages = new Map(
    (await store.getMessages([...new Set(attempts.map((attempt) => attempt.messageId))])).map((m) => [
      m.id,
      m,
    ]),
  );
  const out: [Attempt, string][] = [];
  for (const attempt of attempts) {
    const message = messages.get(attempt.messageId);
    if (!message) continue;
    if (filter.tenant !== undefined && message.tenant !== filter.tenant) continue;
    if (filter.sourceId !== undefined && message.sourceId !== filter.sourceId) continue;
    if (filter.patterns && filter.patterns.length > 0 && !eventTypesMatch(filter.patterns, message.eventType))
      continue;
    out.push([attempt, message.eventType]);
  }
  return out;
}

/**
 * One `event: attempt`. It has no `id:` line on purpose: the SSE last-event-id (what a client sends back as
 * `Last-Event-ID`) must stay the last message id, the stream's only resume cursor.
 */
export function formatAttemptEvent(attempt: Attempt, eventType: string): string {
  const data = {
    id: attempt.id,
    deliveryId: attempt.deliveryId,
    messageId: attempt.messageId,
    endpointId: attempt.endpointId,
    eventType,
    attemptNumber: attempt.attemptNumber,
    trigger: attempt.trigger,
    url: attempt.url,
    responseStatus: attempt.responseStatus,
    durationMs: attempt.durationMs,
    errorKind: attempt.errorKind,
    errorMessage: attempt.errorMessage,
    createdAt: new Date(attempt.createdAt).toISOString(),
  };
  return `event: attempt\ndata: ${JSON.stringify(data)}\n\n`;
}
