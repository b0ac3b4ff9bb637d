// Cost of metrics and of tracing on delivery throughput: the same run with everything off, with
// `--metrics true`, and with `--otlp-endpoint` pointing at a local OTLP/HTTP sink (spans exported as
// JSON, counted by the sink, not parsed), alternated (off, metrics, tracing, off, …) after a discarded
// warm-up run, so drift on this shared machine hits all alike. Each run is the real runServer (API +
// worker, SQLite in a temp dir) publishing through /v1/messages/batch to 3 endpoints at a local
// keep-alive receiver; throughput = deliveries the receiver saw / time from first publish to last
// delivery. The baseline is the all-off run in the same process; the figures are the on/off ratios of
// the medians (target ≥ 0.9 each), in wall-clock throughput and in this process's CPU per delivery.
// With tracing on, a run makes a publish and a store span per batch and an attempt span per delivery.
// Progress on stderr, one JSON object as the last line of stdout. BENCH_ROUNDS sets the rounds (3).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { runServer } from '../src/main.ts';
import { startWorker } from '../src/worker.ts';
import { median } from './bench-support.ts';

const ENDPOINTS = 3;
const MESSAGES = 3_000;
const BATCH = 500;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUN_DEADLINE_MS = 20_000;
const ADMIN_KEY = 'hk_bench_metrics_admin_key_0123456789';
const log = (text: string) => process.stderr.write(`metrics bench: ${text}\n`);

let received = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(204).end();
  });
});
await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
const receiverPort = (receiver.address() as AddressInfo).port;

// The collector stand-in, in a process of its own as a collector would be (its CPU is not Hookline's):
// it answers every export at once and counts the spans without parsing them.
const sinkProcess = fork(join(import.meta.dirname, '../src/test-support/otlp-sink.ts'), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const sinkReply = () =>
  new Promise<{ url?: string; spans?: number }>((resolve) => sinkProcess.once('message', resolve));
const sink = { url: (await sinkReply()).url ?? '' };
const sinkSpans = async () => {
  const reply = sinkReply();
  sinkProcess.send('count');
  return (await reply).spans ?? 0;
};

type Mode = 'off' | 'metrics' | 'tracing';

// CPU time of this process (server, worker, receiver and sink all run here) per delivery: less sensitive
// than wall-clock throughput to other processes on the machine, so reported beside it.
const cpu: Record<Mode, number[]> = { off: [], metrics: [], tracing: [] };

async function run(mode: Mode): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-metrics-bench-'));
  const metrics = mode === 'metrics';
  const server = await runServer({
    argv: ['--port', '0', '--database', join(dir, 'bench.db'), '--dev', '--log-level', 'silent'].concat([
      '--metrics',
      String(metrics),
      '--default-source-alias',
      '',
      ...(mode === 'tracing' ? ['--otlp-endpoint', sink.url] : []),
    ]),
    env: { HOOKLINE_ADMIN_API_KEY: ADMIN_KEY },
    cwd: dir,
    print: () => {},
    logStream: { write: () => true },
    startWorker: (context) => startWorker(context, { maintenanceEveryMs: 0 }),
  });
  try {
    const call = async (path: string, body: unknown) => {
      const response = await request(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new TypeError(`${path}: ${response.statusCode} ${text}`);
    };
    for (let i = 0; i < ENDPOINTS; i += 1) {
      await call('/v1/endpoints', { url: `http://127.0.0.1:${receiverPort}/e${i}` });
    }
    received = 0;
    const expected = MESSAGES * ENDPOINTS;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let sent = 0; sent < MESSAGES; sent += BATCH) {
      const messages = Array.from({ length: BATCH }, (_, i) => ({
        eventType: 'order.paid',
        payload: { n: sent + i, amount: 4200, currency: 'eur' },
      }));
      await call('/v1/messages/batch', { messages });
    }
    while (received < expected) {
      if (performance.now() - started > RUN_DEADLINE_MS) {
        throw new TypeError(`only ${received}/${expected} deliveries within ${RUN_DEADLINE_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const perSecond = received / ((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuStarted);
    cpu[mode].push((used.user + used.system) / received);
    if (metrics) {
      // Proof the counters ran (a few of the last attempts may still await their commit).
      const scrape = await request(`${server.url}/metrics`);
      const text = await scrape.body.text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('hookline_delivery_attempts_total{outcome="succeeded"'));
      log(`scrape: ${line ?? 'no delivery counter!'}`);
    }
    return perSecond;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// One discarded run first: the first run of a process pays for JIT warm-up and would bias the off side.
log(`warm-up: ${(await run('off')).toFixed(0)} deliveries/s (discarded)`);
const off: number[] = [];
const on: number[] = [];
const traced: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  off.push(await run('off'));
  log(`round ${round + 1} all off:     ${off.at(-1)?.toFixed(0)} deliveries/s`);
  on.push(await run('metrics'));
  log(`round ${round + 1} metrics on:  ${on.at(-1)?.toFixed(0)} deliveries/s`);
  const spansBefore = await sinkSpans();
  traced.push(await run('tracing'));
  // Expected per run: a publish span per batch, a store span per batch, an attempt span per delivery.
  const expected = 2 * (MESSAGES / BATCH) + MESSAGES * ENDPOINTS;
  log(
    `round ${round + 1} tracing on:  ${traced.at(-1)?.toFixed(0)} deliveries/s (${(await sinkSpans()) - spansBefore}/${expected} spans exported)`,
  );
}
receiver.close();
sinkProcess.disconnect();
const offRate = median(off);
const onRate = median(on);
const tracedRate = median(traced);
const cpuOff = median(cpu.off.slice(1)); // the first entry is the warm-up run
process.stdout.write(
  `${JSON.stringify({
    engine: 'sqlite',
    endpoints: ENDPOINTS,
    messagesPerRun: MESSAGES,
    deliveriesPerSecondMetricsOff: Math.round(offRate),
    deliveriesPerSecondMetricsOn: Math.round(onRate),
    ratioOnToOff: Number((onRate / offRate).toFixed(3)),
    deliveriesPerSecondTracingOn: Math.round(tracedRate),
    ratioTracingOnToOff: Number((tracedRate / offRate).toFixed(3)),
    cpuMicrosPerDelivery: {
      off: Math.round(cpuOff),
      metrics: Math.round(median(cpu.metrics)),
      tracing: Math.round(median(cpu.tracing)),
    },
    cpuRatioMetricsOnToOff: Number((cpuOff / median(cpu.metrics)).toFixed(3)),
    cpuRatioTracingOnToOff: Number((cpuOff / median(cpu.tracing)).toFixed(3)),
    runs: { off: off.map(Math.round), on: on.map(Math.round), tracing: traced.map(Math.round) },
  })}\n`,
);
