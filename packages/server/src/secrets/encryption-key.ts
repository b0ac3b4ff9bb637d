import { createHmac, randomBytes } from 'node:crypto';
import { SecretCipherError } from './secret-cipher-error.ts';

/** One AES-256 key and its short fingerprint, which envelopes name so several keys can be known at once. */
export interface EncryptionKey {
  /** 8 hex characters; reveals nothing usable about the key (32 bits of an HMAC of it). */
  id: string;
  bytes: Buffer;
}

/**
 * Parses `HOOKLINE_ENCRYPTION_KEY`-style text: 64 hex characters or the base64/base64url of 32 bytes.
 * `where` names the setting in the error (never the value).
 */
export function parseEncryptionKey(text: string, where: string): EncryptionKey {
  const trimmed = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)) bytes = Buffer.from(trimmed, 'base64');
  if (bytes === null || bytes.length !== 32) {
    throw new SecretCipherError(
      'encryption_key_invalid',
      `${where}: an encryption key is 32 bytes, written as 64 hex characters or 44 base64 characters (generate one with: openssl rand -base64 32)`,
    );
  }
  return keyOf(bytes);
}

export function keyOf(bytes: Buffer): EncryptionKey {
  // An HMAC with a fixed label, not a plain hash, so the id is useless as a check value for guessing.
  const id = createHmac('sha256', bytes).update('hookline encryption key id').digest('hex').slice(0, 8);
  return { id, bytes };
}

/** A new random key. */
export function generateEncryptionKey(random: (size: number) => Uint8Array = randomBytes): EncryptionKey {
  return keyOf(Buffer.from(random(32)));
}

/** The text form written to key files and printed for operators (base64). */
export function formatEncryptionKey(key: EncryptionKey): string {
  return key.bytes.toString('base64');
}
