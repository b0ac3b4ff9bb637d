import { randomBytes } from 'node:crypto';
import { type EncryptionKey, generateEncryptionKey, parseEncryptionKey } from './encryption-key.ts';
import { readKeyFile, writeKeyFile } from './key-file.ts';
import { SecretCipherError } from './secret-cipher-error.ts';

export interface EncryptionKeySettings {
  /** `encryptionKey` (HOOKLINE_ENCRYPTION_KEY), the key new values are encrypted with. */
  encryptionKey: string | null;
  /** `encryptionOldKeys` (HOOKLINE_ENCRYPTION_OLD_KEYS), keys still accepted for decrypting. */
  encryptionOldKeys: readonly string[];
}

export interface ResolvedKeys {
  current: EncryptionKey;
  old: EncryptionKey[];
  /** Where the current key came from: the setting, an existing key file, or a key generated just now. */
  origin: 'setting' | 'file' | 'generated';
  /** The key file used or written; null when the key came from the setting. */
  keyFile: string | null;
}

/**
 * The keys a process encrypts and decrypts with. The setting wins. Otherwise a store that many processes
 * share (PostgreSQL) is refused: a key generated locally would differ per machine and split the cluster.
 * A single-process store (SQLite) uses `keyFile`, creating it with a new random key on first start.
 */
export function resolveEncryptionKeys(
  settings: EncryptionKeySettings,
  options: {
    /** Null when many processes share the store (no local key file may be used). */
    keyFile: string | null;
    random?: (size: number) => Uint8Array;
  },
): ResolvedKeys {
  const old = settings.encryptionOldKeys.map((text, i) =>
    parseEncryptionKey(text, `encryptionOldKeys[${i}] (HOOKLINE_ENCRYPTION_OLD_KEYS)`),
  );
  if (settings.encryptionKey !== null) {
    const current = parseEncryptionKey(settings.encryptionKey, 'encryptionKey (HOOKLINE_ENCRYPTION_KEY)');
    return { current, old, origin: 'setting', keyFile: null };
  }
  if (options.keyFile === null) {
    throw new SecretCipherError(
      'encryption_key_required',
      'HOOKLINE_ENCRYPTION_KEY is required with PostgreSQL: every process must share one key, so none is generated (create one with: openssl rand -base64 32)',
    );
  }
  const fromFile = readKeyFile(options.keyFile);
  if (fromFile !== null) {
    const [current, ...rest] = fromFile as [EncryptionKey, ...EncryptionKey[]];
    return { current, old: [...rest, ...old], origin: 'file', keyFile: options.keyFile };
  }
  const current = generateEncryptionKey(options.random ?? randomBytes);
  try {
    writeKeyFile(options.keyFile, [current], { exclusive: true });
  } catch (error) {
    // Another first start won the race: use the key it wrote.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return resolveEncryptionKeys(settings, options);
  }
  return { current, old, origin: 'generated', keyFile: options.keyFile };
}
