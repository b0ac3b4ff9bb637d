import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './encryption-key.ts';
import { SecretCipherError } from './secret-cipher-error.ts';

const PREFIX = 'enc:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Decrypted values kept per process; cleared when full (refilling costs one decrypt per live secret). */
const MEMO_ENTRIES = 10_000;

/**
 * Encrypts secret values at rest with AES-256-GCM. A value becomes the envelope
 * `enc:v1:<keyId>:<base64url(nonce | ciphertext | tag)>` with a random 96-bit nonce; `context` (the
 * row and field, e.g. `endpoint:ep_…:secrets`) is bound as associated data, so an envelope copied into
 * another row does not decrypt there.
 */
export interface SecretCipher {
  /** The id of the key new values are encrypted with. */
  readonly keyId: string;
  /** Every key id this cipher can decrypt (current first). */
  readonly keyIds: readonly string[];
  encrypt(plain: string, context: string): string;
  /**
   * The plaintext of an envelope; a value that is not an envelope is returned as is (rows written before
   * encryption, until startup encrypts them). Throws `encryption_key_unknown` / `secret_undecryptable`.
   */
  decrypt(value: string, context: string): string;
}

/** The key id an envelope names, or null for a plaintext value. */
export function envelopeKeyId(value: string): string | null {
  if (!value.startsWith(PREFIX)) return null;
  const end = value.indexOf(':', PREFIX.length);
  return end === -1 ? null : value.slice(PREFIX.length, end);
}

/**
 * A cipher that encrypts with `current` and decrypts with it or any of `old` (keys being rotated out).
 * `random` is injected for tests; nonces must never repeat under one key, so production uses the default.
 *
 * @example
 * const cipher = createSecretCipher({ current: parseEncryptionKey(env.HOOKLINE_ENCRYPTION_KEY, 'HOOKLINE_ENCRYPTION_KEY') });
 * const stored = cipher.encrypt('whsec_…', 'endpoint:ep_1:secrets');
 * cipher.decrypt(stored, 'endpoint:ep_1:secrets'); // 'whsec_…'
 */
export function createSecretCipher(options: {
  current: EncryptionKey;
  old?: readonly EncryptionKey[];
  random?: (size: number) => Uint8Array;
}): SecretCipher {
  const random = options.random ?? randomBytes;
  const keys = new Map<string, Buffer>();
  for (const key of [options.current, ...(options.old ?? [])]) {
    if (!keys.has(key.id)) keys.set(key.id, key.bytes);
  }
  // The delivery worker loads endpoints per claimed batch and routers reload them on every change: the
  // same envelopes come back again and again, so each is decrypted once per process, not per read.
  const memo = new Map<string, string>();

  return {
    keyId: options.current.id,
    keyIds: [...keys.keys()],
    encrypt(plain, context) {
      const nonce = Buffer.from(random(NONCE_BYTES));
      const cipher = createCipheriv('aes-256-gcm', options.current.bytes, nonce);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const packed = Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
      return `${PREFIX}${options.current.id}:${packed}`;
    },
    decrypt(value, context) {
      const keyId = envelopeKeyId(value);
      if (keyId === null) return value;
      const memoKey = `${context}\n${value}`;
      const hit = memo.get(memoKey);
      if (hit !== undefined) return hit;
      const key = keys.get(keyId);
      if (key === undefined) {
        throw new SecretCipherError(
          'encryption_key_unknown',
          `a stored secret (${context}) is encrypted with key ${keyId}, which this process does not have (it knows ${[...keys.keys()].join(', ')}); set HOOKLINE_ENCRYPTION_KEY or HOOKLINE_ENCRYPTION_OLD_KEYS to that key`,
        );
      }
      const plain = open(key, value.slice(PREFIX.length + keyId.length + 1), context);
      if (memo.size >= MEMO_ENTRIES) memo.clear();
      memo.set(memoKey, plain);
      return plain;
    },
  };
}

function open(key: Buffer, packed: string, context: string): string {
  const bytes = Buffer.from(packed, 'base64url');
  if (bytes.length < NONCE_BYTES + TAG_BYTES) throw undecryptable(context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw undecryptable(context);
  }
}

function undecryptable(context: string): SecretCipherError {
  return new SecretCipherError(
    'secret_undecryptable',
    `a stored secret (${context}) does not decrypt: it was altered or copied from another row`,
  );
}
