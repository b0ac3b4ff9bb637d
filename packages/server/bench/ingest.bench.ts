// Verified ingest throughput: Hookline's `/in/{token}` with an HMAC source (X-Signature, SHA-256 hex),
// 1 KiB JSON bodies, one routed endpoint, on SQLite (and PostgreSQL: HOOKLINE_TEST_PG_URL or the local
// default, in a throwaway database; skipped with the reason when unreachable), against a bare node:http
// server that answers 200 without reading anything into memory (and, for reference, plain Fastify
// reading the body and answering 200), measured in the same run by the same load generator (undici Pool,
// 64 keep-alive connections). Servers run in child processes (this file re-run with a role argument) so
// the generator never shares their event loop. Rounds alternate between servers and medians are
// compared. Then p99 latency at half the measured Hookline rate (open loop). Side by side, the seeds'
// Flask receiver (X-Signature HMAC check, stores nothing) under gunicorn with 4 sync workers, when
// Debian's `gunicorn` and `python3-flask` are installed. Each server's CPU per request (Linux /proc,
// median of the rounds) is reported too: steadier than requests/s on a shared machine. On SQLite, a
// reference splits the gap to the bare server: the same Hookline ingest path (read, verify, parse,
// route, answer) with the store's insert replaced by one that keeps nothing and answers at once, so
// `ratioWithoutStoreToBare` is what the ratio would be if storing were free. Progress on stderr, one JSON
// object as the last line of stdout.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import type { Message } from '../src/store/types.ts';
import { BENCH_PG_URL, cpuMicros, postgresUnreachable } from './bench-support.ts';

const CONNECTIONS = 64;
const ROUNDS = 3;
const REQUESTS_PER_ROUND = 10_000;
// JIT and SQLite page cache warm: the first few thousand requests run markedly slower.
const WARM_UP_REQUESTS = 6_000;
const FLASK_ROUNDS = 2;
const FLASK_REQUESTS_PER_ROUND = 4_000;
const GUNICORN = '/usr/bin/gunicorn';
const LATENCY_SECONDS = 3;
const BUDGET_MS = 50_000;
const SECRET = 'bench-hmac-secret';

// ---- server roles (child processes) -----------------------------------------------------------------
async function serveBare(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${typeof address === 'object' && address ? address.port : 0} /bench\n`);
  });
}

/** Plain Fastify reading the body raw and answering 200: shows how much of the gap is the framework. */
async function serveFastify(): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/bench', async (_request, reply) => reply.code(200).send({ ok: true }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.server.keepAliveTimeout = 60_000;
  const address = app.server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0} /bench\n`);
}

