import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIdGenerator } from './ids.ts';

test('ids carry the prefix and sort by creation time', () => {
  let now = 1_700_000_000_000;
  const newId = createIdGenerator(() => now);
  const ids: string[] = [];
  for (let i = 0; i < 1000; i++) {
    if (i % 100 === 0) now += 1;
    ids.push(newId('msg'));
  }
  assert.match(ids[0] ?? '', /^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('a clock that steps back never produces a smaller id', () => {
  let now = 2_000_000;
  const newId = createIdGenerator(() => now);
  const first = newId('x');
  now -= 1000;
  const second = newId('x');
  assert.ok(second > first);
});
