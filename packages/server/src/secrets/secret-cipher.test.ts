import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatEncryptionKey, generateEncryptionKey, keyOf, parseEncryptionKey } from './encryption-key.ts';
import { createSecretCipher, envelopeKeyId } from './secret-cipher.ts';

const KEY = keyOf(Buffer.alloc(32, 1));
const OTHER = keyOf(Buffer.alloc(32, 2));
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

test('round trip: an envelope names the key id, carries no plaintext, and decrypts to the value', () => {
  const cipher = createSecretCipher({ current: KEY });
  const sealed = cipher.encrypt(SECRET, 'endpoint:ep_1:secrets');
  assert.match(sealed, new RegExp(`^enc:v1:${KEY.id}:[A-Za-z0-9_-]+$`));
  assert.ok(!sealed.includes(SECRET.slice(6)));
  assert.equal(envelopeKeyId(sealed), KEY.id);
  assert.equal(cipher.decrypt(sealed, 'endpoint:ep_1:secrets'), SECRET);
  // A fresh nonce per value: the same secret never encrypts to the same text.
  assert.notEqual(cipher.encrypt(SECRET, 'endpoint:ep_1:secrets'), sealed);
});

test('the row context is bound: an envelope copied to another row does not decrypt', () => {
  const cipher = createSecretCipher({ current: KEY });
  const sealed = cipher.encrypt(SECRET, 'endpoint:ep_1:secrets');
  assert.throws(() => cipher.decrypt(sealed, 'endpoint:ep_2:secrets'), { code: 'secret_undecryptable' });
  const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`;
  assert.throws(() => cipher.decrypt(tampered, 'endpoint:ep_1:secrets'), { code: 'secret_undecryptable' });
});

test('old keys decrypt, new values use the current key; an unknown key id is named in the error', () => {
  const before = createSecretCipher({ current: OTHER });
  const sealed = before.encrypt(SECRET, 'source:src_1:secrets');
  const rotating = createSecretCipher({ current: KEY, old: [OTHER] });
  assert.deepEqual(rotating.keyIds, [KEY.id, OTHER.id]);
  assert.equal(rotating.decrypt(sealed, 'source:src_1:secrets'), SECRET);
  assert.equal(envelopeKeyId(rotating.encrypt(SECRET, 'x')), KEY.id);
  const lacking = createSecretCipher({ current: KEY });
  assert.throws(
    () => lacking.decrypt(sealed, 'source:src_1:secrets'),
    (error: Error & { code?: string }) =>
      error.code === 'encryption_key_unknown' &&
      error.message.includes(OTHER.id) &&
      !error.message.includes(SECRET),
  );
});

test('plaintext values (rows from before encryption) are read as they are', () => {
  const cipher = createSecretCipher({ current: KEY });
  assert.equal(cipher.decrypt(SECRET, 'endpoint:ep_1:secrets'), SECRET);
  assert.equal(envelopeKeyId(SECRET), null);
});

test('keys parse from hex, base64 and base64url; anything else is refused without echoing it', () => {
  const key = generateEncryptionKey();
  const base64 = formatEncryptionKey(key);
  assert.equal(parseEncryptionKey(base64, 'k').id, key.id);
  assert.equal(parseEncryptionKey(key.bytes.toString('hex'), 'k').id, key.id);
  assert.equal(parseEncryptionKey(key.bytes.toString('base64url'), 'k').id, key.id);
  assert.match(key.id, /^[0-9a-f]{8}$/);
  for (const bad of ['', 'short', 'a'.repeat(63), Buffer.alloc(16).toString('base64'), `${base64}x`]) {
    assert.throws(
      () => parseEncryptionKey(bad, 'HOOKLINE_ENCRYPTION_KEY'),
      (error: Error & { code?: string }) =>
        error.code === 'encryption_key_invalid' &&
        error.message.startsWith('HOOKLINE_ENCRYPTION_KEY') &&
        (bad.length < 8 || !error.message.includes(bad)),
    );
  }
});
