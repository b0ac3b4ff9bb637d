import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { mintApiKey } from './auth/api-key-token.ts';
import { runServer, StartupError } from './main.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-main-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function capture() {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => lines.push(line) } };
}

test('first start prints an admin key once; it works over real HTTP; logs never contain it', async () => {
  const database = join(dir, 'first.db');
  const printed: string[] = [];
  const logs = capture();
  const argv = ['--port', '0', '--database', database];
  const server = await runServer({
    argv,
    env: {},
    cwd: dir,
    print: (text) => printed.push(text),
    logStream: logs.stream,
  });
  try {
    assert.match(server.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const key = /\b(hk_[A-Za-z0-9_-]{43})\b/.exec(printed.join(''))?.[1];
    assert.ok(key, printed.join(''));
    assert.ok(printed.join('').includes(`Dashboard: ${server.url}/ui/`), printed.join(''));
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const authorised = await fetch(`${server.url}/v1/endpoints`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(authorised.status, 200);
    const anonymous = await fetch(`${server.url}/v1/endpoints`);
    assert.equal(anonymous.status, 401);
    assert.ok(logs.lines.some((line) => line.includes('Hookline listening on')));
    assert.ok(!logs.lines.join('').includes(key));
  } finally {
    await server.close();
  }
  const again = await runServer({
    argv,
    env: {},
    cwd: dir,
    print: (text) => printed.push(text),
    logStream: capture().stream,
  });
  await again.close();
  assert.equal(printed.length, 1, 'the key is printed on first start only');
});

test('HOOKLINE_ADMIN_API_KEY is registered instead of minting one', async () => {
  const { key } = mintApiKey();
  const printed: string[] = [];
  const server = await runServer({
    argv: ['--database', join(dir, 'given.db')],
    env: { HOOKLINE_ADMIN_API_KEY: key, HOOKLINE_PORT: '0' },
    cwd: dir,
    print: (text) => printed.push(text),
    logStream: capture().stream,
  });
  try {
    assert.deepEqual(printed, []);
    const response = await fetch(`${server.url}/v1/api-keys`, {
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(response.status, 200);
  } finally {
    await server.close();
  }
});

test('bad configuration fails before anything opens, with exit code 2 and every problem listed', async () => {
  await assert.rejects(
    runServer({ argv: ['--port', 'x', '--role', 'boss'], env: {}, cwd: dir, logStream: capture().stream }),
    (error: unknown) =>
      error instanceof StartupError &&
      error.exitCode === 2 &&
      /--port/.test(error.message) &&
      /--role/.test(error.message),
  );
  await assert.rejects(
    runServer({
      argv: ['--port', '0', '--database', join(dir, 'ssrf.db'), '--ssrf-allow-list', '10.0.0.0/99'],
      env: {},
      cwd: dir,
      logStream: capture().stream,
    }),
    (error: unknown) => error instanceof StartupError && /ssrfAllowList/.test(error.message),
  );
});

test('role worker does not listen; the worker hook is started and stopped on close', async () => {
  const events: string[] = [];
  const server = await runServer({
    argv: ['--role', 'worker', '--database', join(dir, 'worker.db')],
    env: {},
    cwd: dir,
    print: () => {},
    logStream: capture().stream,
    startWorker: async () => {
      events.push('start');
      return {
        resend: async () => null,
        stop: async () => {
          events.push('stop');
        },
      };
    },
  });
  assert.equal(server.url, null);
  assert.equal(server.app, null);
  await server.close();
  await server.close();
  assert.deepEqual(events, ['start', 'stop']);
});
