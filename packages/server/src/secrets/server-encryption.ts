import type { Logger } from 'pino';
import type { HooklineConfig } from '../config.ts';
import { sqlitePath } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { keyFileFor } from './key-file.ts';
import { type ReencryptSummary, reencryptSecrets } from './reencrypt-secrets.ts';
import { resolveEncryptionKeys } from './resolve-encryption-keys.ts';
import { createSecretCipher, type SecretCipher } from './secret-cipher.ts';

export type EncryptionSettings = Pick<HooklineConfig, 'database' | 'encryptionKey' | 'encryptionOldKeys'>;

/**
 * The cipher of a process whose raw store is `store`: keys from the settings, or (single-process
 * stores only) from `encryption.key` beside the SQLite file, generated on first start with a warning.
 * Throws `SecretCipherError` (`encryption_key_required`, `encryption_key_invalid`).
 */
export function openEncryption(
  store: Pick<Store, 'capabilities'>,
  settings: EncryptionSettings,
  options: { logger?: Logger; random?: (size: number) => Uint8Array } = {},
): SecretCipher {
  const keyFile = store.capabilities.multiProcess ? null : keyFileFor(sqlitePath(settings.database));
  const keys = resolveEncryptionKeys(settings, {
    keyFile,
    ...(options.random ? { random: options.random } : {}),
  });
  if (keys.origin === 'generated') {
    options.logger?.warn(
      { keyFile: keys.keyFile, keyId: keys.current.id },
      'generated the key that encrypts endpoint and source secrets: back this file up together with the database (without it the secrets are lost), or set HOOKLINE_ENCRYPTION_KEY in production',
    );
  }
  return createSecretCipher({ current: keys.current, old: keys.old });
}

/**
 * Startup: one process (the store's exclusive job) encrypts secrets stored in clear text by versions
 * before encryption; every other process still decrypts everything once, so a process started with the
 * wrong key refuses to start (`encryption_key_unknown`, naming the key id) instead of failing requests.
 * Decrypting here also fills the cipher's memo for the routing cache.
 */
export async function encryptStoredSecrets(
  store: Store,
  cipher: SecretCipher,
  logger?: Logger,
): Promise<ReencryptSummary> {
  const job = await store.withExclusiveJob('encrypt-secrets', () =>
    reencryptSecrets(store, cipher, 'plaintext'),
  );
  const summary = job.ran ? job.value : await reencryptSecrets(store, cipher, 'check');
  const rewritten = summary.endpoints.rewritten + summary.sources.rewritten;
  if (rewritten > 0) {
    logger?.info(
      { endpoints: summary.endpoints.rewritten, sources: summary.sources.rewritten, keyId: cipher.keyId },
      'encrypted secrets stored in clear text',
    );
  }
  return summary;
}
