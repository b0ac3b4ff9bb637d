import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { encryptingStore } from '../secrets/encrypting-store.ts';
import { formatEncryptionKey, keyOf } from '../secrets/encryption-key.ts';
import { readKeyFile, writeKeyFile } from '../secrets/key-file.ts';
import { createSecretCipher, envelopeKeyId } from '../secrets/secret-cipher.ts';
import { forEachEngine, type TestStore } from '../store/conformance/engines.ts';
import { newEndpoint, newSource } from '../store/conformance/fixtures.ts';
import type { CliIo } from './cli-io.ts';
import { runCli } from './run-cli.ts';

const OLD = keyOf(Buffer.alloc(32, 11));
const NEW = keyOf(Buffer.alloc(32, 12));
const SECRETS = ['whsec_dGVzdA==', 's3cret'];

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env,
    color: false,
    stdin: async () => Buffer.alloc(0),
  };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

async function keyIds(t: TestStore): Promise<(string | null)[]> {
  const rows = [
    ...(await t.rawQuery('SELECT secrets FROM endpoints')),
    ...(await t.rawQuery('SELECT secrets FROM sources')),
  ];
  return rows.flatMap((row) =>
    ((typeof row.secrets === 'string' ? JSON.parse(row.secrets) : row.secrets) as { secret: string }[]).map(
      (entry) => envelopeKeyId(entry.secret),
    ),
  );
}

async function seedUnder(t: TestStore, key: typeof OLD) {
  const store = encryptingStore(t.store, createSecretCipher({ current: key }), t.deps.newId);
  const endpoint = await store.createEndpoint(newEndpoint());
  const source = await store.createSource(newSource());
  return { endpoint, source };
}

forEachEngine((engine) => {
  test('rotate-key with HOOKLINE_ENCRYPTION_KEY: every secret moves to --new-key; a rerun changes nothing', async () => {
    const t = await engine.open();
    try {
      const { endpoint, source } = await seedUnder(t, OLD);
      const env = { HOOKLINE_ENCRYPTION_KEY: formatEncryptionKey(OLD) };
      const args = ['encryption', 'rotate-key', '--database', t.url, '--new-key', NEW.bytes.toString('hex')];
      const first = io(env);
      assert.equal(await runCli(args, first.io), 0, first.err());
      assert.match(first.out(), new RegExp(`under key ${NEW.id}: 1 of 1 endpoints, 1 of 1 sources`));
      assert.match(first.out(), new RegExp(`old key\\(s\\) ${OLD.id} in HOOKLINE_ENCRYPTION_OLD_KEYS`));
      assert.deepEqual(await keyIds(t), [NEW.id, NEW.id]);
      const dump = JSON.stringify([
        await t.rawQuery('SELECT * FROM endpoints'),
        await t.rawQuery('SELECT * FROM sources'),
      ]);
      for (const secret of SECRETS) assert.ok(!dump.includes(secret));

      const again = io(env);
      assert.equal(await runCli(args, again.io), 0, again.err());
      assert.match(again.out(), /0 of 1 endpoints, 0 of 1 sources/);
      const after = encryptingStore(t.store, createSecretCipher({ current: NEW }), t.deps.newId);
      assert.equal((await after.getEndpoint(endpoint.id))?.secrets[0]?.secret, SECRETS[0]);
      assert.equal((await after.getSource(source.id))?.secrets[0]?.secret, SECRETS[1]);

      // Without the key the data is under, nothing is touched and the key id is named.
      const lost = io({ HOOKLINE_ENCRYPTION_KEY: formatEncryptionKey(OLD) });
      const back = ['encryption', 'rotate-key', '--database', t.url, '--new-key', formatEncryptionKey(OLD)];
      assert.equal(await runCli(back, lost.io), 1);
      assert.match(lost.err(), new RegExp(`encrypted with key ${NEW.id}`));
      assert.deepEqual(await keyIds(t), [NEW.id, NEW.id]);
    } finally {
      await t.close();
    }
  });
});

test('rotate-key on SQLite with the key file: both keys on disk while running, the new one alone after', async () => {
  const sqlite = (await import('../store/conformance/engines.ts')).engines.find((e) => e.name === 'sqlite');
  assert.ok(sqlite);
  const t = await sqlite.open();
  try {
    await seedUnder(t, OLD);
    const keyFile = join(t.url, '..', 'encryption.key');
    writeKeyFile(keyFile, [OLD]);
    // An interrupted earlier run left another key above the old one: every key in the file still reads.
    writeKeyFile(keyFile, [NEW, OLD]);
    const run = io({});
    assert.equal(await runCli(['encryption', 'rotate-key', '--database', t.url], run.io), 0, run.err());
    const written = readKeyFile(keyFile);
    assert.equal(written?.length, 1);
    const generated = written?.[0];
    assert.ok(generated && generated.id !== OLD.id && generated.id !== NEW.id);
    assert.deepEqual(await keyIds(t), [generated.id, generated.id]);
    assert.match(run.out(), new RegExp(`Key file .* now holds key ${generated.id} only`));
    assert.ok(!run.out().includes(formatEncryptionKey(generated)), 'a key-file rotation prints no key');
  } finally {
    await t.close();
  }
});

test('rotate-key refuses PostgreSQL without HOOKLINE_ENCRYPTION_KEY and unknown subcommands (exit 2)', async () => {
  const usage = io({});
  assert.equal(await runCli(['encryption', 'spin'], usage.io), 2);
  if (process.env.HOOKLINE_TEST_PG_URL) {
    const pg = io({});
    const args = ['encryption', 'rotate-key', '--database', process.env.HOOKLINE_TEST_PG_URL];
    assert.equal(await runCli(args, pg.io), 2);
    assert.match(pg.err(), /HOOKLINE_ENCRYPTION_KEY is required/);
  }
});
