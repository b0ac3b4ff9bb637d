import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpErrorResult, HttpResponseResult } from './http-client.ts';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  type DecideInput,
  decide,
  maxAttempts,
  parseRetryAfter,
} from './retry-policy.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const S = 1000;
const defaults = { retrySchedule: null };

function response(status: number, headers: Record<string, string> = {}): HttpResponseResult {
  return { type: 'response', status, headers, body: '', bodyTruncated: false, durationMs: 5 };
}

function failure(
  errorKind: HttpErrorResult['errorKind'],
  extra: Partial<HttpErrorResult> = {},
): HttpErrorResult {
  return { type: 'error', errorKind, message: `${errorKind} happened`, durationMs: 5, ...extra };
}

function run(input: Partial<DecideInput> & Pick<DecideInput, 'result'>) {
  return decide({ attemptNumber: 1, endpoint: defaults, now: NOW, random: () => 0.5, ...input });
}

function delayOf(decision: ReturnType<typeof decide>): number {
  assert.equal(decision.outcome.kind, 'retry');
  return decision.outcome.kind === 'retry' ? decision.outcome.nextAttemptAt - NOW : Number.NaN;
}

test('the default schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h', () => {
  assert.equal(maxAttempts(defaults), 10);
  const delays = [];
  for (let attempt = 1; attempt < 10; attempt++)
    delays.push(delayOf(run({ attemptNumber: attempt, result: response(500) })));
  assert.deepEqual(delays, [...DEFAULT_RETRY_SCHEDULE_MS]);
  assert.deepEqual(
    delays.map((d) => d / S),
    [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
  );
  const total = delays.reduce((a, b) => a + b, 0);
  assert.ok(total > 3 * 86400 * S && total < 3.5 * 86400 * S, 'about three days');
});

test('jitter stays within ±20 % and follows the injected randomness', () => {
  assert.equal(delayOf(run({ attemptNumber: 2, result: response(500), random: () => 0 })), 240 * S);
  assert.equal(
    delayOf(run({ attemptNumber: 2, result: response(500), random: () => 0.999999 })),
    360 * S - 0,
  );
  assert.equal(delayOf(run({ attemptNumber: 2, result: response(500), random: () => 0.75 })), 330 * S);
});

test('2xx succeeds and clears the endpoint failure run; non-2xx and errors are failures', () => {
  for (const status of [200, 201, 204, 299]) {
    const d = run({ result: response(status) });
    assert.deepEqual(d, {
      outcome: { kind: 'succeeded' },
      endpointEffect: { effect: 'success' },
      errorKind: 'none',
      errorMessage: null,
    });
  }
  const d500 = run({ result: response(500) });
  assert.deepEqual(d500.endpointEffect, { effect: 'failure' });
  assert.equal(d500.errorKind, 'http_status');
  assert.equal(d500.errorMessage, 'receiver answered 500');
  const reset = run({ result: failure('reset') });
  assert.equal(reset.errorKind, 'reset');
  assert.equal(reset.errorMessage, 'reset happened');
  assert.equal(delayOf(reset), 5 * S);
});

test('a 3xx (redirect error) is an ordinary failure on the schedule', () => {
  const d = run({
    result: failure('redirect', { response: { status: 302, headers: { location: 'http://x/' } } }),
  });
  assert.equal(d.errorKind, 'redirect');
  assert.equal(delayOf(d), 5 * S);
});

test('after the last attempt the delivery is exhausted, honouring the delivery own limit', () => {
  assert.deepEqual(run({ attemptNumber: 10, result: response(503) }).outcome, { kind: 'exhausted' });
  assert.deepEqual(run({ attemptNumber: 3, maxAttempts: 3, result: failure('timeout') }).outcome, {
    kind: 'exhausted',
  });
  // A limit above the schedule's length reuses its last delay.
  assert.equal(delayOf(run({ attemptNumber: 12, maxAttempts: 20, result: response(500) })), 86400 * S);
});

test('per-endpoint schedules override the default; an empty one means a single attempt', () => {
  const endpoint = { retrySchedule: [1000, 2000] };
  assert.equal(maxAttempts(endpoint), 3);
  assert.equal(delayOf(run({ endpoint, attemptNumber: 1, result: response(500) })), 1000);
  assert.equal(delayOf(run({ endpoint, attemptNumber: 2, result: response(500) })), 2000);
  assert.deepEqual(run({ endpoint, attemptNumber: 3, result: response(500) }).outcome, { kind: 'exhausted' });
  assert.equal(maxAttempts({ retrySchedule: [] }), 1);
  assert.deepEqual(run({ endpoint: { retrySchedule: [] }, result: response(500) }).outcome, {
    kind: 'exhausted',
  });
});

test('410 exhausts the delivery and disables the endpoint', () => {
  const d = run({ result: response(410) });
  assert.deepEqual(d.outcome, { kind: 'exhausted' });
  assert.deepEqual(d.endpointEffect, { effect: 'disable', reason: 'receiver answered 410 Gone' });
});

test('webhook-delivery: abort cancels the remaining retries, but never overrides a 2xx', () => {
  const d = run({ result: response(500, { 'webhook-delivery': ' Abort ' }) });
  assert.deepEqual(d.outcome, { kind: 'cancelled' });
  assert.match(d.errorMessage ?? '', /abort/);
  assert.equal(run({ result: response(200, { 'webhook-delivery': 'abort' }) }).outcome.kind, 'succeeded');
});

test('Retry-After is honoured, capped at 24 h, and never shortens the schedule', () => {
  assert.equal(delayOf(run({ result: response(503, { 'retry-after': '120' }) })), 120 * S);
  assert.equal(delayOf(run({ attemptNumber: 3, result: response(503, { 'retry-after': '10' }) })), 1800 * S);
  assert.equal(delayOf(run({ result: response(503, { 'retry-after': String(7 * 86400) }) })), 86400 * S);
  const date = new Date(NOW + 600 * S).toUTCString();
  assert.equal(delayOf(run({ result: response(503, { 'retry-after': date }) })), 600 * S);
  assert.equal(delayOf(run({ result: response(503, { 'retry-after': 'soon' }) })), 5 * S);
});

test('a 429 or a timeout waits at least 60 s; Retry-After on a 429 can ask for longer', () => {
  assert.equal(delayOf(run({ result: response(429) })), 60 * S);
  assert.equal(delayOf(run({ result: failure('timeout') })), 60 * S);
  assert.equal(delayOf(run({ result: response(429, { 'retry-after': '1' }) })), 60 * S);
  assert.equal(delayOf(run({ result: response(429, { 'retry-after': '90' }) })), 90 * S);
  assert.equal(delayOf(run({ attemptNumber: 2, result: response(429) })), 300 * S);
});

test('Retry-After parsing', () => {
  assert.equal(parseRetryAfter('0', NOW), 0);
  assert.equal(parseRetryAfter(' 30 ', NOW), 30 * S);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 12:01:00 GMT', NOW), 60 * S);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 12:00:00 GMT', NOW), 0);
  for (const bad of ['', '-5', '1.5', '2026-01-01', 'tomorrow', 'Thu, garbage'])
    assert.equal(parseRetryAfter(bad, NOW), null, bad);
});
