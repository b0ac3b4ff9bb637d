import { createIdGenerator } from '../ids.ts';
import { loadConfig } from '../load-config.ts';
import {
  type EncryptionKey,
  formatEncryptionKey,
  generateEncryptionKey,
  parseEncryptionKey,
} from '../secrets/encryption-key.ts';
import { keyFileFor, readKeyFile, writeKeyFile } from '../secrets/key-file.ts';
import { type ReencryptSummary, reencryptSecrets } from '../secrets/reencrypt-secrets.ts';
import { resolveEncryptionKeys } from '../secrets/resolve-encryption-keys.ts';
import { createSecretCipher } from '../secrets/secret-cipher.ts';
import { SecretCipherError } from '../secrets/secret-cipher-error.ts';
import { openStore, sqlitePath } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { CliFailure, UsageError } from './cli-errors.ts';
import type { CliIo } from './cli-io.ts';
import type { Command } from './command.ts';

const HELP = `Usage: hookline encryption rotate-key [--new-key KEY] [--database URL] [--<option> V …]

Re-encrypts every endpoint and source secret (and every endpoint custom header value) with a new key.
It opens the database directly, like \`hookline serve\` (not the HTTP API), with the same configuration:
--database, HOOKLINE_DATABASE or hookline.config.json.

The keys it reads with: HOOKLINE_ENCRYPTION_KEY and HOOKLINE_ENCRYPTION_OLD_KEYS, or, on SQLite without
them, the key file beside the database (encryption.key). The key it writes with: --new-key (32 bytes,
base64 or hex), or a new random one.
  - Key file (SQLite): the new key is written above the old one before anything is re-encrypted, and
    alone once done. Stop the server first: a running one keeps the old key in memory.
  - HOOKLINE_ENCRYPTION_KEY: a generated key is printed first; configure it as HOOKLINE_ENCRYPTION_KEY
    (and the old one in HOOKLINE_ENCRYPTION_OLD_KEYS until every process restarted). For a cluster that
    keeps running, follow docs/deploy.md (rolling key rotation).
Rows already under the new key are skipped, so an interrupted run is resumed by running it again.
Prints a summary. Exit codes: 0 done, 1 failure (a secret under a key it was not given), 2 bad usage.

Examples:
  hookline encryption rotate-key --database ./.hookline/hookline.db
  HOOKLINE_ENCRYPTION_KEY=<old> hookline encryption rotate-key --database postgres://… --new-key <new>
`;

/** `hookline encryption rotate-key`: re-encrypt every stored secret with a new key. */
export const encryptionCommand: Command = {
  name: 'encryption',
  summary: 'Rotate the key that encrypts endpoint and source secrets (rotate-key)',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== 'rotate-key') throw new UsageError(`expected "rotate-key", got ${sub ?? 'nothing'}`);
    const { newKeyText, configArgs } = takeNewKey(rest);
    const loaded = loadConfig({ argv: configArgs, env: io.env, cwd: process.cwd() });
    if (!loaded.ok) throw new UsageError(`invalid configuration:\n  ${loaded.errors.join('\n  ')}`);
    const config = loaded.config;
    const clock = Date.now;
    const store = await openStore(config.database, { clock, newId: createIdGenerator(clock) });
    try {
      await store.migrate();
      return await rotate(store, config, newKeyText, io);
    } catch (error) {
      if (!(error instanceof SecretCipherError)) throw error;
      if (error.code === 'encryption_key_invalid' || error.code === 'encryption_key_required') {
        throw new UsageError(error.message);
      }
      throw new CliFailure(error.code, error.message);
    } finally {
      await store.close();
    }
  },
};

function takeNewKey(argv: readonly string[]): { newKeyText: string | undefined; configArgs: string[] } {
  const configArgs: string[] = [];
  let newKeyText: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--new-key') {
      newKeyText = argv[i + 1];
      if (newKeyText === undefined) throw new UsageError('--new-key needs a value');
      i += 1;
    } else if (arg.startsWith('--new-key=')) {
      newKeyText = arg.slice('--new-key='.length);
    } else {
      configArgs.push(arg);
    }
  }
  return { newKeyText, configArgs };
}

async function rotate(
  store: Store,
  config: { database: string; encryptionKey: string | null; encryptionOldKeys: string[] },
  newKeyText: string | undefined,
  io: CliIo,
): Promise<number> {
  const keyFile = store.capabilities.multiProcess ? null : keyFileFor(sqlitePath(config.database));
  // The keys the data may be under now. Without a setting or a key file nothing is encrypted yet.
  let known: EncryptionKey[] = [];
  let useFile = false;
  if (config.encryptionKey !== null || keyFile === null) {
    const keys = resolveEncryptionKeys(config, { keyFile: null });
    known = [keys.current, ...keys.old];
  } else {
    known = [...(readKeyFile(keyFile) ?? []), ...resolveOld(config.encryptionOldKeys)];
    useFile = true;
  }
  const next =
    newKeyText === undefined ? generateEncryptionKey() : parseEncryptionKey(newKeyText, '--new-key');
  const others = known.filter((key) => key.id !== next.id);
  if (useFile && keyFile !== null) {
    // Both keys on disk before the first row changes: a run that stops half way can always be resumed.
    writeKeyFile(keyFile, [next, ...others]);
    io.err(`new key ${next.id} written to ${keyFile} (above the old one until done)\n`);
  } else if (newKeyText === undefined) {
    io.out(
      `New encryption key (store it now; set HOOKLINE_ENCRYPTION_KEY to it):\n\n  ${formatEncryptionKey(next)}\n\n`,
    );
  }
  const cipher = createSecretCipher({ current: next, old: others });
  const summary = await reencryptSecrets(store, cipher, 'rotate', (resource, counts) =>
    io.err(`${resource}s: ${counts.scanned} checked, ${counts.rewritten} re-encrypted\n`),
  );
  if (useFile && keyFile !== null) writeKeyFile(keyFile, [next]);
  io.out(summaryText(summary, next.id, useFile ? keyFile : null, others));
  return 0;
}

function resolveOld(texts: readonly string[]): EncryptionKey[] {
  return texts.map((text, i) =>
    parseEncryptionKey(text, `encryptionOldKeys[${i}] (HOOKLINE_ENCRYPTION_OLD_KEYS)`),
  );
}

function summaryText(
  summary: ReencryptSummary,
  keyId: string,
  keyFile: string | null,
  others: EncryptionKey[],
): string {
  const { endpoints, sources } = summary;
  const lines = [
    `Re-encrypted under key ${keyId}: ${endpoints.rewritten} of ${endpoints.scanned} endpoints, ${sources.rewritten} of ${sources.scanned} sources (the rest were already under it).`,
  ];
  if (keyFile !== null) lines.push(`Key file ${keyFile} now holds key ${keyId} only. Back it up.`);
  else {
    lines.push('Run every process with HOOKLINE_ENCRYPTION_KEY set to the new key.');
    if (others.length > 0) {
      lines.push(
        `Keep the old key(s) ${others.map((key) => key.id).join(', ')} in HOOKLINE_ENCRYPTION_OLD_KEYS until every process restarted, then remove them.`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
