import { hostname } from 'node:os';
import type { ApiClient } from './api-client.ts';
import { CliFailure } from './cli-errors.ts';
import type { ForwardOutcome } from './forward-event.ts';

/** Reports waiting to be sent beyond this are dropped (with a warning) rather than held without bound. */
const MAX_QUEUED = 1000;
/** Codes after which every further report would fail the same way: recording stops for the session. */
const PERMANENT = new Set(['unauthorized', 'forbidden', 'http_401', 'http_403']);

export interface AttemptRecorder {
  /** Queues the report of one forward; returns at once (reports go out one at a time, in order). */
  record(messageId: string, target: string, outcome: ForwardOutcome): void;
  /** Waits for queued reports, at most `timeoutMs` (on shutdown). */
  flush(timeoutMs: number): Promise<void>;
}

/**
 * Sends `listen`'s forwards to `POST /v1/messages/{id}/attempts` off the forwarding path: forwarding the
 * next event never waits for the server to store the previous answer, yet reports keep the stream's order
 * because one chain sends them. A failed report prints a warning and never stops listening; a refusal
 * that would repeat forever (bad key, missing scope) turns recording off for the session, once.
 */
export function createAttemptRecorder(options: {
  client: ApiClient;
  listener: string;
  warn(text: string): void;
}): AttemptRecorder {
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  let disabled = false;
  let droppedWarned = false;
  const send = async (messageId: string, target: string, outcome: ForwardOutcome) => {
    if (disabled) return;
    const body =
      'status' in outcome
        ? {
            listener: options.listener,
            url: target,
            responseStatus: outcome.status,
            durationMs: outcome.durationMs,
            requestHeaders: outcome.requestHeaders,
            responseHeaders: outcome.responseHeaders,
            responseBody: outcome.responseBody,
          }
        : {
            listener: options.listener,
            url: target,
            responseStatus: null,
            errorKind: outcome.errorKind,
            errorMessage: outcome.error,
            durationMs: outcome.durationMs,
            requestHeaders: outcome.requestHeaders,
          };
    try {
      await options.client.request('POST', `/v1/messages/${messageId}/attempts`, body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof CliFailure && PERMANENT.has(error.code)) {
        disabled = true;
        options.warn(
          `recording off for this session: ${reason} (a key with the publish scope records; --no-record silences this)`,
        );
        return;
      }
      options.warn(`${messageId} forwarded but not recorded: ${reason}`);
    }
  };
  return {
    record(messageId, target, outcome) {
      if (disabled) return;
      if (queued >= MAX_QUEUED) {
        if (!droppedWarned) options.warn(`more than ${MAX_QUEUED} reports waiting; dropping some`);
        droppedWarned = true;
        return;
      }
      queued++;
      chain = chain.then(() => send(messageId, target, outcome)).finally(() => queued--);
    },
    async flush(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([chain, timeout]);
      clearTimeout(timer);
    },
  };
}

/** The default listener name: the host name, reduced to the characters the API takes. */
export function defaultListenerName(): string {
  const name = hostname()
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return name || 'listener';
}
