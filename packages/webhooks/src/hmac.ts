import { toBase64 } from './encoding.ts';
import { contentBytes, type MacContent } from './mac-content.ts';
import { nativeHmac, nativeSha256 } from './native-hmac.ts';
import { timingSafeEqual } from './timing-safe-equal.ts';

/** Hash functions the HMAC schemes use. */
export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

const WEB_NAMES: Record<HashAlgorithm, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };

// Importing a CryptoKey costs about as much as the HMAC itself (measured: ~19k import+sign/s against
// ~26k sign/s with a cached key on 1 KiB), so keys are cached per (algorithm, secret). The cache is
// bounded and evicts the oldest entry; it holds promises so concurrent first uses import once.
const MAX_KEYS = 256;
const keys = new Map<string, Promise<CryptoKey>>();

function cacheKey(algorithm: HashAlgorithm, secret: Uint8Array | string): string {
  return typeof secret === 'string' ? `${algorithm}:s:${secret}` : `${algorithm}:b:${toBase64(secret)}`;
}

/**
 * The cached HMAC CryptoKey for a secret (a string is used as its UTF-8 bytes). `id` names byte keys
 * that come from a string (a decoded `whsec_` secret), so the hot path does not re-encode the key.
 */
export function hmacKey(
  algorithm: HashAlgorithm,
  secret: Uint8Array | string,
  id?: string,
): Promise<CryptoKey> {
  const name = id === undefined ? cacheKey(algorithm, secret) : `${algorithm}:i:${id}`;
  let key = keys.get(name);
  if (key === undefined) {
    const raw = typeof secret === 'string' ? new TextEncoder().encode(secret) : new Uint8Array(secret);
    key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: WEB_NAMES[algorithm] }, false, ['sign']);
    if (keys.size >= MAX_KEYS) {
      const oldest = keys.keys().next().value;
      if (oldest !== undefined) keys.delete(oldest);
    }
    keys.set(name, key);
  }
  return key;
}

/** HMAC of `data` under `secret` (a string secret is used as its UTF-8 bytes, as providers do). */
export async function hmac(
  algorithm: HashAlgorithm,
  secret: Uint8Array | string,
  data: MacContent,
  id?: string,
): Promise<Uint8Array<ArrayBuffer>> {
  if (nativeHmac !== null) return nativeHmac(algorithm, secret, data, id);
  return webHmac(algorithm, secret, data, id);
}

/** The Web Crypto path of `hmac`, used where the runtime has no built-in `crypto` module. */
export async function webHmac(
  algorithm: HashAlgorithm,
  secret: Uint8Array | string,
  data: MacContent,
  id?: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await hmacKey(algorithm, secret, id);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, contentBytes(data)));
}

/** SHA-256 digest of `data`. */
export async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  if (nativeSha256 !== null) return nativeSha256(data);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/**
 * Index of the first secret whose HMAC of `content` equals one of `candidates`, else `undefined`.
 * Each secret's HMAC is computed once and every comparison is constant-time.
 */
export async function findMatchingSecret(
  algorithm: HashAlgorithm,
  secrets: readonly (Uint8Array | string)[],
  content: MacContent,
  candidates: readonly Uint8Array[],
): Promise<number | undefined> {
  for (const [index, secret] of secrets.entries()) {
    const mac = await hmac(algorithm, secret, content);
    for (const candidate of candidates) if (timingSafeEqual(mac, candidate)) return index;
  }
  return undefined;
}
