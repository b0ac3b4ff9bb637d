// Delivery throughput and latency: publish through Hookline's real HTTP API (runServer, with its worker,
// in a child process) → delivered to a local keep-alive receiver (another child process), 3 endpoints per
// message, on SQLite (and PostgreSQL: HOOKLINE_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres,
// in a throwaway database; skipped with a reason when unreachable). Baseline in the same run: a bare
// `undici.request` loop against the same receiver (same pool shape as the worker's client), one round of
// it before each of the engine's throughput rounds, so each ratio compares neighbours in time on this
// shared machine; the medians of the rounds are reported, and every round beside them. Then an open
// loop at 1,000 messages/s: publish acknowledgement p99 and publish→first-attempt p99 (every delivery's
// first attempt as the receiver saw it); HOOKLINE_BENCH_RATE sets another rate. The server's CPU per
// delivery (from /proc, Linux) is reported beside the bare loop's client CPU per request: steadier than
// throughput on a shared machine. So is its main thread's alone: the event loop that serves the API and
// writes the store, and the ceiling of a single process. Progress on stderr, one JSON object as the last
// line of stdout.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, Pool, request } from 'undici';
import { createTestDatabase } from '../src/store/postgres/test-database.ts';
import {
  BENCH_PG_URL,
  cpuMicros,
  getJson,
  median,
  percentile,
  postgresUnreachable,
  quiesce,
  round,
  serveHookline,
  startChild,
  stopChild,
} from './bench-support.ts';

const ENDPOINTS = 3;
const BASELINE_REQUESTS = 20_000;
// undici's client takes ~40,000 requests to warm up here: from 14,000/s and 73 µs of CPU per request on
// the first 10,000 to 39,000/s and 24 µs from the fourth on. Measured cold, the baseline was half the
// real one (and flattered every ratio: 0.27-0.37 where warm rounds give medians of about 0.2).
const BASELINE_WARM_UP_REQUESTS = 50_000;
const BASELINE_ROUND_REQUESTS = 10_000;
const ROUNDS = 3;
const BASELINE_CONCURRENCY = 64;
const WARM_UP_MESSAGES = 1_000;
const THROUGHPUT_MESSAGES = 8_000;
const BATCH = 500;
const LATENCY_RATE = Number(process.env.HOOKLINE_BENCH_RATE ?? 1_000);
const LATENCY_SECONDS = 3;
const PHASE_DEADLINE_MS = 20_000;
const ADMIN_KEY = 'hk_bench_delivery_admin_key_0123456789';
const ENCRYPTION_KEY = '6a'.repeat(32);
const PAYLOAD = {
  customer: 'cus_0123456789',
  amount: 4200,
  currency: 'eur',
  items: [{ sku: 'a-1', qty: 2 }],
};

const wallNow = () => performance.timeOrigin + performance.now();
const log = (text: string) => process.stderr.write(`delivery bench: ${text}\n`);

