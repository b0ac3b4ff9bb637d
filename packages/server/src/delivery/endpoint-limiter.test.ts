import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointLimiter } from './endpoint-limiter.ts';

test('concurrency cap: slots are taken and given back', () => {
  const limiter = new EndpointLimiter(() => 0);
  const limits = { maxConcurrency: 2, ratePerSecond: null };
  assert.equal(limiter.tryAcquire('ep', limits), true);
  assert.equal(limiter.tryAcquire('ep', limits), true);
  assert.equal(limiter.tryAcquire('ep', limits), false);
  assert.equal(limiter.isSaturated('ep'), true);
  assert.deepEqual(limiter.saturatedEndpoints(), ['ep']);
  assert.equal(limiter.tryAcquire('other', limits), true, 'another endpoint is not affected');
  limiter.release('ep');
  assert.equal(limiter.isSaturated('ep'), false);
  assert.equal(limiter.tryAcquire('ep', limits), true);
  assert.equal(limiter.activeCount('ep'), 2);
});

test('rate limit: a token bucket refilled by the injected clock', () => {
  let now = 1000;
  const limiter = new EndpointLimiter(() => now);
  const limits = { maxConcurrency: 100, ratePerSecond: 2 };
  assert.equal(limiter.tryAcquire('ep', limits), true);
  limiter.release('ep');
  assert.equal(limiter.tryAcquire('ep', limits), true);
  limiter.release('ep');
  assert.equal(limiter.tryAcquire('ep', limits), false, 'bucket of 2 is empty');
  assert.equal(limiter.isSaturated('ep'), true);
  assert.equal(limiter.waitMs('ep'), 500);
  now += 500;
  assert.equal(limiter.waitMs('ep'), 0);
  assert.equal(limiter.tryAcquire('ep', limits), true);
  now += 10_000;
  // The bucket never holds more than one second's worth.
  assert.equal(limiter.tryAcquire('ep', limits), true);
  assert.equal(limiter.tryAcquire('ep', limits), true);
  assert.equal(limiter.tryAcquire('ep', limits), false);
});

test('release of an unknown endpoint is harmless', () => {
  const limiter = new EndpointLimiter(() => 0);
  limiter.release('nope');
  assert.equal(limiter.isSaturated('nope'), false);
  assert.equal(limiter.waitMs('nope'), 0);
});
