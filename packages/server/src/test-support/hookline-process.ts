/**
 * A real Hookline process (`node packages/server/src/main.ts`, as `hookline serve` runs it) for tests and
 * benchmarks that need several processes on one PostgreSQL: configured through `HOOKLINE_*` variables
 * only (the parent's are not inherited; all share `TEST_ENCRYPTION_KEY`), its pino JSON log parsed line by
 * line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = join(import.meta.dirname, '..', 'main.ts');

/** One parsed log line (pino: `msg`, `level`, `time` and the bound fields). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export interface HooklineProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logs: LogLine[];
  /** Resolves with the first log line (past or future) that matches; rejects on exit or timeout. */
  waitForLog(what: string, match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM (graceful: attempts finish, claims go back) and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no cleanup at all, as a crash or the OOM killer would leave it. */
  kill(): Promise<void>;
}

/**
 * One secrets key for every process of a test or benchmark: on PostgreSQL all processes must share it
 * (none is generated there). A fixed test value, never a real secret.
 */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Every process started, so a failed assertion never leaves one running (`killAll` in a finally). */
const started = new Set<ChildProcess>();

export function startHookline(env: Record<string, string>): HooklineProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKLINE_') && key !== 'NODE_OPTIONS'),
  );
  // Its own working directory, so no `hookline.config.json` of the repository is picked up.
  const cwd = mkdtempSync(join(tmpdir(), 'hookline-process-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { ...clean, HOOKLINE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const exited = once(child, 'exit').then(() => started.delete(child));
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: LogLine) => void>();
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (text) => {
    if (!text.startsWith('{')) return;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    logs.push(line);
    for (const listener of listeners) listener(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));

  return {
    child,
    pid: child.pid ?? 0,
    logs,
    waitForLog(what, match, timeoutMs = 30_000) {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);
      if (!isRunning(child)) return Promise.reject(new Error(`hookline exited before "${what}"`));
      return new Promise((resolve, reject) => {
        const done = () => {
          listeners.delete(listener);
          clearTimeout(timer);
          child.off('exit', onExit);
        };
        const listener = (line: LogLine) => {
          if (!match(line)) return;
          done();
          resolve(line);
        };
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`hookline exited (${code}) before "${what}": ${stderr.join('').slice(-2000)}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no "${what}" log within ${timeoutMs} ms: ${stderr.join('').slice(-2000)}`));
        }, timeoutMs);
        listeners.add(listener);
        child.on('exit', onExit);
      });
    },
    async stop() {
      if (isRunning(child)) child.kill('SIGTERM');
      await exited;
      return child.exitCode;
    },
    async kill() {
      if (isRunning(child)) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** SIGKILLs every process still running and waits for them (a test's or a benchmark's cleanup). */
export async function killAll(): Promise<void> {
  const alive = [...started];
  for (const child of alive) child.kill('SIGKILL');
  await Promise.all(alive.map((child) => (isRunning(child) ? once(child, 'exit') : null)));
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
