import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Test helpers that drive the real `hookline` binary in child processes, as a user would. */

const ROOT = resolve(import.meta.dirname, '../../../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'packages/server/src/cli/bin.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hookline …` to completion (stdin optional). */
export function hookline(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string | Buffer; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      NODE,
      [BIN, ...args],
      {
        cwd: options.cwd ?? ROOT,
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

/** A running `hookline serve` child. */
export interface ServedHookline {
  url: string;
  adminKey: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** The flags that point a command at a served gateway as its admin. */
export function apiFlags(server: Pick<ServedHookline, 'url' | 'adminKey'>): string[] {
  return ['--server', server.url, '--api-key', server.adminKey];
}

/** The `name  value` lines a single-resource command prints, as an object. */
export function fieldsOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s{2,}/, 2)),
  );
}

/** Creates an endpoint on `url` through the CLI (routed no events unless `extra` says); its id. */
export async function createEndpointVia(
  server: Pick<ServedHookline, 'url' | 'adminKey'>,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const data = JSON.stringify({ url, eventTypes: ['nothing.routed.here'], ...extra });
  const created = await hookline(['endpoints', 'create', ...apiFlags(server), '--data', data, '--json']);
  assert.equal(created.code, 0, created.stderr);
  return (JSON.parse(created.stdout) as { id: string }).id;
}

/** A fresh temp dir for a test's database and files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hookline-cli-'));
}

/** Starts `hookline serve --port 0` on the given database and waits for its URL line. */
export function serve(database: string, extra: readonly string[] = [], env: Record<string, string> = {}) {
  const child = spawn(
    NODE,
    [BIN, 'serve', '--port', '0', '--database', database, '--log-level', 'warn', ...extra],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    output += chunk;
  });
  return new Promise<ServedHookline>((resolvePromise, reject) => {
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    child.on('exit', (code) =>
      reject(new Error(`hookline serve exited with ${code} before listening:\n${output}`)),
    );
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      const url = /^Hookline listening on (\S+)$/m.exec(output)?.[1];
      if (!url) return;
      resolvePromise({
        url,
        adminKey: /^ {2}(hk_\S+)$/m.exec(output)?.[1] ?? '',
        child,
        output: () => output,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/** A loopback port nothing listens on (bound, then closed), for "connection refused" cases. */
export function closedPort(): Promise<number> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

/** A long-running `hookline …` child (listen, tail) whose output can be awaited. */
export interface CliChild {
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` (give it the `g` flag) has matched `count` times on that stream. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, count?: number): Promise<void>;
  /** SIGINT (what Ctrl-C sends), then waits for the exit code. */
  stop(): Promise<number | null>;
}

export function startHookline(args: readonly string[], env: Record<string, string> = {}): CliChild {
  const child = spawn(NODE, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const waiters: { stream: 'stdout' | 'stderr'; pattern: RegExp; count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if ((output[waiter.stream].match(waiter.pattern) ?? []).length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].setEncoding('utf8').on('data', (chunk: string) => {
      output[stream] += chunk;
      check();
    });
  }
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  return {
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitFor: (stream, pattern, count = 1) =>
      new Promise<void>((resolve) => {
        waiters.push({ stream, pattern, count, resolve });
        check();
      }),
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** One request a test receiver got. */
export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver on a random loopback port (reachable from a `serve --dev` gateway). */
export interface TestReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** What it answers from now on; `hold` keeps the request open until `release()` or `close()`. */
  answer: number | 'hold';
  /** Resolves with the `count`-th request once it has arrived. */
  received(count: number): Promise<ReceivedRequest>;
  /** Answers the held requests with 200. */
  release(): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  const receiver: TestReceiver = {
    url: '',
    requests,
    answer: 200,
    async received(count) {
      while (requests.length < count) await new Promise<void>((wake) => waiters.push(wake));
      return requests[count - 1] as ReceivedRequest;
    },
    release() {
      for (const response of held.splice(0)) response.writeHead(200).end();
    },
    close() {
      receiver.release();
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
  const server = createHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      requests.push({ headers: request.headers, body });
      if (receiver.answer === 'hold') held.push(response);
      else response.writeHead(receiver.answer).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
