import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { runServer, StartupError } from '../main.ts';
import { forEachEngine } from '../store/conformance/engines.ts';
import { newEndpoint, newSource } from '../store/conformance/fixtures.ts';
import { keyOf } from './encryption-key.ts';
import { readKeyFile } from './key-file.ts';
import { envelopeKeyId } from './secret-cipher.ts';

const ADMIN_KEY = 'hk_secrets_at_rest_admin_key_0123456789';
const KEY_HEX = '3e'.repeat(32);
const pgUrl = process.env.HOOKLINE_TEST_PG_URL;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-secrets-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => lines.push(line) } };
}

test('SQLite without a key: a 0600 key file is made with a warning; secrets never leave create/rotate responses, logs or metrics', async () => {
  const database = join(dir, 'first', 'hookline.db');
  const logs = capture();
  const argv = ['--port', '0', '--database', database, '--dev', '--metrics', 'true', '--log-level', 'debug'];
  const server = await runServer({
    argv,
    env: { HOOKLINE_ADMIN_API_KEY: ADMIN_KEY },
    print: () => {},
    logStream: logs.stream,
  });
  const keyFile = join(dir, 'first', 'encryption.key');
  const secrets: string[] = [];
  const later: string[] = [];
  try {
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const warning = logs.lines.find((line) => line.includes('back this file up'));
    assert.ok(warning?.includes(keyFile), 'the warning names the key file');
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, text: await response.text() };
    };
    const endpoint = await call('POST', '/v1/endpoints', { url: 'https://example.com/hook' });
    const legacy = await call('POST', '/v1/endpoints', {
      url: 'https://example.com/legacy',
      signing: { scheme: 'token', header: 'x-token' },
      secret: 'legacy-token-value-0123456789abcdef',
    });
    const source = await call('POST', '/v1/sources', {
      name: 'stripe',
      verification: { scheme: 'stripe' },
      secret: 'whsec_stripe_issued_secret_0123456789',
    });
    for (const created of [endpoint, legacy, source]) assert.equal(created.status, 201, created.text);
    const endpointId = (JSON.parse(endpoint.text) as { id: string; secret: string }).id;
    const sourceId = (JSON.parse(source.text) as { id: string }).id;
    secrets.push(
      (JSON.parse(endpoint.text) as { secret: string }).secret,
      'legacy-token-value-0123456789abcdef',
      'whsec_stripe_issued_secret_0123456789',
    );
    const rotated = await call('POST', `/v1/endpoints/${endpointId}/secret/rotate`, {});
    assert.equal(rotated.status, 200, rotated.text);
    secrets.push((JSON.parse(rotated.text) as { secret: string }).secret);

    for (const [method, path, body] of [
      ['GET', `/v1/endpoints/${endpointId}`],
      ['GET', '/v1/endpoints'],
      ['PATCH', `/v1/endpoints/${endpointId}`, { description: 'renamed' }],
      ['GET', `/v1/sources/${sourceId}`],
      ['GET', '/v1/sources'],
      ['PATCH', `/v1/sources/${sourceId}`, { toleranceSeconds: 60 }],
      ['POST', '/v1/endpoints', { url: 'https://example.com/bad', secret: 'too short' }],
      ['GET', '/metrics'],
    ] as [string, string, unknown?][]) {
      const response = await call(method, path, body);
      assert.ok(response.status < 500, `${method} ${path}: ${response.status}`);
      later.push(response.text);
    }
    const raw = new DatabaseSync(database, { readOnly: true });
    const stored = JSON.stringify([
      raw.prepare('SELECT * FROM endpoints').all(),
      raw.prepare('SELECT * FROM sources').all(),
    ]);
    raw.close();
    for (const secret of secrets) {
      assert.ok(!later.join('\n').includes(secret), 'a secret in a later response');
      assert.ok(!logs.lines.join('').includes(secret), 'a secret in the logs');
      assert.ok(!stored.includes(secret), 'a secret stored in clear text');
    }
  } finally {
    await server.close();
  }

  // A restart reads the same key file; another key is refused before anything is served.
  const again = await runServer({ argv, env: {}, print: () => {}, logStream: capture().stream });
  await again.close();
  const fileKey = readKeyFile(keyFile)?.[0];
  assert.ok(fileKey);
  await assert.rejects(
    runServer({
      argv,
      env: { HOOKLINE_ENCRYPTION_KEY: KEY_HEX },
      print: () => {},
      logStream: capture().stream,
    }),
    (error: unknown) =>
      error instanceof StartupError &&
      error.exitCode === 2 &&
      error.message.includes('encryption_key_unknown') &&
      error.message.includes(fileKey.id),
  );
});

test('PostgreSQL without HOOKLINE_ENCRYPTION_KEY refuses to start (exit 2, encryption_key_required)', {
  skip: pgUrl ? false : 'HOOKLINE_TEST_PG_URL is not set',
}, async () => {
  await assert.rejects(
    runServer({
      argv: ['--port', '0', '--database', pgUrl ?? ''],
      env: {},
      print: () => {},
      logStream: capture().stream,
    }),
    (error: unknown) =>
      error instanceof StartupError &&
      error.exitCode === 2 &&
      error.message.includes('encryption_key_required'),
  );
});

test('an invalid HOOKLINE_ENCRYPTION_KEY is a configuration error that does not echo the value', async () => {
  await assert.rejects(
    runServer({
      argv: ['--port', '0', '--database', join(dir, 'bad-key.db')],
      env: { HOOKLINE_ENCRYPTION_KEY: 'not-a-key' },
      print: () => {},
      logStream: capture().stream,
    }),
    (error: unknown) =>
      error instanceof StartupError && error.exitCode === 2 && !error.message.includes('not-a-key'),
  );
});

forEachEngine((engine) => {
  test('startup encrypts the plaintext secrets of a database from before encryption', async () => {
    const t = await engine.open();
    try {
      await t.store.createEndpoint(newEndpoint());
      await t.store.createSource(newSource());
      const server = await runServer({
        argv: ['--port', '0', '--database', t.url, '--role', 'api'],
        env: { HOOKLINE_ENCRYPTION_KEY: KEY_HEX, HOOKLINE_ADMIN_API_KEY: ADMIN_KEY },
        print: () => {},
        logStream: capture().stream,
      });
      await server.close();
      const rows = [
        ...(await t.rawQuery('SELECT secrets FROM endpoints')),
        ...(await t.rawQuery('SELECT secrets FROM sources')),
      ];
      const ids = rows.flatMap((row) =>
        (
          (typeof row.secrets === 'string' ? JSON.parse(row.secrets) : row.secrets) as { secret: string }[]
        ).map((entry) => envelopeKeyId(entry.secret)),
      );
      // The fixture endpoint, the fixture source (the default source has no secret).
      assert.deepEqual(ids, [keyOf(Buffer.from(KEY_HEX, 'hex')).id, keyOf(Buffer.from(KEY_HEX, 'hex')).id]);
    } finally {
      await t.close();
    }
  });
});
