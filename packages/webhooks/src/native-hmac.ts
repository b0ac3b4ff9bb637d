import type { HashAlgorithm } from './hmac.ts';
import { isPieces, type MacContent } from './mac-content.ts';

interface Digester {
  update(data: Uint8Array | string): Digester;
  digest(): Uint8Array;
}

interface BuiltinCrypto {
  createHash(algorithm: string): Digester;
  createHmac(algorithm: string, key: Uint8Array | string | object): Digester;
  createSecretKey?(key: Uint8Array): object;
}

type NativeHmac = (
  algorithm: HashAlgorithm,
  secret: Uint8Array | string,
  data: MacContent,
  id?: string,
) => Uint8Array<ArrayBuffer>;

/**
 * A synchronous HMAC from the runtime's built-in `crypto` module, where the runtime offers one through
 * `process.getBuiltinModule` (Node ≥ 22.3, Bun, Deno); null everywhere else (Workers, browsers), where
 * Web Crypto does the work. Why: each Web Crypto call is a round trip to a thread pool, so one verify
 * at a time ran at ~0.25× a bare `createHmac` (measured on 1 KiB); the built-in runs inline. The result
 * is the same bytes, and comparisons stay constant-time in the caller.
 */
export const nativeHmac: NativeHmac | null = loadNativeHmac();

/**
 * A synchronous SHA-256 from the same built-in module, or null where there is none. Why: the token and
 * basic schemes compare digests, and two Web Crypto digests per check cost ~70 µs of waiting for the
 * thread pool (14k token verifies/s one at a time) for work that takes ~1 µs inline.
 */
export const nativeSha256: ((data: Uint8Array) => Uint8Array<ArrayBuffer>) | null = loadNativeSha256();

function builtinCrypto(): Partial<BuiltinCrypto> | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const getBuiltinModule = runtime?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') return undefined;
  return getBuiltinModule.call(runtime, 'crypto') as Partial<BuiltinCrypto> | undefined;
}

function loadNativeSha256(): ((data: Uint8Array) => Uint8Array<ArrayBuffer>) | null {
  try {
    const builtin = builtinCrypto();
    const createHash = builtin?.createHash;
    if (typeof createHash !== 'function') return null;
    return (data) => new Uint8Array(createHash.call(builtin, 'sha256').update(data).digest());
    /* node:coverage ignore next 3 */
  } catch {
    return null;
  }
}

// Node checks a raw key against KeyObject and CryptoKey on every createHmac, which costs more than the
// HMAC itself: 110k createHmac/s with bytes against 580k/s with a KeyObject (32-byte key, 300-byte body,
// Node 24). So KeyObjects are cached per (algorithm, secret), bounded, oldest evicted, like the Web
// Crypto keys in hmac.ts. A KeyObject is only bytes (no algorithm), so the name is the secret alone. Only
// named secrets are cached (a string, or bytes decoded from the string `id`): naming anonymous bytes would
// cost an encoding per call. Two maps, not one with prefixed names: a provider's string secret may spell
// the same text as a `whsec_` id whose bytes differ, and a name built per call costs a string and its hash
// on every sign (the caller's own string keeps its hash from one call to the next).
const MAX_KEYS = 256;
const byId = new Map<string, object>();
const byText = new Map<string, object>();

function cachedKey(
  createSecretKey: (key: Uint8Array) => object,
  secret: Uint8Array | string,
  id: string | undefined,
): object | Uint8Array | string {
  const cache = id !== undefined ? byId : typeof secret === 'string' ? byText : undefined;
  const name = id ?? secret;
  if (cache === undefined || typeof name !== 'string') return secret;
  let key = cache.get(name);
  if (key === undefined) {
    key = createSecretKey(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
    if (cache.size >= MAX_KEYS) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(name, key);
  }
  return key;
}

/** Feeds `data` (bytes, or pieces as if concatenated) to a hash or HMAC and returns the digest. */
function digestOf(digester: Digester, data: MacContent): Uint8Array<ArrayBuffer> {
  if (isPieces(data)) for (const piece of data) digester.update(piece);
  else digester.update(data);
  return new Uint8Array(digester.digest());
}

function loadNativeHmac(): NativeHmac | null {
  try {
    const builtin = builtinCrypto();
    const createHmac = builtin?.createHmac;
    if (typeof createHmac !== 'function') return null;
    const createSecretKey = builtin?.createSecretKey;
    /* node:coverage ignore next 4 */
    if (typeof createSecretKey !== 'function') {
      return (algorithm, secret, data) => digestOf(createHmac.call(builtin, algorithm, secret), data);
    }
    const toKey = createSecretKey.bind(builtin);
    return (algorithm, secret, data, id) =>
      digestOf(createHmac.call(builtin, algorithm, cachedKey(toKey, secret, id)), data);
    /* node:coverage ignore next 3 */
  } catch {
    return null;
  }
}
