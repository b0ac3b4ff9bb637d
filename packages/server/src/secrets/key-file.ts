import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type EncryptionKey, formatEncryptionKey, parseEncryptionKey } from './encryption-key.ts';

/** The key file of an embedded (SQLite) store: `encryption.key` beside the database file. */
export function keyFileFor(databasePath: string): string {
  return join(dirname(databasePath), 'encryption.key');
}

/**
 * The keys in a key file, current first: one key per line (base64 or hex), `#` comments allowed. A
 * rotation writes the new key above the old one, so a run that stops half way still has both. Null when
 * the file does not exist.
 */
export function readKeyFile(path: string): EncryptionKey[] | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const keys: EncryptionKey[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    keys.push(parseEncryptionKey(trimmed, `${path} line ${index + 1}`));
  });
  return keys.length > 0 ? keys : null;
}

const HEADER =
  '# Hookline secrets encryption key (current first). Back this file up with the database: without it the\n' +
  '# stored endpoint and source secrets cannot be decrypted. HOOKLINE_ENCRYPTION_KEY takes precedence.\n';

/**
 * Writes `keys` (current first), readable by the owner only. Written to a temporary file and renamed,
 * so a crash leaves the old file or the new one, never half of one. `exclusive` fails if it exists
 * (two first starts racing must not each generate a key).
 */
export function writeKeyFile(
  path: string,
  keys: readonly EncryptionKey[],
  options: { exclusive?: boolean } = {},
): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = `${HEADER}${keys.map(formatEncryptionKey).join('\n')}\n`;
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  // The mode given to writeFileSync is filtered by the umask; the key must not be group-readable.
  chmodSync(temporary, 0o600);
  if (!options.exclusive) {
    renameSync(temporary, path);
    return;
  }
  try {
    linkSync(temporary, path);
  } finally {
    unlinkSync(temporary);
  }
}
