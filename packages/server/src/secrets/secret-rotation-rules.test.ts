import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatGraceSeconds, parseGraceSeconds } from './secret-rotation-rules.ts';

test('a grace period reads as 0, bare seconds or a number with s, m, h or d', () => {
  assert.equal(parseGraceSeconds('0'), 0);
  assert.equal(parseGraceSeconds('90'), 90);
  assert.equal(parseGraceSeconds('90s'), 90);
  assert.equal(parseGraceSeconds('30m'), 1800);
  assert.equal(parseGraceSeconds('24h'), 86_400);
  assert.equal(parseGraceSeconds('7d'), 604_800);
  for (const bad of ['', ' 1h', '1.5h', '-1', '1w', 'h', '1 h', '12345678']) {
    assert.equal(parseGraceSeconds(bad), null, bad);
  }
});

test('formatted in the largest whole unit, and read back the same', () => {
  for (const [seconds, text] of [
    [0, '0'],
    [45, '45s'],
    [90, '90s'],
    [5400, '90m'],
    [7200, '2h'],
    [86_400, '1d'],
    [604_800, '7d'],
  ] as const) {
    assert.equal(formatGraceSeconds(seconds), text);
    assert.equal(parseGraceSeconds(text), seconds);
  }
});
