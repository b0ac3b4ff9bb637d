import type { RunAttempt } from '../delivery/dispatcher.ts';
import type { HooklineTracing } from './tracing.ts';

/**
 * Wraps the attempt runner with a `delivery.attempt` CLIENT span per HTTP try, a child of the span that
 * stored the message (its `traceparent` column), so ingest → store → every attempt reads as one trace
 * even when the worker is another process and the retry comes hours later. Only used when tracing is on.
 * The endpoint URL is left out on purpose: receivers put credentials in URLs; the endpoint id is enough.
 */
export function traceAttempts(runAttempt: RunAttempt, tracing: HooklineTracing): RunAttempt {
  return async (input) => {
    const span = tracing.startChild(
      'delivery.attempt',
      input.message.traceParent,
      {
        'hookline.message.id': input.message.id,
        'hookline.delivery.id': input.delivery.id,
        'hookline.endpoint.id': input.endpoint.id,
        'hookline.attempt.number': input.attemptNumber,
      },
      'client',
    );
    // Every attribute is a key in every exported span: the constant ones (POST, a scheduled trigger, error
    // kind `none` on success) are left out, which keeps the export's JSON and CPU cost down.
    if (input.trigger !== 'scheduled') span.set({ 'hookline.attempt.trigger': input.trigger });
    try {
      const run = await runAttempt(input);
      const { attempt } = run;
      span.set({
        'hookline.attempt.duration_ms': attempt.durationMs,
        'hookline.attempt.outcome': run.outcome.kind,
      });
      if (attempt.responseStatus !== null) span.set({ 'http.response.status_code': attempt.responseStatus });
      if (attempt.errorKind === 'none') span.end();
      // The error kind (`http_status`, `timeout`, `connect`…) becomes the span's `error.type`.
      else span.end({ type: attempt.errorKind, message: attempt.errorMessage ?? attempt.errorKind });
      return run;
    } catch (error) {
      // The runner never throws for what the receiver does; this is our own bug, recorded then rethrown.
      span.end({ type: 'internal', message: (error as Error).message });
      throw error;
    }
  };
}
