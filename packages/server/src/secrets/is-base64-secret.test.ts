import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isBase64Secret } from './is-base64-secret.ts';

test('counts the bytes as decoding would, at every padding, without Buffer', () => {
  for (let size = 0; size <= 70; size++) {
    const secret = `whsec_${Buffer.alloc(size, 7).toString('base64')}`;
    assert.equal(isBase64Secret(secret, 'whsec_', 24, 64), size >= 24 && size <= 64, `${size} bytes`);
  }
  assert.equal(isBase64Secret(`whsk_${Buffer.alloc(32, 1).toString('base64')}`, 'whsk_', 32, 32), true);
});

test('refuses another prefix and anything but strict padded base64', () => {
  const body = Buffer.alloc(32, 9).toString('base64');
  assert.equal(isBase64Secret(`whsk_${body}`, 'whsec_', 24, 64), false);
  assert.equal(isBase64Secret(`whsec_${body.replace(/=+$/, '')}`, 'whsec_', 24, 64), false, 'unpadded');
  assert.equal(isBase64Secret(`whsec_${body}x`, 'whsec_', 24, 64), false, 'trailing garbage');
  assert.equal(isBase64Secret(`whsec_-${body.slice(1)}`, 'whsec_', 24, 64), false, 'base64url');
  assert.equal(isBase64Secret(`whsec_ ${body}`, 'whsec_', 24, 64), false);
});
