import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../errors.ts';
import { parseInstant } from './parse-instant.ts';

test('parseInstant reads RFC 3339 date-times, counts a leap second as the next second, refuses the rest', () => {
  assert.equal(parseInstant('2026-01-01T00:00:00Z', '/x'), Date.UTC(2026, 0, 1));
  assert.equal(parseInstant('2026-01-01t00:00:00.250z', '/x'), Date.UTC(2026, 0, 1, 0, 0, 0, 250));
  assert.equal(parseInstant('2016-12-31T23:59:60Z', '/x'), Date.UTC(2017, 0, 1));
  assert.equal(parseInstant('2016-12-31T23:59:60.5Z', '/x'), Date.UTC(2017, 0, 1, 0, 0, 0, 500));
  assert.equal(parseInstant('2017-01-01T05:29:60+05:30', '/x'), Date.UTC(2017, 0, 1));
  assert.throws(
    () => parseInstant('2016-13-31T23:59:60Z', '/querystring/since'),
    (error: unknown) =>
      error instanceof ApiError && error.code === 'validation_failed' && /^since: /.test(error.message),
  );
});
