import { fromBase64Url, toBase64Url } from './encoding.ts';
import { WebhookError } from './errors.ts';

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410): Web Crypto cannot import a raw private key.
const PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

const privateKeys = new Map<string, Promise<CryptoKey>>();
const publicKeys = new Map<string, Promise<CryptoKey>>();
const MAX_KEYS = 256;

function remember(cache: Map<string, Promise<CryptoKey>>, id: string, make: () => Promise<CryptoKey>) {
  let key = cache.get(id);
  if (key === undefined) {
    key = make();
    // A failed import must not stay cached: the next call should fail (or succeed) afresh.
    key.catch(() => cache.delete(id));
    if (cache.size >= MAX_KEYS) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(id, key);
  }
  return key;
}

function pkcs8(seed: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(PKCS8_PREFIX.length + 32);
  out.set(PKCS8_PREFIX);
  out.set(seed.subarray(0, 32), PKCS8_PREFIX.length);
  return out;
}

/** The signing key of a 32-byte seed (extra bytes, as in libsodium's 64-byte secret keys, are ignored). */
export function ed25519PrivateKey(seed: Uint8Array): Promise<CryptoKey> {
  return remember(privateKeys, toBase64Url(seed.subarray(0, 32)), () =>
    crypto.subtle.importKey('pkcs8', pkcs8(seed), { name: 'Ed25519' }, false, ['sign']),
  );
}

/** The verifying key of a raw 32-byte public key. */
export function ed25519PublicKey(raw: Uint8Array): Promise<CryptoKey> {
  return remember(publicKeys, toBase64Url(raw), () =>
    crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'Ed25519' }, false, ['verify']),
  );
}

const derived = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

/** The raw 32-byte public key of a seed (cached: a receiver configured with a whsk_ key derives it once). */
export function ed25519PublicOf(seed: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const id = toBase64Url(seed.subarray(0, 32));
  let key = derived.get(id);
  if (key === undefined) {
    key = derivePublic(seed);
    if (derived.size >= MAX_KEYS) derived.clear();
    derived.set(id, key);
  }
  return key;
}

async function derivePublic(seed: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const key = await crypto.subtle.importKey('pkcs8', pkcs8(seed), { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  const raw = fromBase64Url(jwk.x ?? '');
  /* node:coverage ignore next */
  if (raw === undefined) throw new WebhookError('invalid_secret', 'the Ed25519 key has no public part');
  return raw;
}
