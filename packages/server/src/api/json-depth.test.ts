import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exceedsJsonDepth } from './json-depth.ts';

test('counts nesting outside strings only', () => {
  assert.equal(exceedsJsonDepth(Buffer.from('[[[1]]]'), 3), false);
  assert.equal(exceedsJsonDepth(Buffer.from('[[[[1]]]]'), 3), true);
  assert.equal(exceedsJsonDepth(Buffer.from('{"a":"[[[[[[\\"[[[["}'), 1), false);
  assert.equal(exceedsJsonDepth(Buffer.from('[{},{},{},[]]'), 2), false);
  assert.equal(exceedsJsonDepth(Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)), true);
});