/** `storeless`: the insert keeps nothing and resolves at once (the reference described at the top). */
async function serveHookline(engine: 'sqlite' | 'postgres', storeless = false): Promise<void> {
  const { buildApp } = await import('../src/app.ts');
  const { defaultConfig } = await import('../src/config.ts');
  const { createRouter } = await import('../src/delivery/router.ts');
  const { maxAttempts } = await import('../src/delivery/retry-policy.ts');
  const { createSsrfPolicy } = await import('../src/delivery/ssrf-guard.ts');
  const { createIdGenerator } = await import('../src/ids.ts');
  const { openStore } = await import('../src/store/open-store.ts');
  const { encryptingStore } = await import('../src/secrets/encrypting-store.ts');
  const { createSecretCipher } = await import('../src/secrets/secret-cipher.ts');
  const { generateEncryptionKey } = await import('../src/secrets/encryption-key.ts');
  const { ingestRoutes } = await import('../src/ingest/ingest-routes.ts');
  const { generateSourceToken } = await import('../src/ingest/source-token.ts');
  const { DEFAULT_RESPONSE } = await import('../src/ingest/source-input.ts');
  const dir = mkdtempSync(join(tmpdir(), 'hookline-ingest-bench-'));
  let url = `sqlite://${join(dir, 'bench.db')}`;
  let drop: (() => Promise<void>) | null = null;
  if (engine === 'postgres') {
    const { createTestDatabase } = await import('../src/store/postgres/test-database.ts');
    const database = await createTestDatabase(BENCH_PG_URL, 'bench');
    url = database.url;
    drop = database.drop;
  }
  const clock = Date.now;
  const newId = createIdGenerator(clock);
  const raw = await openStore(url, { clock, newId });
  await raw.migrate();
  // As main.ts runs it: source and endpoint secrets encrypted at rest, decrypted once per cache fill.
  const store = encryptingStore(raw, createSecretCipher({ current: generateEncryptionKey() }), newId);
  if (storeless) {
    // The ingest path reads only the outcome's message id and duplicate flag.
    store.insertMessage = async (input) => ({
      duplicate: false,
      deliveryIds: input.deliveries.map(() => newId('dlv')),
      message: { id: newId('msg'), eventType: input.eventType, createdAt: clock() } as Message,
    });
  }
  const router = createRouter(store, { clock });
  const app = await buildApp({
    store,
    config: defaultConfig(),
    clock,
    router,
    maxAttempts: (endpoint) => maxAttempts(endpoint),
    ssrfPolicy: createSsrfPolicy({}),
  });
  // Limits off: the bench is one client on one source, which is exactly what they would throttle.
  await app.register(ingestRoutes, {
    store,
    router,
    clock,
    config: { perSourceRate: { ratePerSecond: 0, burst: 0 }, perClientRate: { ratePerSecond: 0, burst: 0 } },
  });
  const token = generateSourceToken();
  await store.createSource({
    name: 'bench',
    token,
    tenant: null,
    verification: { scheme: 'hmac', header: 'x-signature', algorithm: 'sha256', encoding: 'hex' },
    secrets: [{ secret: SECRET, createdAt: clock(), expiresAt: null }],
    toleranceSeconds: 300,
    maxBodyBytes: 1024 * 1024,
    contentTypes: null,
    requireJson: true,
    decompress: false,
    handshake: null,
    response: DEFAULT_RESPONSE,
    eventTypeRule: { kind: 'pointer', pointer: '/type' },
    dedupRule: { kind: 'pointer', pointer: '/id' },
    alias: null,
    disabled: false,
  });
  await store.createEndpoint({
    tenant: null,
    url: 'https://receiver.example/hook',
    description: 'bench',
    disabled: false,
    eventTypes: ['invoice.*'],
    channels: null,
    sources: null,
    payloadFilter: null,
    headers: {},
    timeoutMs: 15_000,
    retrySchedule: null,
    rateLimitPerSecond: null,
    maxConcurrency: null,
    signing: { scheme: 'standard-webhooks-v1' },
    secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', createdAt: clock(), expiresAt: null }],
    metadata: {},
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  app.server.keepAliveTimeout = 60_000;
  const address = app.server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0} /in/${token}\n`);
  process.on('SIGTERM', async () => {
    await app.close();
    await store.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

// The seeds' verified receiver (seed 004), minus its print(): Flask with an X-Signature HMAC check.
const FLASK_APP = `
import hmac, hashlib
from flask import Flask, request, jsonify
app = Flask(__name__)
SECRET_TOKEN = ${JSON.stringify(SECRET)}
def verify_signature(payload, signature):
    expected_signature = hmac.new(SECRET_TOKEN.encode(), payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected_signature, signature or "")
@app.route("/webhook", methods=["POST"])
def webhook():
    if not verify_signature(request.data, request.headers.get("X-Signature")):
        return jsonify({"error": "Invalid signature"}), 403
    data = request.json
    return jsonify({"message": "Webhook received"}), 200
`;

/** Every server child, killed when this process exits however it exits (a failed run leaves none behind). */
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

async function startFlask(): Promise<Target | null> {
  if (!existsSync(GUNICORN)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-flask-'));
  writeFileSync(join(dir, 'app.py'), FLASK_APP);
  const port = await freePort();
  const child = spawn(
    GUNICORN,
    ['-w', '4', '-b', `127.0.0.1:${port}`, '--chdir', dir, '--log-level', 'warning', 'app:app'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.push(child);
  child.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  // Ready when it accepts a connection; bounded so a broken install cannot hang the bench.
  for (let tries = 0; tries < 100; tries++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) {
      const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1 });
      return { name: 'flask-gunicorn', child, pool, path: '/webhook' };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  return null;
}

// ---- load generator ---------------------------------------------------------------------------------
interface Target {
  name: string;
  child: ChildProcess;
  pool: Pool;
  path: string;
}

async function start(role: string): Promise<Target> {
  const child = spawn(process.execPath, [import.meta.filename, role], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = (await once(child.stdout as NonNullable<typeof child.stdout>, 'data')) as [Buffer];
  const [port, path] = line.toString().trim().split(' ');
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1 });
  return { name: role, child, pool, path: path ?? '/' };
}

let sequence = 0;
/** A fresh 1 KiB event and its signature: every request is a new event (no dedup hits). */
function nextRequest(): { body: string; headers: Record<string, string> } {
  const id = `evt_${process.pid}_${sequence++}`;
  const head = JSON.stringify({ id, type: 'invoice.paid', data: {} });
  const body = `${head.slice(0, -1)},"pad":"${'x'.repeat(1024 - head.length - 9)}"}`;
  const signature = createHmac('sha256', SECRET).update(body).digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'x-signature': signature } };
}

async function send(
  target: Target,
  request: { body: string; headers: Record<string, string> },
): Promise<void> {
  const response = await target.pool.request({ method: 'POST', path: target.path, ...request });
  await response.body.dump();
  if (response.statusCode !== 202 && response.statusCode !== 200) {
    throw new RangeError(`${target.name}: status ${response.statusCode}`);
  }
}

/** The server's CPU per request in each measured round (µs; Linux /proc), per target name. */
const cpuPerRequest = new Map<string, number[]>();

async function throughput(target: Target, total: number): Promise<number> {
  const requests = Array.from({ length: total }, nextRequest);
  let next = 0;
  const cpuBefore = cpuMicros(target.child.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < total) {
        const request = requests[next++];
        if (request) await send(target, request);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const cpuAfter = cpuMicros(target.child.pid);
  if (cpuBefore !== null && cpuAfter !== null) {
    const list = cpuPerRequest.get(target.name) ?? [];
    list.push((cpuAfter - cpuBefore) / total);
    cpuPerRequest.set(target.name, list);
  }
  return Math.round((total * 1000) / elapsed);
}

/** Median CPU per request of a target's rounds after the warm-up (the first entry), or null. */
function serverCpu(name: string): number | null {
  const rounds = cpuPerRequest.get(name)?.slice(1) ?? [];
  return rounds.length === 0 ? null : Math.round(median(rounds) * 10) / 10;
}

/** Open loop at `rate` requests/s for `seconds`: latencies include any queueing the server causes. */
async function latency(target: Target, rate: number, seconds: number): Promise<{ p50: number; p99: number }> {
  const total = Math.round(rate * seconds);
  const requests = Array.from({ length: total }, nextRequest);
  const latencies: number[] = [];
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = requests[i];
    if (request === undefined) continue;
    const sent = performance.now();
    inFlight.push(send(target, request).then(() => void latencies.push(performance.now() - sent)));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) /
    100;
  return { p50: at(0.5), p99: at(0.99) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function stop(target: Target): Promise<void> {
  await target.pool.close();
  target.child.kill('SIGTERM');
  await once(target.child, 'exit');
}

async function compare(engine: 'sqlite' | 'postgres', budgetMs: number) {
  const bare = await start('serve-bare');
  const hookline = await start(`serve-hookline-${engine}`);
  // The framework and store-less references are the same for both engines: measured once, on SQLite.
  const fastify = engine === 'sqlite' ? await start('serve-fastify') : null;
  const storeless = engine === 'sqlite' ? await start('serve-hookline-storeless') : null;
  const began = performance.now();
  process.stderr.write(`${engine}: warm-up\n`);
  await throughput(bare, WARM_UP_REQUESTS);
  await throughput(hookline, WARM_UP_REQUESTS);
  if (fastify) await throughput(fastify, WARM_UP_REQUESTS);
  if (storeless) await throughput(storeless, WARM_UP_REQUESTS);
  const bareRates: number[] = [];
  const hooklineRates: number[] = [];
  const fastifyRates: number[] = [];
  const storelessRates: number[] = [];
  for (let round = 0; round < ROUNDS && performance.now() - began < budgetMs; round++) {
    bareRates.push(await throughput(bare, REQUESTS_PER_ROUND));
    if (fastify) fastifyRates.push(await throughput(fastify, REQUESTS_PER_ROUND));
    if (storeless) storelessRates.push(await throughput(storeless, REQUESTS_PER_ROUND));
    hooklineRates.push(await throughput(hookline, REQUESTS_PER_ROUND));
    process.stderr.write(
      `${engine} round ${round + 1}: bare ${bareRates.at(-1)}/s, hookline ${hooklineRates.at(-1)}/s\n`,
    );
  }
  const peak = median(hooklineRates);
  const halfRate = Math.max(100, Math.round(peak / 2));
  const atHalf = await latency(hookline, halfRate, LATENCY_SECONDS);
  process.stderr.write(`${engine}: p99 ${atHalf.p99} ms at ${halfRate}/s\n`);
  await stop(bare);
  await stop(hookline);
  if (fastify) await stop(fastify);
  if (storeless) await stop(storeless);
  const bareMedian = median(bareRates);
  const bareCpu = serverCpu(bare.name);
  const hooklineCpu = serverCpu(hookline.name);
  process.stderr.write(
    `${engine}: server CPU per request: bare ${bareCpu ?? '?'} µs, hookline ${hooklineCpu ?? '?'} µs\n`,
  );
  let flask: unknown = 'skipped: Debian gunicorn/python3-flask not installed';
  if (engine === 'sqlite') {
    const target = await startFlask();
    if (target !== null) {
      await throughput(target, 1000);
      const rates: number[] = [];
      for (let round = 0; round < FLASK_ROUNDS; round++)
        rates.push(await throughput(target, FLASK_REQUESTS_PER_ROUND));
      process.stderr.write(`flask under gunicorn -w 4: ${rates.join(', ')}/s\n`);
      await stop(target);
      flask = {
        requestsPerSecond: median(rates),
        ratioToBare: Math.round((median(rates) / bareMedian) * 100) / 100,
        rounds: rates,
      };
    }
  }
  return {
    bareNodeHttpRequestsPerSecond: bareMedian,
    hooklineVerifiedIngestRequestsPerSecond: peak,
    ratioHooklineToBare: Math.round((peak / bareMedian) * 100) / 100,
    serverCpuMicrosPerRequest: {
      bare: bareCpu,
      hookline: hooklineCpu,
      ...(fastify ? { plainFastify: serverCpu(fastify.name) } : {}),
      ...(storeless ? { hooklineWithoutStore: serverCpu(storeless.name) } : {}),
    },
    cpuRatioBareToHookline:
      bareCpu === null || hooklineCpu === null ? null : Math.round((bareCpu / hooklineCpu) * 100) / 100,
    latencyAtHalfPeak: { requestsPerSecond: halfRate, p50Ms: atHalf.p50, p99Ms: atHalf.p99 },
    rounds: {
      bare: bareRates,
      hookline: hooklineRates,
      ...(fastify ? { plainFastify: fastifyRates } : {}),
      ...(storeless ? { hooklineWithoutStore: storelessRates } : {}),
    },
    ...(fastify
      ? {
          plainFastifyRequestsPerSecond: median(fastifyRates),
          ratioHooklineToPlainFastify: Math.round((peak / median(fastifyRates)) * 100) / 100,
        }
      : {}),
    ...(storeless
      ? {
          hooklineWithoutStoreRequestsPerSecond: median(storelessRates),
          ratioWithoutStoreToBare: Math.round((median(storelessRates) / bareMedian) * 100) / 100,
        }
      : {}),
    ...(engine === 'sqlite' ? { seedsFlaskGunicorn4Workers: flask } : {}),
  };
}

const role = process.argv[2];
if (role === 'serve-bare') await serveBare();
else if (role === 'serve-fastify') await serveFastify();
else if (role === 'serve-hookline-sqlite') await serveHookline('sqlite');
else if (role === 'serve-hookline-postgres') await serveHookline('postgres');
else if (role === 'serve-hookline-storeless') await serveHookline('sqlite', true);
else {
  const pgSkipped = await postgresUnreachable(BENCH_PG_URL);
  const sqlite = await compare('sqlite', pgSkipped === null ? BUDGET_MS / 2 : BUDGET_MS);
  const postgres = pgSkipped === null ? await compare('postgres', BUDGET_MS / 2) : `skipped: ${pgSkipped}`;
  console.log(
    JSON.stringify({
      name: 'ingest',
      connections: CONNECTIONS,
      bodyBytes: 1024,
      scheme: 'hmac sha256 hex (X-Signature)',
      sqlite,
      postgres,
    }),
  );
}
