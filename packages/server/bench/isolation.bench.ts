// Endpoint isolation (issue 4): one endpoint timing out while 99 are healthy must not slow the others.
// Hookline's real server (runServer: API + worker, SQLite in a temp dir) runs in a child process and
// delivers to a receiver child (node:http, loopback) that serves 100 endpoint paths on one origin: the
// healthy ones answer 204 at once and keep each delivery's first arrival (webhook-id + path); a bad path
// reads the request and never answers, so every attempt to it runs into the endpoint's own deadline.
// Two scenarios, each in a fresh Hookline child with a fresh database, alternated (A, B, A, B, …) so
// machine drift hits both alike: (A) 100 healthy endpoints, (B) 99 healthy + 1 timing out. Load: an open
// loop of POST /v1/messages at a fixed rate, every message fanned out to all 100 endpoints. Delivery
// latency = the receiver's first arrival for (message, healthy endpoint) − the publish's send time (both
// wall clock), over the endpoints both scenarios share. Target: B's p99 at most 2× A's (medians over
// rounds). HOOKLINE_BENCH_BAD_ENDPOINTS=n (default 1) makes B n timing-out endpoints on the same origin.
// Progress on stderr, one JSON object as the last line of stdout.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import {
  cpuMicros,
  getJson,
  median,
  percentileOfSorted,
  round,
  serveHookline,
  startChild,
  stopChild,
} from './bench-support.ts';

const ENDPOINTS = 100;
const BAD_PATH = '/bad';
const BAD_ENDPOINTS = Number(process.env.HOOKLINE_BENCH_BAD_ENDPOINTS ?? 1);
/** Endpoints /e1 … /e{SHARED} are healthy in both scenarios: the deliveries compared. */
const SHARED = ENDPOINTS - BAD_ENDPOINTS;
/**
 * The bad endpoint's attempt deadline (the API allows 1–30 s): every attempt holds a slot and a
 * connection for 2 s, so its 16 slots (the default cap) stay full: 8 attempts/s against 10 due/s.
 */
const BAD_TIMEOUT_MS = 2_000;
/**
 * 1,000 deliveries/s. Hookline spends ~0.3 ms of CPU per delivery here, so at 25 messages/s (2,500/s)
 * it keeps ~70 % of a core busy on this 2-core machine, and any stall (GC, a neighbour's CPU) builds a
 * queue that drains slowly in both scenarios: p99 then measures the machine's headroom, not isolation.
 */
const MESSAGES_PER_SECOND = 10;
const WARM_UP_SECONDS = 2;
const MEASURE_SECONDS = 6;
const ROUNDS = 3;
const PHASE_DEADLINE_MS = 15_000;
/** USER_HZ of /proc/stat (100 on every mainstream Linux build). */
const CLOCK_TICKS = 100;
const ADMIN_KEY = 'hk_bench_isolation_admin_key_0123456789';
const ENCRYPTION_KEY = '6b'.repeat(32);
const PAYLOAD = {
  customer: 'cus_0123456789',
  amount: 4200,
  currency: 'eur',
  items: [{ sku: 'a-1', qty: 2 }],
};

const wallNow = () => performance.timeOrigin + performance.now();
const log = (text: string) => process.stderr.write(`isolation bench: ${text}\n`);

// ---- child roles -----------------------------------------------------------------------------------
/**
 * Healthy paths answer 204 at once and keep each delivery's first arrival; the bad path reads the body
 * and holds the request open until the client gives up.
 */
