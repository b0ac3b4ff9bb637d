import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from './cli-errors.ts';
import { instantFlag } from './instant-flag.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const read = (value: string | undefined) =>
  instantFlag({ flags: { since: value }, positionals: [] }, 'since', NOW);

test('RFC 3339 times become UTC ISO strings, offsets and fractions applied', () => {
  assert.equal(read('2026-11-20T00:00:00Z'), '2026-11-20T00:00:00.000Z');
  assert.equal(read('2026-11-20t01:30:00+01:30'), '2026-11-20T00:00:00.000Z');
  assert.equal(read('2026-11-19 22:00:00.1239-02:00'), '2026-11-20T00:00:00.123Z');
  assert.equal(read('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z');
  assert.equal(read('2000-02-29T00:00:00Z'), '2000-02-29T00:00:00.000Z');
  // A leap second counts as the next one, as the API reads it.
  assert.equal(read('2016-12-31T23:59:60Z'), '2017-01-01T00:00:00.000Z');
  // Date.UTC would read year 50 as 1950.
  assert.equal(read('0050-01-01T00:00:00Z'), '0050-01-01T00:00:00.000Z');
});

test('durations count back from now; an absent flag is undefined', () => {
  assert.equal(read('6h'), '2026-03-01T06:00:00.000Z');
  assert.equal(read('2d'), '2026-02-27T12:00:00.000Z');
  assert.equal(read('90s'), '2026-03-01T11:58:30.000Z');
  assert.equal(read(undefined), undefined);
});

test('what Date.parse would accept or roll over is a usage error', () => {
  for (const value of [
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:00+24:00',
    '2026-01-01T00:00:00',
    '2026-01-01',
    'March 7, 2026',
    '1',
    '1.5h',
    '',
  ]) {
    assert.throws(() => read(value), UsageError, value);
  }
});
