import { randomBytes } from 'node:crypto';

/** Bytes of randomness in a source token: 128 bits, unguessable by enumeration. */
export const SOURCE_TOKEN_BYTES = 16;

/** A new ingest token: 128 random bits as base64url (22 characters, URL-safe without escaping). */
export function generateSourceToken(random: (size: number) => Uint8Array = randomBytes): string {
  return Buffer.from(random(SOURCE_TOKEN_BYTES)).toString('base64url');
}

/** True for strings that could be a token (checked before any store lookup). */
export function looksLikeSourceToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{16,64}$/.test(value);
}
