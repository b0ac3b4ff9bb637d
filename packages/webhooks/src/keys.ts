import { ed25519PublicOf } from './ed25519.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import { failure, type VerifyFailure } from './errors.ts';

/** Prefix of a Standard Webhooks symmetric secret (v1, HMAC-SHA256). */
export const SECRET_PREFIX = 'whsec_';
/** Prefix of a Standard Webhooks Ed25519 signing key (v1a), the base64 of its 32-byte seed. */
export const SECRET_KEY_PREFIX = 'whsk_';
/** Prefix of a Standard Webhooks Ed25519 public key (v1a), the base64 of its 32 raw bytes. */
export const PUBLIC_KEY_PREFIX = 'whpk_';

/** A decoded Standard Webhooks key: which version it signs or verifies, and its bytes. */
export type ParsedKey =
  | { readonly kind: 'symmetric'; readonly key: Uint8Array<ArrayBuffer>; readonly secret: string }
  | { readonly kind: 'ed25519-private'; readonly seed: Uint8Array<ArrayBuffer> }
  | { readonly kind: 'ed25519-public'; readonly key: Uint8Array<ArrayBuffer> };

/**
 * Decodes a Standard Webhooks secret: `whsec_<base64>` (or bare base64, as the reference library
 * accepts), `whsk_<base64 seed>` or `whpk_<base64 public key>`. The failure never echoes the secret.
 */
export function parseKey(secret: string, index: number): ParsedKey | VerifyFailure {
  const cached = parsed.get(secret);
  if (cached !== undefined) return cached;
  const result = decodeKey(secret, index);
  // Only successes are cached: a failure's message names the secret's position in its list.
  if (!('ok' in result)) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(secret, result);
  }
  return result;
}

// Decoding a secret (regex, base64) costs about a tenth of a 1 KiB verify, so each is decoded once.
const MAX_PARSED = 256;
const parsed = new Map<string, ParsedKey>();

function decodeKey(secret: string, index: number): ParsedKey | VerifyFailure {
  const where = `secret #${index + 1}`;
  if (secret.startsWith(SECRET_KEY_PREFIX) || secret.startsWith(PUBLIC_KEY_PREFIX)) {
    const isPrivate = secret.startsWith(SECRET_KEY_PREFIX);
    const bytes = fromBase64(secret.slice(isPrivate ? SECRET_KEY_PREFIX.length : PUBLIC_KEY_PREFIX.length));
    // 64 bytes is libsodium's secret key layout (seed then public key); the seed is what signs.
    const valid = bytes !== undefined && (bytes.length === 32 || (isPrivate && bytes.length === 64));
    if (!valid) {
      return failure(
        'invalid_secret',
        `${where} is not a valid ${isPrivate ? 'whsk_' : 'whpk_'} key (base64 of 32 bytes expected)`,
      );
    }
    return isPrivate
      ? { kind: 'ed25519-private', seed: bytes.slice(0, 32) }
      : { kind: 'ed25519-public', key: bytes };
  }
  const body = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = fromBase64(body);
  if (key === undefined || key.length === 0) {
    return failure(
      'invalid_secret',
      `${where} is not a valid Standard Webhooks secret (expected whsec_ followed by base64, a whsk_ or a whpk_ key)`,
    );
  }
  return { kind: 'symmetric', key, secret };
}

/** Source of random bytes; injectable so tests are deterministic. */
export type RandomBytes = (length: number) => Uint8Array;

const defaultRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/**
 * A new Standard Webhooks v1 secret: `whsec_` and the base64 of 32 random bytes.
 * @example
 * const secret = generateSecret(); // 'whsec_q3v…'
 */
export function generateSecret(random: RandomBytes = defaultRandom): string {
  return SECRET_PREFIX + toBase64(random(32));
}

/** An Ed25519 key pair for Standard Webhooks v1a. */
export interface KeyPair {
  /** `whsk_…`: keep it on the sender. */
  readonly secretKey: string;
  /** `whpk_…`: give it to receivers. */
  readonly publicKey: string;
}

/**
 * A new Ed25519 key pair for v1a signatures: sign with `secretKey`, publish `publicKey`.
 * @example
 * const { secretKey, publicKey } = await generateKeyPair();
 */
export async function generateKeyPair(random: RandomBytes = defaultRandom): Promise<KeyPair> {
  const seed = random(32);
  const publicKey = await ed25519PublicOf(seed);
  return {
    secretKey: SECRET_KEY_PREFIX + toBase64(seed),
    publicKey: PUBLIC_KEY_PREFIX + toBase64(publicKey),
  };
}

/** The `whpk_` public key of a `whsk_` secret key (what a receiver needs), or a failure. */
export async function publicKeyOf(secretKey: string): Promise<string | VerifyFailure> {
  const parsed = parseKey(secretKey, 0);
  if ('ok' in parsed) return parsed;
  if (parsed.kind !== 'ed25519-private') {
    return failure('invalid_secret', 'publicKeyOf expects a whsk_ Ed25519 secret key');
  }
  return PUBLIC_KEY_PREFIX + toBase64(await ed25519PublicOf(parsed.seed));
}
