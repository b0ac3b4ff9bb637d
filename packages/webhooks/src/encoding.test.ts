import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  concatBytes,
  fromBase64,
  fromBase64Url,
  fromHex,
  fromUtf8,
  toBase64,
  toBase64Url,
  toHex,
  utf8,
} from './encoding.ts';
import { getHeader } from './headers.ts';
import { timingSafeEqual } from './timing-safe-equal.ts';

test('base64 decoding is strict: padding required, no whitespace, no url alphabet', () => {
  assert.deepEqual(fromBase64('aGk='), utf8('hi'));
  for (const bad of ['aGk', 'aG k=', 'aGk=\n', 'a-_=', '====', 'aGk=='])
    assert.equal(fromBase64(bad), undefined, bad);
  assert.deepEqual(fromBase64(''), new Uint8Array(0));
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i % 251);
  assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
  // Every tail the table encoder pads differently (none, one and two bytes left), and every digit.
  for (let length = 0; length <= 7; length++) {
    const tail = Uint8Array.from({ length }, (_, i) => 255 - i * 37);
    assert.equal(toBase64(tail), Buffer.from(tail).toString('base64'), `length ${length}`);
  }
  const all = Uint8Array.from({ length: 192 }, (_, i) => (i * 4) % 256);
  assert.equal(toBase64(all), Buffer.from(all).toString('base64'));
});

test('base64url, hex and UTF-8 round trip; bad input is undefined, not an exception', () => {
  const bytes = Uint8Array.from([251, 255, 0, 62, 63]);
  assert.equal(toBase64Url(bytes), Buffer.from(bytes).toString('base64url'));
  assert.deepEqual(fromBase64Url(toBase64Url(bytes)), bytes);
  assert.equal(fromBase64Url('a'), undefined);
  assert.equal(fromBase64Url('a+b/'), undefined);
  assert.equal(toHex(bytes), 'fbff003e3f');
  assert.deepEqual(fromHex('FBff003E3f'), bytes);
  assert.equal(fromHex('abc'), undefined);
  assert.equal(fromHex('zz'), undefined);
  // The neighbours of every accepted range, and a char code past the lookup table.
  for (const text of ['/0', ':0', '@0', 'G0', '`0', 'g0', '0g', 'é0', '0\u0100'])
    assert.equal(fromHex(text), undefined, text);
  assert.deepEqual(fromHex(''), new Uint8Array(0));
  assert.equal(fromUtf8(Uint8Array.from([0xff])), '\ufffd');
  assert.deepEqual(concatBytes(utf8('a'), new Uint8Array(0), utf8('b')), utf8('ab'));
});

test('timingSafeEqual answers false on length mismatch instead of throwing', () => {
  assert.equal(timingSafeEqual(utf8('abc'), utf8('abc')), true);
  assert.equal(timingSafeEqual(utf8('abc'), utf8('abd')), false);
  assert.equal(timingSafeEqual(utf8('abc'), utf8('ab')), false);
  assert.equal(timingSafeEqual(utf8('ab'), utf8('abc')), false);
  assert.equal(timingSafeEqual(new Uint8Array(0), new Uint8Array(0)), true);
});

test('getHeader reads Headers and Node records case-insensitively, joining repeats', () => {
  assert.equal(getHeader(new Headers({ 'X-A': '1' }), 'x-a'), '1');
  assert.equal(getHeader(new Headers(), 'x-a'), undefined);
  assert.equal(getHeader({ 'x-a': '1' }, 'X-A'), '1');
  assert.equal(getHeader({ 'X-A': '1' }, 'x-a'), '1');
  assert.equal(getHeader({ 'x-a': ['1', '2'] }, 'x-a'), '1, 2');
  assert.equal(getHeader({ 'x-b': '1' }, 'x-a'), undefined);
});
