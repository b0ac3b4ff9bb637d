import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isJsonPointer, resolveJsonPointer } from './json-pointer.ts';

test('resolves RFC 6901 pointers over own properties only', () => {
  const doc = { data: { 'a/b': 1, 'c~d': 2, list: ['x', 'y'] } };
  assert.equal(resolveJsonPointer(doc, '/data/a~1b'), 1);
  assert.equal(resolveJsonPointer(doc, '/data/c~0d'), 2);
  assert.equal(resolveJsonPointer(doc, '/data/list/1'), 'y');
  assert.equal(resolveJsonPointer(doc, '/data/list/01'), undefined);
  assert.equal(resolveJsonPointer(doc, '/constructor'), undefined);
  assert.equal(resolveJsonPointer(doc, '/data/toString'), undefined);
  assert.equal(resolveJsonPointer(doc, 'data'), undefined);
  assert.equal(resolveJsonPointer(undefined, '/a'), undefined);
});

test('validates pointer syntax', () => {
  assert.ok(isJsonPointer('/a/b'));
  assert.ok(isJsonPointer(''));
  assert.equal(isJsonPointer('a'), false);
  assert.equal(isJsonPointer('/a~2'), false);
  assert.equal(isJsonPointer('/a~'), false);
});