// ---- child roles -----------------------------------------------------------------------------------
/** Answers 204 at once; counts deliveries and keeps each delivery's first arrival (webhook-id + path). */
function serveReceiver(): void {
  let count = 0;
  let baseline = 0;
  let arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const at = wallNow();
    req.resume();
    req.on('end', () => {
      if (req.url === '/_stats') return void res.end(JSON.stringify({ count, baseline }));
      if (req.url === '/_arrivals') return void res.end(JSON.stringify(Object.fromEntries(arrivals)));
      if (req.url === '/_reset') {
        count = 0;
        arrivals = new Map();
        return void res.end('{}');
      }
      if (req.url === '/baseline') baseline += 1;
      else {
        count += 1;
        const key = `${req.headers['webhook-id']} ${req.url}`;
        if (!arrivals.has(key)) arrivals.set(key, at);
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}

async function waitForCount(receiver: string, target: number): Promise<number> {
  const deadline = performance.now() + PHASE_DEADLINE_MS;
  for (;;) {
    const { count } = await getJson<{ count: number }>(`${receiver}/_stats`);
    if (count >= target || performance.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Bare undici loop: what this machine's HTTP stack does against the receiver, with no store at all. */
async function measureBaseline(
  receiver: string,
  requests = BASELINE_REQUESTS,
): Promise<{ perSecond: number; clientCpuMicrosPerRequest: number }> {
  const agent = new Agent({ connections: 32, pipelining: 1, keepAliveTimeout: 4_000 });
  const body = JSON.stringify(PAYLOAD);
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      next += 1;
      const response = await request(`${receiver}/baseline`, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.body.dump();
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: BASELINE_CONCURRENCY }, worker));
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await agent.close();
  return {
    perSecond: requests / (elapsed / 1000),
    clientCpuMicrosPerRequest: round((used.user + used.system) / requests, 1),
  };
}

async function benchEngine(
  database: string,
  receiver: string,
  baseline: { perSecond: number; clientCpuMicrosPerRequest: number | null },
) {
  const { child, url } = await startChild(import.meta.filename, ['hookline', database]);
  const api = new Pool(url, { connections: 16, pipelining: 1 });
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const call = async (path: string, payload: unknown) => {
    const response = await api.request({ path, method: 'POST', headers, body: JSON.stringify(payload) });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${text}`);
    return JSON.parse(text) as { id?: string };
  };
  try {
    for (let i = 1; i <= ENDPOINTS; i++) {
      await call('/v1/endpoints', { url: `${receiver}/e${i}`, eventTypes: ['bench.*'] });
    }
    const publishBatches = async (messages: number) => {
      const batches = Math.ceil(messages / BATCH);
      const items = Array.from({ length: BATCH }, () => ({ eventType: 'bench.order', payload: PAYLOAD }));
      let sent = 0;
      const sender = async () => {
        while (sent < batches) {
          sent += 1;
          await call('/v1/messages/batch', { messages: items });
        }
      };
      await Promise.all([sender(), sender(), sender(), sender()]);
      return batches * BATCH;
    };

    // Warm-up: JIT, pools and page cache.
    await getJson(`${receiver}/_reset`);
    const warm = await publishBatches(WARM_UP_MESSAGES);
    await waitForCount(receiver, warm * ENDPOINTS);

    // Throughput rounds, each right after a bare round against the same receiver.
    const rounds: {
      bareUndiciRequestsPerSecond: number;
      deliveriesPerSecond: number;
      ratio: number;
      serverCpuMicrosPerDelivery: number | null;
      mainThreadCpuMicrosPerDelivery: number | null;
      delivered: string;
    }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // The server may still be writing the last round's results: the bare round waits until it is idle.
      await quiesce(child.pid);
      const bare = await measureBaseline(receiver, BASELINE_ROUND_REQUESTS);
      await getJson(`${receiver}/_reset`);
      const cpuBefore = cpuMicros(child.pid);
      const mainBefore = cpuMicros(child.pid, child.pid);
      const started = performance.now();
      const published = await publishBatches(THROUGHPUT_MESSAGES);
      const target = published * ENDPOINTS;
      const delivered = await waitForCount(receiver, target);
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = cpuMicros(child.pid);
      const mainAfter = cpuMicros(child.pid, child.pid);
      const perSecond = delivered / seconds;
      const serverCpu =
        cpuBefore === null || cpuAfter === null ? null : round((cpuAfter - cpuBefore) / delivered, 1);
      const mainCpu =
        mainBefore === null || mainAfter === null ? null : round((mainAfter - mainBefore) / delivered, 1);
      rounds.push({
        bareUndiciRequestsPerSecond: Math.round(bare.perSecond),
        deliveriesPerSecond: Math.round(perSecond),
        ratio: round(perSecond / bare.perSecond, 2),
        serverCpuMicrosPerDelivery: serverCpu,
        mainThreadCpuMicrosPerDelivery: mainCpu,
        delivered: `${delivered}/${target}`,
      });
      log(
        `round ${i + 1}: bare ${Math.round(bare.perSecond)} requests/s; ${delivered}/${target} deliveries in ` +
          `${round(seconds, 2)} s: ${Math.round(perSecond)}/s (${round(perSecond / bare.perSecond, 2)}×), ` +
          `server CPU ${serverCpu ?? '?'} µs per delivery (main thread ${mainCpu ?? '?'})`,
      );
    }
    const deliveriesPerSecond = median(rounds.map((r) => r.deliveriesPerSecond));
    const ratio = median(rounds.map((r) => r.ratio));
    const cpus = rounds.flatMap((r) =>
      r.serverCpuMicrosPerDelivery === null ? [] : [r.serverCpuMicrosPerDelivery],
    );
    const serverCpu = cpus.length === rounds.length ? median(cpus) : null;
    const mainCpus = rounds.flatMap((r) =>
      r.mainThreadCpuMicrosPerDelivery === null ? [] : [r.mainThreadCpuMicrosPerDelivery],
    );
    const mainThreadCpu = mainCpus.length === rounds.length ? median(mainCpus) : null;

    // Open loop at LATENCY_RATE messages/s, one POST /v1/messages each, in 10 ms ticks.
    await getJson(`${receiver}/_reset`);
    const sentAt = new Map<string, number>();
    const acks: number[] = [];
    const inFlight: Promise<void>[] = [];
    const perTick = LATENCY_RATE / 100;
    const ticks = LATENCY_SECONDS * 100;
    const loopStart = performance.now();
    for (let tick = 0; tick < ticks; tick++) {
      const due = loopStart + tick * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      for (let i = 0; i < perTick; i++) {
        const at = wallNow();
        const t = performance.now();
        inFlight.push(
          call('/v1/messages', { eventType: 'bench.order', payload: PAYLOAD }).then((body) => {
            acks.push(performance.now() - t);
            if (body.id) sentAt.set(body.id, at);
          }),
        );
      }
    }
    await Promise.all(inFlight);
    const latencyMessages = sentAt.size;
    await waitForCount(receiver, latencyMessages * ENDPOINTS);
    const arrivals = await getJson<Record<string, number>>(`${receiver}/_arrivals`);
    const firstAttempt: number[] = [];
    for (const [key, at] of Object.entries(arrivals)) {
      const sent = sentAt.get(key.split(' ')[0] ?? '');
      if (sent !== undefined) firstAttempt.push(at - sent);
    }
    const achievedRate = latencyMessages / ((performance.now() - loopStart) / 1000);
    return {
      deliveriesPerSecond,
      ratioToBareUndici: ratio,
      serverCpuMicrosPerDelivery: serverCpu,
      mainThreadCpuMicrosPerDelivery: mainThreadCpu,
      cpuRatioToBareUndiciRequest:
        serverCpu === null || baseline.clientCpuMicrosPerRequest === null
          ? null
          : round(baseline.clientCpuMicrosPerRequest / serverCpu, 2),
      latency: {
        messagesPerSecondTarget: LATENCY_RATE,
        messages: latencyMessages,
        publishAckMs: { p50: round(percentile(acks, 50), 2), p99: round(percentile(acks, 99), 2) },
        publishToFirstAttemptMs: {
          deliveries: firstAttempt.length,
          p50: round(percentile(firstAttempt, 50), 2),
          p99: round(percentile(firstAttempt, 99), 2),
        },
        achievedMessagesPerSecondIncludingDrain: Math.round(achievedRate),
      },
      rounds,
      targets: {
        deliveriesPerSecond: deliveriesPerSecond >= 10_000,
        ratio: ratio >= 0.5,
        publishAckP99: percentile(acks, 99) <= 20,
        publishToFirstAttemptP99: percentile(firstAttempt, 99) <= 100,
      },
    };
  } finally {
    await api.close();
    await stopChild(child);
  }
}

async function withPostgresDatabase<T>(fn: (url: string) => Promise<T>): Promise<T | { skipped: string }> {
  const unreachable = await postgresUnreachable(BENCH_PG_URL);
  if (unreachable !== null) return { skipped: unreachable };
  const database = await createTestDatabase(BENCH_PG_URL, 'bench');
  try {
    return await fn(database.url);
  } finally {
    await database.drop();
  }
}

async function main(): Promise<void> {
  const { child: receiverChild, url: receiver } = await startChild(import.meta.filename, ['receiver']);
  const dir = mkdtempSync(join(tmpdir(), 'hookline-delivery-bench-'));
  try {
    await measureBaseline(receiver, BASELINE_WARM_UP_REQUESTS);
    const baseline = await measureBaseline(receiver);
    log(
      `bare undici.request: ${Math.round(baseline.perSecond)} requests/s, ` +
        `client CPU ${baseline.clientCpuMicrosPerRequest} µs per request`,
    );
    log('sqlite');
    const sqlite = await benchEngine(join(dir, 'bench.db'), receiver, baseline);
    log('postgres');
    const postgres = await withPostgresDatabase((url) => benchEngine(url, receiver, baseline));
    process.stdout.write(
      `${JSON.stringify({
        endpointsPerMessage: ENDPOINTS,
        bareUndiciRequestsPerSecond: Math.round(baseline.perSecond),
        bareUndiciClientCpuMicrosPerRequest: baseline.clientCpuMicrosPerRequest,
        sqlite,
        postgres,
      })}\n`,
    );
  } finally {
    await stopChild(receiverChild);
    rmSync(dir, { recursive: true, force: true });
  }
}

const role = process.argv[2];
if (role === 'receiver') serveReceiver();
else if (role === 'hookline') {
  await serveHookline(process.argv[3] ?? '', {
    adminKey: ADMIN_KEY,
    encryptionKey: ENCRYPTION_KEY,
    logLevel: 'warn',
  });
} else await main();
