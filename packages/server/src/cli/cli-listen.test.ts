import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, pgSkip } from '../store/postgres/test-database.ts';
import { closedPort, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const ADMIN_KEY = 'hk_listen_test_admin_key_0123456789abcdef';

/** A running `hookline listen` child whose stderr status lines can be awaited. */
function startListen(args: readonly string[]) {
  const child = spawn(
    join(ROOT, 'node_modules/.bin/node'),
    [join(ROOT, 'packages/server/src/cli/bin.ts'), 'listen', ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOOKLINE_API_KEY: ADMIN_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if ((stderr.match(waiter.pattern) ?? []).length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    check();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  return {
    stdout: () => stdout,
    /** Resolves once `pattern` (global) has matched `count` times on stderr. */
    waitFor: (pattern: RegExp, count = 1) =>
      new Promise<void>((done) => {
        waiters.push({ pattern, count, resolve: done });
        check();
      }),
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

const received: { id: string; body: string; path: string; header: string | undefined }[] = [];
let allReceived: (() => void) | null = null;
let expected = 0;
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({
      id: String(request.headers['x-hookline-message-id']),
      body: Buffer.concat(chunks).toString(),
      path: request.url ?? '',
      header: request.headers['x-custom'] as string | undefined,
    });
    response.writeHead(204).end();
    if (received.length >= expected) allReceived?.();
  });
});
const untilReceived = (count: number) =>
  new Promise<void>((done) => {
    expected = count;
    allReceived = done;
    if (received.length >= count) done();
  });

let forwardTo: string;
before(async () => {
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  forwardTo = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
after(() => receiver.close());

/** The scenario on one database: listen restarted while events arrive, then the server restarted under it. */
async function listenAcrossRestarts(database: string): Promise<void> {
  received.length = 0;
  const dir = tempDir();
  const port = await closedPort();
  // PostgreSQL refuses to start without an encryption key (SQLite would make a key file).
  const env = { HOOKLINE_ADMIN_API_KEY: ADMIN_KEY, HOOKLINE_ENCRYPTION_KEY: '5c'.repeat(32) };
  let server: ServedHookline = await serve(database, ['--port', String(port)], env);
  const state = join(dir, 'listen.json');
  const listenArgs = [
    '--server',
    server.url,
    '--forward-to',
    forwardTo,
    '--state',
    state,
    '--path-map',
    'order.paid=/paid',
  ];
  const published: string[] = [];
  const ingest = async (body: string) => {
    const response = await fetch(`${server.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'from-sender' },
      body,
    });
    assert.equal(response.status, 202);
    published.push(String(response.headers.get('x-hookline-message-id')));
  };

  let listen = startListen(listenArgs);
  await listen.waitFor(/^Ready: .*\(from now\)/m);
  await ingest('{"type":"order.created","n":1}');
  await ingest('{"type":"order.paid","n":2}');
  await untilReceived(2);

  // listen is away while two events arrive; its next start forwards exactly those.
  assert.equal(await listen.stop(), 0);
  await ingest('{"type":"order.created","n":3}');
  await ingest('{"type":"order.created","n":4}');
  listen = startListen(listenArgs);
  await listen.waitFor(/^Ready: .*resuming after msg_/m);
  await untilReceived(4);

  // The server restarts under a connected listen: it reconnects and resumes.
  assert.equal(await server.stop(), 0);
  await listen.waitFor(/^disconnected: /m);
  server = await serve(database, ['--port', String(port)], env);
  await listen.waitFor(/^Ready: /gm, 2);
  await ingest('{"type":"order.created","n":5}');
  await untilReceived(5);
  assert.equal(await listen.stop(), 0);
  assert.equal(await server.stop(), 0);

  assert.deepEqual(
    received.map((event) => event.id),
    published,
    'every event once, in order',
  );
  assert.deepEqual(
    received.map((event) => JSON.parse(event.body).n),
    [1, 2, 3, 4, 5],
  );
  assert.equal(received[1]?.path, '/paid', '--path-map');
  assert.equal(received[0]?.path, '/hooks');
  assert.equal(received[0]?.header, 'from-sender', 'the sender’s headers are forwarded');
  assert.match(listen.stdout(), /order\.created {2}msg_\S+ {2}→ 204 No Content {2}\d+ ms/);
}

test('listen forwards body and headers, and across its own restart and a server restart loses and repeats nothing (SQLite)', async () => {
  await listenAcrossRestarts(join(tempDir(), 'hookline.db'));
});

test('the same on PostgreSQL', { skip: pgSkip }, async () => {
  const database = await createTestDatabase(undefined, 'cli_listen');
  try {
    await listenAcrossRestarts(database.url);
  } finally {
    await database.drop();
  }
});
