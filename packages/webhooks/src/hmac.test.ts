import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { ed25519PrivateKey, ed25519PublicKey, ed25519PublicOf } from './ed25519.ts';
import { utf8 } from './encoding.ts';
import { findMatchingSecret, hmac, webHmac } from './hmac.ts';
import { contentBytes } from './mac-content.ts';
import { nativeHmac } from './native-hmac.ts';

test('hmac matches node:crypto for every algorithm, string and byte keys', async () => {
  const data = utf8('payload');
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    const expected = createHmac(algorithm, 'key').update('payload').digest();
    assert.deepEqual(Buffer.from(await hmac(algorithm, 'key', data)), expected);
    assert.deepEqual(Buffer.from(await hmac(algorithm, utf8('key'), data)), expected);
    // Both paths, whichever this runtime takes: the built-in module and Web Crypto give the same bytes.
    assert.deepEqual(Buffer.from(await webHmac(algorithm, 'key', data)), expected);
    assert.deepEqual(Buffer.from(await webHmac(algorithm, utf8('key'), data, `key-${algorithm}`)), expected);
  }
  assert.notEqual(nativeHmac, null, 'Node offers process.getBuiltinModule("crypto")');
});

test('content in pieces is MACed as the pieces joined, strings as UTF-8, on both paths', async () => {
  const body = utf8('{"amount":42}');
  const pieces = ['msg_1.1700000000.', body, '', new Uint8Array(0), '—ü'];
  const joined = Buffer.concat([Buffer.from('msg_1.1700000000.'), body, Buffer.from('—ü')]);
  assert.deepEqual(Buffer.from(contentBytes(pieces)), joined);
  assert.equal(contentBytes(body), body, 'bytes are used as they are, not copied');
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    const expected = createHmac(algorithm, 'key').update(joined).digest();
    assert.deepEqual(Buffer.from(await hmac(algorithm, 'key', pieces)), expected);
    assert.deepEqual(Buffer.from(await webHmac(algorithm, 'key', pieces)), expected);
  }
  const mac = createHmac('sha256', 'b').update(joined).digest();
  assert.equal(await findMatchingSecret('sha256', ['a', 'b'], pieces, [new Uint8Array(mac)]), 1);
});

test('the key cache stays bounded and correct past its size', async () => {
  const data = utf8('x');
  for (let i = 0; i < 300; i++) {
    const mac = await webHmac('sha256', `secret-${i}`, data);
    assert.deepEqual(Buffer.from(mac), createHmac('sha256', `secret-${i}`).update('x').digest());
  }
  // The first secrets were evicted and are imported again, still giving the right answer.
  assert.deepEqual(
    Buffer.from(await webHmac('sha256', 'secret-0', data)),
    createHmac('sha256', 'secret-0').update('x').digest(),
  );
  assert.equal(await findMatchingSecret('sha256', ['a', 'b'], data, [await hmac('sha256', 'b', data)]), 1);
  assert.equal(await findMatchingSecret('sha256', ['a'], data, [new Uint8Array(32)]), undefined);
});

test('the built-in path caches keys per secret, bounded, and never mixes an id with the same text', async () => {
  const data = utf8('x');
  for (let i = 0; i < 300; i++) {
    const mac = await hmac('sha256', `secret-${i}`, data);
    assert.deepEqual(Buffer.from(mac), createHmac('sha256', `secret-${i}`).update('x').digest());
  }
  assert.deepEqual(
    Buffer.from(await hmac('sha256', 'secret-0', data)),
    createHmac('sha256', 'secret-0').update('x').digest(),
  );
  // A whsec_ id names its decoded bytes; the same text as a plain string secret names its UTF-8 bytes.
  const text = 'whsec_c2VjcmV0';
  const decoded = utf8('secret');
  assert.deepEqual(
    Buffer.from(await hmac('sha256', decoded, data, text)),
    createHmac('sha256', 'secret').update('x').digest(),
  );
  assert.deepEqual(
    Buffer.from(await hmac('sha256', text, data)),
    createHmac('sha256', text).update('x').digest(),
  );
  // Named bytes are cached under their id, bounded the same way.
  for (let i = 0; i < 300; i++) {
    const mac = await hmac('sha256', utf8(`bytes-${i}`), data, `whsec_id_${i}`);
    assert.deepEqual(Buffer.from(mac), createHmac('sha256', `bytes-${i}`).update('x').digest());
  }
  // Anonymous bytes are not cached and still give the right answer.
  assert.deepEqual(
    Buffer.from(await hmac('sha512', utf8('anon'), data)),
    createHmac('sha512', 'anon').update('x').digest(),
  );
});

test('Ed25519 key caches stay bounded and correct past their size', async () => {
  const content = utf8('signed');
  for (let i = 0; i < 260; i++) {
    const seed = new Uint8Array(32).fill(i % 256);
    seed[0] = i >> 8;
    const signature = await crypto.subtle.sign('Ed25519', await ed25519PrivateKey(seed), content);
    const publicKey = await ed25519PublicKey(await ed25519PublicOf(seed));
    assert.equal(await crypto.subtle.verify('Ed25519', publicKey, signature, content), true);
  }
});

test('a public key that cannot be imported is not cached as a failure', async () => {
  await assert.rejects(ed25519PublicKey(new Uint8Array(5)));
  await assert.rejects(ed25519PublicKey(new Uint8Array(5)));
});