function serveReceiver(): void {
  let arrivals = new Map<string, number>();
  let badAttempts = 0;
  const server = createServer((req, res) => {
    const at = wallNow();
    if (req.url?.startsWith(BAD_PATH)) {
      badAttempts += 1;
      req.resume();
      return;
    }
    req.resume();
    req.on('end', () => {
      if (req.url === '/_stats') {
        return void res.end(JSON.stringify({ healthy: arrivals.size, badAttempts }));
      }
      if (req.url === '/_arrivals') return void res.end(JSON.stringify(Object.fromEntries(arrivals)));
      if (req.url === '/_reset') {
        arrivals = new Map();
        badAttempts = 0;
        return void res.end('{}');
      }
      const key = `${req.headers['webhook-id']} ${req.url}`;
      if (!arrivals.has(key)) arrivals.set(key, at);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  // Never time out the held requests from this side: the client's deadline is what is measured.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system, all threads) of a process; null off Linux. */
function processCpuSeconds(pid: number | undefined): number | null {
  const micros = cpuMicros(pid);
  return micros === null ? null : micros / 1e6;
}

/** Busy CPU seconds of the whole machine (every core), from /proc/stat; null off Linux. */
function machineBusySeconds(): number | null {
  try {
    const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = ticks.reduce((sum, n) => sum + n, 0);
    return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * CPU used during a phase by Hookline, and by everything that is not this benchmark (other work on a
 * shared machine: a round with a high `otherCpuPercent` measured the neighbours too).
 */
function cpuMeter(hooklinePid: number | undefined, receiverPid: number | undefined) {
  const sample = () => ({
    at: performance.now(),
    machine: machineBusySeconds(),
    hookline: processCpuSeconds(hooklinePid),
    receiver: processCpuSeconds(receiverPid),
    self: process.cpuUsage(),
  });
  const start = sample();
  return () => {
    const end = sample();
    const seconds = (end.at - start.at) / 1000;
    const self = (end.self.user + end.self.system - start.self.user - start.self.system) / 1e6;
    if (end.machine === null || start.machine === null || end.hookline === null || start.hookline === null) {
      return { hooklineCpuSeconds: null, otherCpuPercent: null };
    }
    const hookline = end.hookline - start.hookline;
    const receiver = (end.receiver ?? 0) - (start.receiver ?? 0);
    const other = end.machine - start.machine - hookline - receiver - self;
    return {
      hooklineCpuSeconds: hookline,
      otherCpuPercent: Math.max(0, (other / (seconds * availableParallelism())) * 100),
    };
  };
}

interface ReceiverStats {
  healthy: number;
  badAttempts: number;
}

/** Waits until the healthy endpoints saw `target` distinct deliveries, or the phase deadline passes. */
async function waitForHealthy(receiver: string, target: number): Promise<ReceiverStats> {
  const deadline = performance.now() + PHASE_DEADLINE_MS;
  for (;;) {
    const stats = await getJson<ReceiverStats>(`${receiver}/_stats`);
    if (stats.healthy >= target || performance.now() > deadline) return stats;
    await sleep(20);
  }
}

type Scenario = 'withoutBad' | 'withBad';

interface RunResult {
  scenario: Scenario;
  messages: number;
  achievedMessagesPerSecond: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  publishAckP99: number;
  badAttempts: number;
  hooklineCpuMsPerDelivery: number | null;
  otherCpuPercent: number | null;
}

async function runScenario(
  scenario: Scenario,
  receiver: string,
  receiverPid: number | undefined,
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-isolation-bench-'));
  const { child, url } = await startChild(
    import.meta.filename,
    ['hookline', join(dir, 'bench.db')],
    PHASE_DEADLINE_MS,
  );
  const api = new Pool(url, { connections: 8, pipelining: 1 });
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const call = async (path: string, payload: unknown) => {
    const response = await api.request({ path, method: 'POST', headers, body: JSON.stringify(payload) });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${text}`);
    return JSON.parse(text) as { id?: string };
  };
  try {
    const healthyCount = scenario === 'withBad' ? SHARED : ENDPOINTS;
    for (let i = 1; i <= healthyCount; i++) {
      await call('/v1/endpoints', { url: `${receiver}/e${i}`, eventTypes: ['bench.*'] });
    }
    for (let i = 1; scenario === 'withBad' && i <= BAD_ENDPOINTS; i++) {
      // Default concurrency cap (16) and retry schedule; only the deadline is shortened.
      await call('/v1/endpoints', {
        url: `${receiver}${BAD_PATH}${i}`,
        eventTypes: ['bench.*'],
        timeoutMs: BAD_TIMEOUT_MS,
      });
    }

    /** Open loop: message i is sent at start + i / rate, whatever the answers do. */
    const publish = async (seconds: number) => {
      const sentAt = new Map<string, number>();
      const acks: number[] = [];
      const inFlight: Promise<void>[] = [];
      const total = seconds * MESSAGES_PER_SECOND;
      const start = performance.now();
      for (let i = 0; i < total; i++) {
        const wait = start + (i * 1000) / MESSAGES_PER_SECOND - performance.now();
        if (wait > 0) await sleep(wait);
        const at = wallNow();
        const t = performance.now();
        inFlight.push(
          call('/v1/messages', { eventType: 'bench.order', payload: PAYLOAD }).then((body) => {
            acks.push(performance.now() - t);
            if (body.id) sentAt.set(body.id, at);
          }),
        );
      }
      await Promise.all(inFlight);
      const elapsed = (performance.now() - start) / 1000;
      return { sentAt, acks, rate: total / elapsed };
    };

    // Warm-up (JIT, pools, page cache; in B the bad endpoint is already saturated when measuring starts).
    await getJson(`${receiver}/_reset`);
    const warm = await publish(WARM_UP_SECONDS);
    await waitForHealthy(receiver, warm.sentAt.size * healthyCount);

    await getJson(`${receiver}/_reset`);
    const meter = cpuMeter(child.pid, receiverPid);
    const measured = await publish(MEASURE_SECONDS);
    const stats = await waitForHealthy(receiver, measured.sentAt.size * healthyCount);
    const cpu = meter();
    const arrivals = await getJson<Record<string, number>>(`${receiver}/_arrivals`);
    // Only the endpoints both scenarios share count, so A and B compare the same deliveries.
    const latencies: number[] = [];
    for (const [key, at] of Object.entries(arrivals)) {
      const [id, path] = key.split(' ');
      const sent = measured.sentAt.get(id ?? '');
      const n = path?.startsWith('/e') ? Number(path.slice(2)) : Number.NaN;
      if (sent === undefined || !(n <= SHARED)) continue;
      latencies.push(at - sent);
    }
    const expected = measured.sentAt.size * SHARED;
    const delivered = latencies.length;
    // A delivery that never came (within the phase deadline) is slower than any that did.
    while (latencies.length < expected) latencies.push(Number.POSITIVE_INFINITY);
    latencies.sort((a, b) => a - b);
    const acks = [...measured.acks].sort((a, b) => a - b);
    const result: RunResult = {
      scenario,
      messages: measured.sentAt.size,
      achievedMessagesPerSecond: round(measured.rate, 1),
      delivered,
      expected,
      p50: round(percentileOfSorted(latencies, 50)),
      p99: round(percentileOfSorted(latencies, 99)),
      max: round(latencies.at(-1) ?? Number.NaN),
      publishAckP99: round(percentileOfSorted(acks, 99)),
      badAttempts: stats.badAttempts,
      hooklineCpuMsPerDelivery:
        cpu.hooklineCpuSeconds === null
          ? null
          : round((cpu.hooklineCpuSeconds * 1000) / (stats.healthy + stats.badAttempts), 3),
      otherCpuPercent: cpu.otherCpuPercent === null ? null : round(cpu.otherCpuPercent),
    };
    log(
      `${scenario}: ${result.delivered}/${result.expected} healthy deliveries, p50 ${result.p50} ms, ` +
        `p99 ${result.p99} ms, max ${result.max} ms, bad attempts ${result.badAttempts}, ` +
        `Hookline CPU ${result.hooklineCpuMsPerDelivery} ms/delivery, other load ${result.otherCpuPercent} %`,
    );
    return result;
  } finally {
    await api.close();
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(runs: RunResult[]) {
  return {
    rounds: runs.length,
    deliveredOfExpected: runs.map((r) => `${r.delivered}/${r.expected}`),
    p50Ms: round(median(runs.map((r) => r.p50))),
    p99Ms: round(median(runs.map((r) => r.p99))),
    maxMs: round(median(runs.map((r) => r.max))),
    p99MsPerRound: runs.map((r) => r.p99),
    publishAckP99Ms: round(median(runs.map((r) => r.publishAckP99))),
    achievedMessagesPerSecond: round(median(runs.map((r) => r.achievedMessagesPerSecond))),
    hooklineCpuMsPerDelivery: runs.map((r) => r.hooklineCpuMsPerDelivery),
    otherCpuPercentPerRound: runs.map((r) => r.otherCpuPercent),
  };
}

async function main(): Promise<void> {
  if (!Number.isInteger(BAD_ENDPOINTS) || BAD_ENDPOINTS < 1 || BAD_ENDPOINTS >= ENDPOINTS) {
    throw new Error(`HOOKLINE_BENCH_BAD_ENDPOINTS must be an integer from 1 to ${ENDPOINTS - 1}`);
  }
  const { child: receiverChild, url: receiver } = await startChild(
    import.meta.filename,
    ['receiver'],
    PHASE_DEADLINE_MS,
  );
  try {
    const runs: RunResult[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const scenario of ['withoutBad', 'withBad'] as const) {
        log(`round ${r + 1}/${ROUNDS}: ${scenario}`);
        runs.push(await runScenario(scenario, receiver, receiverChild.pid));
      }
    }
    const withoutBad = runs.filter((r) => r.scenario === 'withoutBad');
    const withBad = runs.filter((r) => r.scenario === 'withBad');
    const a = summarize(withoutBad);
    const b = summarize(withBad);
    const p99Ratio = b.p99Ms / a.p99Ms;
    const allDelivered = runs.every((r) => r.delivered === r.expected);
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'isolation',
        endpoints: ENDPOINTS,
        messagesPerSecond: MESSAGES_PER_SECOND,
        deliveriesPerSecond: MESSAGES_PER_SECOND * ENDPOINTS,
        measureSeconds: MEASURE_SECONDS,
        healthyEndpointsCompared: SHARED,
        badEndpoints: {
          count: BAD_ENDPOINTS,
          timeoutMs: BAD_TIMEOUT_MS,
          maxConcurrency: 'default (16)',
          attemptsPerRound: withBad.map((r) => r.badAttempts),
        },
        healthy: { withoutBad: a, withBad: b },
        p99Ratio: round(p99Ratio, 2),
        p99RatioPerRound: withoutBad.map((run, i) => round((withBad[i]?.p99 ?? Number.NaN) / run.p99, 2)),
        targets: { p99Within2x: allDelivered && p99Ratio <= 2, allHealthyDelivered: allDelivered },
      })}\n`,
    );
  } finally {
    await stopChild(receiverChild);
  }
}

const role = process.argv[2];
if (role === 'receiver') serveReceiver();
else if (role === 'hookline') {
  // Every timed-out attempt logs a warning: keep stderr to errors.
  await serveHookline(process.argv[3] ?? '', {
    adminKey: ADMIN_KEY,
    encryptionKey: ENCRYPTION_KEY,
    logLevel: 'error',
  });
} else await main();
