import { createHash, randomBytes } from 'node:crypto';

/** Characters of a key kept in clear (`hk_` + 8), enough to recognise it in a list, too few to guess it. */
const PREFIX_LENGTH = 11;

/** A freshly minted API key: `key` is shown once, only `hash` and `prefix` are stored. */
export interface MintedApiKey {
  key: string;
  hash: string;
  prefix: string;
}

/**
 * Mints `hk_` + 32 random bytes in base64url (256 bits: a SHA-256 hash without salt is enough, there
 * is nothing to brute-force).
 */
export function mintApiKey(random: (size: number) => Uint8Array = randomBytes): MintedApiKey {
  const key = `hk_${Buffer.from(random(32)).toString('base64url')}`;
  return describeApiKey(key);
}

/** Hash and prefix of a key given by an operator (HOOKLINE_ADMIN_API_KEY). */
export function describeApiKey(key: string): MintedApiKey {
  return { key, hash: hashApiKey(key), prefix: key.slice(0, PREFIX_LENGTH) };
}

/** SHA-256 hex: what the store keeps and looks keys up by. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
