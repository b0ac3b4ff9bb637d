import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter } from './rate-limiter.ts';

test('a bucket allows its burst, then refills at its rate, per key', () => {
  let now = 0;
  const limiter = createRateLimiter({ ratePerSecond: 2, burst: 2 }, { clock: () => now, maxKeys: 10 });
  assert.deepEqual(limiter.take('a'), { ok: true });
  assert.deepEqual(limiter.take('a'), { ok: true });
  assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 1 });
  assert.deepEqual(limiter.take('b'), { ok: true });
  now += 500;
  assert.deepEqual(limiter.take('a'), { ok: true });
  assert.equal(limiter.take('a').ok, false);
});

test('rate 0 disables the limit; beyond maxKeys the oldest bucket is dropped', () => {
  const off = createRateLimiter({ ratePerSecond: 0, burst: 0 }, { clock: () => 0, maxKeys: 1 });
  for (let i = 0; i < 100; i++) assert.ok(off.take('x').ok);
  const small = createRateLimiter({ ratePerSecond: 1, burst: 1 }, { clock: () => 0, maxKeys: 1 });
  assert.ok(small.take('a').ok);
  assert.equal(small.take('a').ok, false);
  assert.ok(small.take('b').ok);
  assert.ok(small.take('a').ok, 'a was evicted and starts full');
});

test('Retry-After is the whole seconds until the next token', () => {
  const limiter = createRateLimiter({ ratePerSecond: 0.25, burst: 1 }, { clock: () => 0, maxKeys: 10 });
  limiter.take('a');
  assert.deepEqual(limiter.take('a'), { ok: false, retryAfterSeconds: 4 });
});
