// What the benchmarks share: child processes that print their URL as their first stdout line (a benchmark
// file re-run with a role argument), a Hookline server for such a child, and the statistics the figures
// are made of. Not a benchmark itself (scripts/bench.ts runs only `*.bench.ts` files).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'undici';

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Runs `script` with `args` in a child process and waits for the URL it prints first; rejects when it exits
 * before or prints nothing within `deadlineMs`. Every child is SIGKILLed when this process exits.
 */
export async function startChild(
  script: string,
  args: string[],
  deadlineMs = 20_000,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let buffered = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child ${args.join(' ')} did not start`)), deadlineMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n')[0];
      if (buffered.includes('\n') && line) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child ${args.join(' ')} exited with ${code}`));
    });
  });
  return { child, url };
}

/** SIGTERM (a graceful stop, so stores close and --cpu-prof can write), SIGKILL after 5 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The real server (API + worker) on `database`, in dev mode so it may deliver to the loopback receiver,
 * with secrets encrypted at rest as production runs them; prints its URL, stops cleanly on SIGTERM.
 */
export async function serveHookline(
  database: string,
  options: { adminKey: string; encryptionKey: string; logLevel: string },
): Promise<void> {
  const { runServer } = await import('../src/main.ts');
  const { startWorker } = await import('../src/worker.ts');
  const running = await runServer({
    argv: [],
    env: {
      HOOKLINE_DATABASE: database,
      HOOKLINE_PORT: '0',
      HOOKLINE_DEV: 'true',
      HOOKLINE_LOG_LEVEL: options.logLevel,
      HOOKLINE_ADMIN_API_KEY: options.adminKey,
      HOOKLINE_ENCRYPTION_KEY: options.encryptionKey,
    },
    startWorker: (context) => startWorker(context),
    print: () => {},
    logStream: process.stderr,
  });
  process.stdout.write(`${running.url}\n`);
  process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
}

/**
 * CPU time (user + system, µs) a process has used so far, from /proc (Linux; USER_HZ is 100 there), or
 * null elsewhere. CPU per operation is steadier than throughput on a shared machine: neighbours steal
 * wall time, not the CPU a process itself spends. With `thread`, that thread's alone (a Node process's
 * main thread, the event loop, has the process's own id).
 */
export function cpuMicros(pid: number | undefined, thread?: number): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    );
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/**
 * Waits until process `pid` uses under 5 % of a core over 100 ms (at most `maxMs`), so a baseline measured
 * next does not share the machine with the last round's leftovers (commits, checkpoints, GC).
 */
export async function quiesce(pid: number | undefined, maxMs = 3_000): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = cpuMicros(pid);
  while (before !== null && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = cpuMicros(pid);
    if (after === null || after - before < 5_000) return;
    before = after;
  }
}

/**
 * The PostgreSQL server a benchmark creates its throwaway databases on: `HOOKLINE_TEST_PG_URL`, or the local
 * default, so `npm run bench` reports both engines wherever one runs (and says why it skipped otherwise).
 */
export const BENCH_PG_URL = process.env.HOOKLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Null when PostgreSQL answers at `url` within 2 s, else why not (a benchmark skips it with that reason). */
export async function postgresUnreachable(url: string): Promise<string | null> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return `PostgreSQL unreachable at ${url}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await request(url);
  return (await response.body.json()) as T;
}

/** The p-th percentile (nearest rank) of values already sorted ascending; NaN when empty. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
