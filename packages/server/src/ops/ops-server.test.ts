import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent, request } from 'undici';
import { TEST_TLS_CERT, TEST_TLS_KEY } from '../delivery/tls-test-certificate.ts';
import { runServer, StartupError } from '../main.ts';
import { startWorker } from '../worker.ts';

const ADMIN_KEY = 'hk_opsServerTestAdminKey0123456789';
const METRICS_TOKEN = 'scrape-token-0123456789';

let dir: string;
let certPath: string;
let keyPath: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-ops-server-'));
  certPath = join(dir, 'cert.pem');
  keyPath = join(dir, 'key.pem');
  await writeFile(certPath, TEST_TLS_CERT);
  await writeFile(keyPath, TEST_TLS_KEY);
});
after(() => rm(dir, { recursive: true, force: true }));

const quiet = { write: () => true };

test('--tls-cert/--tls-key: serves HTTPS with that certificate; a delivery shows up in /metrics', async (t) => {
  let onRequest: (req: IncomingMessage) => void = () => {};
  const received = new Promise<IncomingMessage>((resolve) => {
    onRequest = resolve;
  });
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200).end('ok');
      onRequest(req);
    });
  });
  await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
  t.after(() => new Promise<void>((done) => receiver.close(() => done())));
  const port = (receiver.address() as AddressInfo).port;

  const server = await runServer({
    argv: [
      ...['--port', '0', '--database', join(dir, 'tls.db'), '--dev', '--log-level', 'silent'],
      ...[
        '--tls-cert',
        certPath,
        '--tls-key',
        keyPath,
        '--metrics',
        'true',
        '--metrics-token',
        METRICS_TOKEN,
      ],
    ],
    env: { HOOKLINE_ADMIN_API_KEY: ADMIN_KEY },
    cwd: dir,
    print: () => {},
    logStream: quiet,
    startWorker: (context) => startWorker(context, { maintenanceEveryMs: 0 }),
  });
  t.after(() => server.close());
  assert.match(server.url ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);

  // Trust only the test certificate and check it under its own name: a real TLS handshake.
  const agent = new Agent({ connect: { ca: TEST_TLS_CERT, servername: 'hooks.example.test' } });
  t.after(() => agent.close());
  const call = async (
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    const response = await request(`${server.url}${path}`, {
      method,
      dispatcher: agent,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };

  const ready = await call('GET', '/readyz', {});
  assert.deepEqual(
    [ready.status, JSON.parse(ready.text)],
    [200, { status: 'ready', checks: { store: 'ok', worker: 'ok' } }],
  );
  const endpoint = await call('POST', '/v1/endpoints', auth, { url: `http://127.0.0.1:${port}/hook` });
  assert.equal(endpoint.status, 201, endpoint.text);
  const published = await call('POST', '/v1/messages', auth, { eventType: 'order.paid', payload: { id: 1 } });
  assert.equal(published.status, 202, published.text);
  const delivered = await received;
  assert.equal(delivered.url, '/hook');

  // The attempt is counted once its result is committed, a moment after the receiver answered.
  const series = 'hookline_delivery_attempts_total{outcome="succeeded",status_class="2xx"}';
  let metrics = '';
  for (let i = 0; i < 100 && !metrics.includes(series); i += 1) {
    const scrape = await call('GET', '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(scrape.status, 200);
    metrics = scrape.text;
    if (!metrics.includes(series)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.match(metrics, /^hookline_delivery_attempts_total\{outcome="succeeded",status_class="2xx"\} 1$/m);
  assert.match(metrics, /^hookline_delivery_attempt_duration_seconds_count\{status_class="2xx"\} 1$/m);
  assert.match(metrics, /^hookline_messages_stored_total\{origin="api"\} 1$/m);
  assert.match(
    metrics,
    /^hookline_store_commit_duration_seconds_count\{operation="complete_attempts"\} \d+$/m,
  );

  // The same port refuses plain HTTP: there is no cleartext fallback.
  const plain = server.url?.replace('https://', 'http://') ?? '';
  await assert.rejects(request(`${plain}/healthz`, { headersTimeout: 2_000, bodyTimeout: 2_000 }));
});

test('TLS options that cannot work stop the start with a configuration error (exit code 2)', async () => {
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const otherKeyPath = join(dir, 'other-key.pem');
  await writeFile(otherKeyPath, other.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const cases: [string[], RegExp][] = [
    [['--tls-cert', certPath], /tlsCert and tlsKey must be given together/],
    [
      ['--tls-cert', join(dir, 'missing.pem'), '--tls-key', keyPath],
      /tlsCert: cannot read .*missing\.pem \(ENOENT\)/,
    ],
    [['--tls-cert', certPath, '--tls-key', otherKeyPath], /not a usable certificate and key pair/],
  ];
  for (const [flags, message] of cases) {
    await assert.rejects(
      runServer({
        argv: ['--port', '0', '--database', join(dir, 'bad.db'), ...flags],
        env: {},
        cwd: dir,
        print: () => {},
        logStream: quiet,
      }),
      (error: unknown) => {
        assert.ok(error instanceof StartupError);
        assert.equal(error.exitCode, 2);
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /PRIVATE KEY/);
        return true;
      },
    );
  }
});

test('--role worker with metrics on serves only /healthz, /readyz and /metrics (no API)', async (t) => {
  const server = await runServer({
    argv: ['--role', 'worker', '--port', '0', '--database', join(dir, 'worker.db'), '--metrics', 'true'],
    env: { HOOKLINE_ADMIN_API_KEY: ADMIN_KEY },
    cwd: dir,
    print: () => {},
    logStream: quiet,
    startWorker: (context) => startWorker(context, { maintenanceEveryMs: 0 }),
  });
  t.after(() => server.close());
  assert.match(server.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  const get = async (path: string) => {
    const response = await request(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    return { status: response.statusCode, text: await response.body.text() };
  };
  const ready = await get('/readyz');
  assert.deepEqual(
    [ready.status, JSON.parse(ready.text)],
    [200, { status: 'ready', checks: { store: 'ok', worker: 'ok' } }],
  );
  const metrics = await get('/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.text, /^hookline_queue_due_deliveries 0$/m);
  const api = await get('/v1/endpoints');
  assert.equal(api.status, 404);
  assert.equal(JSON.parse(api.text).error.code, 'not_found');
});
