import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exceedsDepth, parseJsonSafely, utf8Text } from './safe-json.ts';

test('depth is counted outside strings only, and stops at the limit', () => {
  assert.equal(exceedsDepth('[[[]]]', 3), false);
  assert.equal(exceedsDepth('[[[[]]]]', 3), true);
  assert.equal(exceedsDepth('{"a":"[[[[[[[[\\"[[["}', 1), false);
  assert.equal(exceedsDepth('['.repeat(1_000_000), 64), true);
});

test('parses valid JSON, refuses deep or invalid JSON without throwing', () => {
  assert.deepEqual(parseJsonSafely('{"a":[1,2]}', 8), { ok: true, value: { a: [1, 2] } });
  assert.deepEqual(parseJsonSafely(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 128), {
    ok: false,
    reason: 'too_deep',
  });
  assert.deepEqual(parseJsonSafely('{"a":', 8), { ok: false, reason: 'invalid' });
  assert.deepEqual(parseJsonSafely('', 8), { ok: false, reason: 'invalid' });
});

test('__proto__ keys are dropped, spelled out or escaped; huge numbers become Infinity', () => {
  for (const text of ['{"__proto__":{"x":1},"a":1}', '{"\\u005f_proto__":{"x":1},"a":1}']) {
    const result = parseJsonSafely(text, 8);
    assert.ok(result.ok);
    assert.equal(Object.hasOwn(result.value as object, '__proto__'), false);
    assert.equal((result.value as { a: number }).a, 1);
  }
  const huge = parseJsonSafely(`{"n":1e999999,"m":${'9'.repeat(10_000)}}`, 8);
  assert.ok(huge.ok);
  assert.equal((huge.value as { n: number }).n, Number.POSITIVE_INFINITY);
});

test('utf8Text refuses invalid UTF-8', () => {
  assert.equal(utf8Text(new Uint8Array([0x68, 0x69])), 'hi');
  assert.equal(utf8Text(new Uint8Array([0xff, 0xfe])), null);
});
