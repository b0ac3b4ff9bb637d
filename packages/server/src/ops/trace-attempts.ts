import type { RunAttempt } from '../delivery/dispatcher.ts';
import type { HooklineTracing, SpanAttributes } from './tracing.ts';

/**
 * Wraps the attempt runner with a `delivery.attempt` CLIENT span per HTTP try, a child of the span that
 * stored the message (its `traceparent` column), so ingest → store → every attempt reads as one trace
 * even when the worker is another process and the retry comes hours later. Only used when tracing is on.
 * The endpoint URL is left out on purpose: receivers put credentials in URLs; the endpoint id is enough.
 */
export function traceAttempts(runAttempt: RunAttempt, tracing: HooklineTracing): RunAttempt {
  return async (input) => {
    // The span is recorded once the attempt is over, with its start time: nothing reads it meanwhile (no
    // header carries it to the receiver), and one SDK call per attempt costs about half of three.
    const startMs = performance.timeOrigin + performance.now();
    const attributes: SpanAttributes = {
      'hookline.message.id': input.message.id,
      'hookline.delivery.id': input.delivery.id,
      'hookline.endpoint.id': input.endpoint.id,
      'hookline.attempt.number': input.attemptNumber,
    };
    // Every attribute is a key in every exported span: the constant ones (POST, a scheduled trigger, error
    // kind `none` on success) are left out, which keeps the export's JSON and CPU cost down.
    if (input.trigger !== 'scheduled') attributes['hookline.attempt.trigger'] = input.trigger;
    const record = (error?: { type: string; message?: string }) =>
      tracing.recordChild('delivery.attempt', input.message.traceParent, {
        attributes,
        startMs,
        endMs: performance.timeOrigin + performance.now(),
        kind: 'client',
        ...(error ? { error } : {}),
      });
    let run: Awaited<ReturnType<RunAttempt>>;
    try {
      run = await runAttempt(input);
    } catch (error) {
      // The runner never throws for what the receiver does; this is our own bug, recorded then rethrown.
      record({ type: 'internal', message: (error as Error).message });
      throw error;
    }
    const { attempt } = run;
    attributes['hookline.attempt.duration_ms'] = attempt.durationMs;
    attributes['hookline.attempt.outcome'] = run.outcome.kind;
    if (attempt.responseStatus !== null) attributes['http.response.status_code'] = attempt.responseStatus;
    // The error kind (`http_status`, `timeout`, `connect`…) becomes the span's `error.type`.
    if (attempt.errorKind === 'none') record();
    else record({ type: attempt.errorKind, message: attempt.errorMessage ?? attempt.errorKind });
    return run;
  };
}
