import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Json } from '../store/types.ts';
import { matchesPayloadFilter, validatePayloadFilter } from './payload-filter.ts';

const payload = JSON.parse(`{
  "type": "card",
  "data": { "amount": 150, "currency": "EUR", "country": "FR", "note": null, "items": [{ "sku": "A1" }, { "sku": "B2" }] },
  "tags": ["vip", "beta"],
  "flags": { "test": false }
}`);

function matches(filter: Json): boolean {
  assert.deepEqual(validatePayloadFilter(filter), { ok: true }, JSON.stringify(filter));
  return matchesPayloadFilter(filter, payload);
}

test('literals, $eq and $neq on dotted paths, with deep equality and array membership', () => {
  assert.equal(matches({ type: 'card' }), true);
  assert.equal(matches({ type: 'bank' }), false);
  assert.equal(matches({ 'data.currency': { $eq: 'EUR' } }), true);
  assert.equal(matches({ 'data.currency': { $neq: 'EUR' } }), false);
  assert.equal(matches({ 'data.items.1.sku': 'B2' }), true);
  assert.equal(matches({ 'data.items.2.sku': 'B2' }), false);
  assert.equal(matches({ flags: { test: false } }), true);
  assert.equal(matches({ flags: {} }), false);
  assert.equal(matches({ tags: 'vip' }), true);
  assert.equal(matches({ tags: ['vip', 'beta'] }), true);
  assert.equal(matches({ tags: ['beta', 'vip'] }), false);
  assert.equal(matches({ 'data.note': null }), true);
  assert.equal(matches({ 'data.missing': null }), false);
  assert.equal(matches({ 'data.missing': { $neq: 'x' } }), true);
  assert.equal(matches({ type: 'card', 'data.country': 'DE' }), false);
});

test('$in, $nin, ordering operators and $exists', () => {
  assert.equal(matches({ 'data.country': { $in: ['FR', 'DE'] } }), true);
  assert.equal(matches({ 'data.country': { $nin: ['FR', 'DE'] } }), false);
  assert.equal(matches({ 'data.missing': { $nin: ['FR'] } }), true);
  assert.equal(matches({ tags: { $in: ['beta'] } }), true);
  assert.equal(matches({ 'data.amount': { $gt: 100, $lte: 150 } }), true);
  assert.equal(matches({ 'data.amount': { $gt: 150 } }), false);
  assert.equal(matches({ 'data.amount': { $gte: 150 } }), true);
  assert.equal(matches({ 'data.amount': { $lt: 150 } }), false);
  assert.equal(matches({ 'data.currency': { $gt: 'AAA', $lt: 'ZZZ' } }), true);
  // Numbers only compare with numbers, strings with strings.
  assert.equal(matches({ 'data.amount': { $gt: '100' } }), false);
  assert.equal(matches({ 'data.currency': { $gt: 1 } }), false);
  assert.equal(matches({ 'data.note': { $exists: true } }), true);
  assert.equal(matches({ 'data.nothing': { $exists: false } }), true);
  assert.equal(matches({ 'data.nothing': { $exists: true } }), false);
});

test('$or and $and nest', () => {
  assert.equal(matches({ $or: [{ type: 'bank' }, { 'data.amount': { $gte: 100 } }] }), true);
  assert.equal(matches({ $or: [{ type: 'bank' }, { 'data.amount': { $gte: 1000 } }] }), false);
  assert.equal(matches({ $and: [{ type: 'card' }, { $or: [{ tags: 'vip' }, { tags: 'gold' }] }] }), true);
  assert.equal(matches({ $and: [{ type: 'card' }, { $or: [{ tags: 'gold' }] }] }), false);
  assert.equal(matches({}), true);
  assert.equal(matchesPayloadFilter(null, payload), true);
});

test('paths follow own properties only: __proto__ and friends never reach a prototype', () => {
  assert.equal(matches({ 'data.constructor': { $exists: true } }), false);
  assert.equal(matches({ '__proto__.polluted': { $exists: false } }), true);
  assert.equal(matches({ 'data.toString': { $exists: true } }), false);
  assert.equal(matches({ 'tags.length': 2 }), false);
  const hostile = JSON.parse('{"__proto__": {"admin": true}, "a": 1}');
  assert.equal(matchesPayloadFilter(JSON.parse('{"__proto__.admin": true}'), hostile), true);
  assert.equal(matchesPayloadFilter(JSON.parse('{"__proto__.admin": true}'), { a: 1 }), false);
  // A filter document that itself carries __proto__ is a plain key, not a prototype.
  const filter = JSON.parse('{"__proto__": {"$exists": true}}');
  assert.deepEqual(validatePayloadFilter(filter), { ok: true });
  assert.equal(matchesPayloadFilter(filter, hostile), true);
  assert.equal(matchesPayloadFilter(filter, { a: 1 }), false);
  assert.equal(({} as Record<string, unknown>).admin, undefined);
});

test('evaluation never throws on odd payloads or invalid filters', () => {
  for (const odd of [null, 42, 'text', [], [1, 2], { data: null }, { data: [] }, undefined]) {
    assert.equal(matchesPayloadFilter({ 'data.amount': { $gt: 1 } }, odd), false);
  }
  assert.equal(matchesPayloadFilter({ 'data.amount': { $regex: '.*' } }, payload), false);
  assert.equal(matchesPayloadFilter('not a filter', payload), false);
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 10_000; i++) cursor = cursor.a = {} as Record<string, unknown>;
  assert.equal(matchesPayloadFilter({ a: { a: { a: 1 } } }, deep), false);
});

test('validation names the offending path', () => {
  const cases: [unknown, string, RegExp][] = [
    [[], '(filter)', /JSON object/],
    [{ a: { $regex: 'x' } }, 'a.$regex', /unknown operator \$regex/],
    [{ $nor: [] }, '$nor', /unknown operator/],
    [{ $or: [] }, '$or', /non-empty array/],
    [{ $or: [{ a: 1 }, { 'b.c': { $gt: true } }] }, '$or[1].b.c.$gt', /number or a string/],
    [{ a: { $in: 'x' } }, 'a.$in', /array/],
    [{ a: { $exists: 1 } }, 'a.$exists', /true or false/],
    [{ a: { $eq: 1, b: 2 } }, 'a', /mix/],
    [{ 'a..b': 1 }, 'a..b', /empty segment/],
    [{ [Array(20).fill('x').join('.')]: 1 }, Array(20).fill('x').join('.'), /segments/],
    [{ a: { $in: Array(300).fill(1) } }, 'a.$in', /at most 256/],
  ];
  for (const [filter, path, message] of cases) {
    const result = validatePayloadFilter(filter);
    assert.equal(result.ok, false, JSON.stringify(filter).slice(0, 80));
    if (!result.ok) {
      assert.equal(result.path, path);
      assert.match(result.message, message);
    }
  }
  let nested: Json = { a: 1 };
  for (let i = 0; i < 12; i++) nested = { $and: [nested] };
  const tooDeep = validatePayloadFilter(nested);
  assert.equal(tooDeep.ok === false && /deeper than 8/.test(tooDeep.message), true);
  const wide: Record<string, Json> = {};
  for (let i = 0; i < 600; i++) wide[`k${i}`] = i;
  assert.equal(validatePayloadFilter(wide).ok, false);
});
