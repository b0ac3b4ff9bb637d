import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventTypeMatches, eventTypesMatch, validateEventTypePattern } from './event-type-match.ts';

test('exact patterns match only themselves', () => {
  assert.equal(eventTypeMatches('invoice.paid', 'invoice.paid'), true);
  assert.equal(eventTypeMatches('invoice.paid', 'invoice.paid.late'), false);
  assert.equal(eventTypeMatches('invoice.paid', 'invoice'), false);
  assert.equal(eventTypeMatches('Invoice.paid', 'invoice.paid'), false);
});

test('a trailing * matches one or more segments, never zero', () => {
  assert.equal(eventTypeMatches('invoice.*', 'invoice.paid'), true);
  assert.equal(eventTypeMatches('invoice.*', 'invoice.payment.failed'), true);
  assert.equal(eventTypeMatches('invoice.*', 'invoice'), false);
  assert.equal(eventTypeMatches('invoice.*', 'invoice.'), false);
  assert.equal(eventTypeMatches('invoice.*', 'invoices.paid'), false);
  assert.equal(eventTypeMatches('invoice.*', 'user.invoice.paid'), false);
});

test('an inner * matches exactly one segment; * alone matches everything', () => {
  assert.equal(eventTypeMatches('*.created', 'user.created'), true);
  assert.equal(eventTypeMatches('*.created', 'user.admin.created'), false);
  assert.equal(eventTypeMatches('*.created', '.created'), false);
  assert.equal(eventTypeMatches('a.*.c', 'a.b.c'), true);
  assert.equal(eventTypeMatches('a.*.c', 'a.b.d'), false);
  assert.equal(eventTypeMatches('a.*.*', 'a.b.c.d'), true);
  assert.equal(eventTypeMatches('*', 'anything.at.all'), true);
  assert.equal(eventTypeMatches('*', 'x'), true);
});

test('endpoint filters: null is all, otherwise any pattern', () => {
  assert.equal(eventTypesMatch(null, 'x.y'), true);
  assert.equal(eventTypesMatch([], 'x.y'), false);
  assert.equal(eventTypesMatch(['user.created', 'invoice.*'], 'invoice.paid'), true);
  assert.equal(eventTypesMatch(['user.created', 'invoice.*'], 'user.deleted'), false);
});

test('pattern validation names the problem', () => {
  for (const good of ['invoice.paid', 'invoice.*', '*', '*.created', 'a.*.c', 'stripe:charge.succeeded']) {
    assert.deepEqual(validateEventTypePattern(good), { ok: true }, good);
  }
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['invoice..paid', /empty segment/],
    ['invoice.', /empty segment/],
    ['inv*', /segment "inv\*"/],
    ['invoice.pa id', /spaces/],
    ['invoice?', /segment "invoice\?"/],
    ['invoice.[ab]', /segment "\[ab\]"/],
    ['invoice.p\u0000', /segment "p\\u0000"/],
    ['facture.payée', /segment "payée"/],
    ['x'.repeat(300), /longer than 256/],
  ];
  for (const [pattern, message] of bad) {
    const result = validateEventTypePattern(pattern);
    assert.equal(result.ok, false, pattern);
    assert.match(result.ok ? '' : result.message, message);
  }
});
