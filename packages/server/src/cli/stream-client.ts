import { CliFailure } from './cli-errors.ts';
import { readSse } from './sse-reader.ts';

/** A message as `GET /v1/stream` sends it. */
export interface StreamedMessage {
  id: string;
  eventType: string;
  eventId: string | null;
  tenant: string | null;
  channels: string[];
  sourceId: string | null;
  subPath: string | null;
  contentType: string;
  headers: Record<string, string>;
  bodyBase64: string | null;
  createdAt: string;
}

/** An attempt as `GET /v1/stream?include=attempts` sends it (live only, never replayed). */
export interface StreamedAttempt {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  eventType: string;
  attemptNumber: number;
  trigger: 'scheduled' | 'manual' | 'cli';
  url: string;
  responseStatus: number | null;
  durationMs: number;
  errorKind: string;
  errorMessage: string | null;
  createdAt: string;
}

export interface FollowOptions {
  server: string;
  apiKey: string;
  source?: string | undefined;
  events?: string | undefined;
  /** Resume after this message id; null starts at "now". */
  lastEventId: string | null;
  /** Called for each message, in order; the cursor moves only after it resolves. */
  onMessage(message: StreamedMessage): Promise<void>;
  /**
   * When given, attempts are streamed too (`include=attempts`) and each is passed here, interleaved with the
   * messages in time order. `onGap` is called when the server skipped attempts for a client that fell behind.
   */
  attempts?: { onAttempt(attempt: StreamedAttempt): void; onGap(): void };
  /** Status lines (connected, lost, reconnecting). */
  onStatus(status: { kind: 'connected' | 'disconnected'; detail: string }): void;
  signal: AbortSignal;
  /** Waits between reconnects; injected so tests need no real sleeps beyond the server's own. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Follows the live stream until `signal` aborts, reconnecting with `Last-Event-ID` = the last message
 * handled, so a dropped connection or a restarted server loses nothing and repeats nothing.
 * A 4xx (bad key, unknown source) is not retried: it would fail the same way forever.
 */
export async function followStream(options: FollowOptions): Promise<void> {
  const sleep = options.sleep ?? defaultSleep;
  let cursor = options.lastEventId;
  let backoffMs = 250;
  const query = new URLSearchParams();
  if (options.source) query.set('source', options.source);
  if (options.events) query.set('events', options.events);
  if (options.attempts) query.set('include', 'attempts');
  const url = `${options.server.replace(/\/+$/, '')}/v1/stream${query.size > 0 ? `?${query}` : ''}`;
  while (!options.signal.aborted) {
    try {
      const response = await fetch(url, {
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'text/event-stream',
          ...(cursor ? { 'last-event-id': cursor } : {}),
        },
        signal: options.signal,
      });
      if (response.status >= 400 && response.status < 500) {
        const text = await response.text();
        const error = (JSON.parse(text || '{}') as { error?: { code?: string; message?: string } }).error;
        throw new CliFailure(
          error?.code ?? `http_${response.status}`,
          `${response.status} ${error?.message ?? text}`,
        );
      }
      if (response.status !== 200 || !response.body) throw new Error(`HTTP ${response.status}`);
      options.onStatus({ kind: 'connected', detail: cursor ? `resuming after ${cursor}` : 'from now' });
      backoffMs = 250;
      for await (const event of readSse(response.body)) {
        if (event.event === 'attempt') options.attempts?.onAttempt(JSON.parse(event.data) as StreamedAttempt);
        if (event.event === 'attempts_skipped') options.attempts?.onGap();
        if (event.event !== 'message') continue;
        const message = JSON.parse(event.data) as StreamedMessage;
        await options.onMessage(message);
        cursor = message.id;
      }
      options.onStatus({ kind: 'disconnected', detail: 'server closed the stream' });
    } catch (error) {
      if (error instanceof CliFailure) throw error;
      if (options.signal.aborted) return;
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      options.onStatus({ kind: 'disconnected', detail: `${cause}; retrying in ${backoffMs} ms` });
    }
    await sleep(backoffMs, options.signal);
    backoffMs = Math.min(backoffMs * 2, 5000);
  }
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Aborts on SIGINT/SIGTERM so a long-running command ends cleanly with exit 0. */
export function abortOnSignals(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
