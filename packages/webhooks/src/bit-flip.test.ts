import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, generateSecret } from './keys.ts';
import { schemes } from './schemes.ts';
import { sign, verify } from './standard-webhooks.ts';

// mulberry32: a tiny seeded PRNG, so every run flips exactly the same bits.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function flipBit(bytes: Uint8Array, random: () => number, bits = 8): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const index = Math.floor(random() * out.length);
  out[index] = (out[index] ?? 0) ^ (1 << Math.floor(random() * bits));
  return out;
}

// ASCII-only flips (bits 0–6) keep the header a valid header string; any change still changes the value.
function flipAscii(text: string, random: () => number): string {
  return String.fromCharCode(...flipBit(new TextEncoder().encode(text), random, 7));
}

const CASES = 10_000;
const NOW = 1_700_000_000;

test(`bit flips in body, id, timestamp or signature: zero false accepts over ${CASES} seeded cases`, async () => {
  const random = prng(0x5eed);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const secret = generateSecret(bytes);
  const pair = await generateKeyPair(bytes);
  const counts = { body: 0, id: 0, timestamp: 0, signature: 0 };
  for (let i = 0; i < CASES; i++) {
    const body = bytes(1 + Math.floor(random() * 64));
    const id = `msg_${Math.floor(random() * 1e12).toString(36)}`;
    const timestamp = NOW - 200 + Math.floor(random() * 400);
    // One case in ten is signed with Ed25519 (v1a), the rest with HMAC (v1).
    const key = i % 10 === 0 ? pair : { secretKey: secret, publicKey: secret };
    const headers = await sign({ id, timestamp, body, secrets: [key.secretKey] });
    const target = (['body', 'id', 'timestamp', 'signature'] as const)[i % 4] ?? 'body';
    counts[target]++;
    let tampered = body;
    const h = { ...headers };
    if (target === 'body') tampered = flipBit(body, random);
    else if (target === 'id') h['webhook-id'] = flipAscii(id, random);
    else if (target === 'timestamp') h['webhook-timestamp'] = flipAscii(String(timestamp), random);
    else {
      const [version, signature = ''] = (h['webhook-signature'] ?? '').split(',');
      const raw = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
      h['webhook-signature'] = `${version},${btoa(String.fromCharCode(...flipBit(raw, random)))}`;
    }
    const result = await verify(
      { headers: h, body: tampered },
      { secret: key.publicKey, now: () => NOW * 1000 },
    );
    assert.equal(result.ok, false, `case ${i}: a ${target} bit flip was accepted`);
  }
  assert.deepEqual(counts, { body: 2500, id: 2500, timestamp: 2500, signature: 2500 });
});

test('bit flips in the body of every HMAC provider scheme: zero false accepts', async () => {
  const random = prng(42);
  const configs = {
    github: { secret: 'gh' },
    stripe: { secret: 'whsec_s', now: () => NOW * 1000 },
    shopify: { secret: 'sh' },
    slack: { secret: 'sl', now: () => NOW * 1000 },
    hmac: { secret: 'h', timestampHeader: 'x-timestamp', now: () => NOW * 1000 },
  } as const;
  for (const [name, config] of Object.entries(configs)) {
    const scheme = schemes[name as keyof typeof configs];
    for (let i = 0; i < 400; i++) {
      const body = Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () =>
        Math.floor(random() * 256),
      );
      const headers = await scheme.sign({ body, timestamp: NOW }, config);
      const result = await scheme.verify({ headers, body: flipBit(body, random) }, config);
      assert.equal(result.ok, false, `${name} case ${i}`);
    }
  }
});
