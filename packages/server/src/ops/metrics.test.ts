import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttemptResult } from '../store/store.ts';
import { createMetrics, statusClass } from './metrics.ts';

function result(status: number | null, kind: 'succeeded' | 'exhausted', durationMs: number): AttemptResult {
  return {
    deliveryId: 'dlv_1',
    leaseToken: 1,
    outcome: { kind },
    attempt: {
      deliveryId: 'dlv_1',
      messageId: 'msg_1',
      endpointId: 'ep_1',
      attemptNumber: 1,
      trigger: 'scheduled',
      url: 'https://hooks.example.com/in',
      requestHeaders: {},
      responseStatus: status,
      responseHeaders: {},
      responseBody: null,
      durationMs,
      errorKind: status === null ? 'timeout' : null,
      errorMessage: null,
    },
  } as AttemptResult;
}

test('status classes: a response by its hundreds, no response at all is "none"', () => {
  assert.deepEqual([200, 204, 302, 410, 429, 503, null].map(statusClass), [
    '2xx',
    '2xx',
    '3xx',
    '4xx',
    '4xx',
    '5xx',
    'none',
  ]);
});

test('attempts by outcome and status class, the latency histogram in seconds, disabled endpoints', async () => {
  const metrics = createMetrics({
    store: { queueDepth: async () => ({ due: 0, oldestDueAt: null }) },
    clock: () => 0,
  });
  metrics.attempt(result(200, 'succeeded', 40));
  metrics.attempt(result(null, 'exhausted', 15_000));
  metrics.endpointDisabled('gone');
  const text = await metrics.render();
  assert.match(text, /^hookline_delivery_attempts_total\{outcome="succeeded",status_class="2xx"\} 1$/m);
  assert.match(text, /^hookline_delivery_attempts_total\{outcome="exhausted",status_class="none"\} 1$/m);
  assert.match(
    text,
    /^hookline_delivery_attempt_duration_seconds_bucket\{le="0.05",status_class="2xx"\} 1$/m,
  );
  assert.match(text, /^hookline_delivery_attempt_duration_seconds_bucket\{le="10",status_class="none"\} 0$/m);
  assert.match(text, /^hookline_delivery_attempt_duration_seconds_sum\{status_class="none"\} 15$/m);
  assert.match(text, /^hookline_endpoints_disabled_total\{trigger="gone"\} 1$/m);
  assert.match(text, /^hookline_queue_due_deliveries 0$/m);
  assert.match(text, /^hookline_queue_oldest_due_age_seconds 0$/m);
});

test('each scrape reads the queue once, and a store that fails makes the scrape fail', async () => {
  let calls = 0;
  let fail = false;
  const metrics = createMetrics({
    store: {
      queueDepth: async (now) => {
        calls += 1;
        if (fail) throw new TypeError('store down');
        return { due: 7, oldestDueAt: now - 2_500 };
      },
    },
    clock: () => 1_000_000,
  });
  const text = await metrics.render();
  assert.match(text, /^hookline_queue_due_deliveries 7$/m);
  assert.match(text, /^hookline_queue_oldest_due_age_seconds 2.5$/m);
  assert.equal(calls, 1);
  await metrics.render();
  assert.equal(calls, 2);
  fail = true;
  await assert.rejects(metrics.render(), /store down/);
});
