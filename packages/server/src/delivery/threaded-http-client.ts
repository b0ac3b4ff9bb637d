import { Worker } from 'node:worker_threads';
import type { HttpClient, HttpClientOptions, SendRequest, SendResult } from './http-client.ts';

/** A request as it crosses to the thread: an id and the request without its signal. */
export type ThreadRequest = [id: number, request: Omit<SendRequest, 'signal'>];
/** In order: an abort always reaches the thread after the request it aborts. */
export type ThreadOp = ['send', ...ThreadRequest] | ['abort', number];
export type ToThread = { type: 'ops'; ops: ThreadOp[] } | { type: 'close' };

/** What crosses to the thread: options without functions (name resolution and clock are the thread's own). */
export type ThreadedHttpClientOptions = Omit<HttpClientOptions, 'lookup' | 'now'>;

interface Pending {
  resolve: (result: SendResult) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The same HTTP client, run on a worker thread of its own: undici's request and response handling, the
 * socket writes and the body reads of every attempt leave the event loop that runs the API and the store.
 * Requests and results cross in batches (one message per turn of either loop). If the thread dies, the
 * attempts it held end as `internal` errors (retried as any failed attempt) and the next send starts a
 * new thread.
 */
export function createThreadedHttpClient(
  options: ThreadedHttpClientOptions,
  /** The thread's module; tests give one that fails. */
  threadModule: URL = new URL('./http-client-thread.ts', import.meta.url),
): HttpClient {
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 1;
  let outbox: ThreadOp[] = [];
  const pending = new Map<number, Pending>();

  const settle = (id: number, result: SendResult) => {
    const entry = pending.get(id);
    if (entry === undefined) return;
    pending.delete(id);
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.resolve(result);
    if (pending.size === 0) worker?.unref();
  };

  const start = (): Worker => {
    const thread = new Worker(threadModule, { workerData: options });
    thread.on('message', (results: [number, SendResult][]) => {
      for (const [id, result] of results) settle(id, result);
    });
    const lost = (why: string) => {
      if (worker === thread) worker = null;
      for (const id of [...pending.keys()]) {
        settle(id, { type: 'error', errorKind: 'internal', message: why, durationMs: 0 });
      }
    };
    thread.on('error', (error) => lost(`HTTP thread failed: ${error.message}`));
    thread.on('exit', () => lost('HTTP thread stopped'));
    return thread;
  };

  const post = (op: ThreadOp) => {
    if (outbox.length === 0) setImmediate(flush);
    outbox.push(op);
  };
  const flush = () => {
    const ops = outbox;
    outbox = [];
    // Already sent by close(); or closed with its thread gone (a late abort), when nothing is out.
    if (ops.length === 0 || (closed && worker === null)) return;
    worker ??= start();
    // Referenced only while attempts are out: an idle thread must not keep the process alive.
    if (pending.size > 0) worker.ref();
    else worker.unref();
    worker.postMessage({ type: 'ops', ops } satisfies ToThread);
  };

  function send(request: SendRequest): Promise<SendResult> {
    if (closed) {
      return Promise.resolve({
        type: 'error',
        errorKind: 'internal',
        message: 'HTTP client closed',
        durationMs: 0,
      });
    }
    const id = nextId++;
    const { signal, body, ...rest } = request;
    const crossing: ThreadRequest[1] = body === undefined ? rest : { ...rest, body: compactBody(body) };
    return new Promise<SendResult>((resolve) => {
      let onAbort: (() => void) | undefined;
      if (signal !== undefined) {
        onAbort = () => post(['abort', id]);
        signal.addEventListener('abort', onAbort, { once: true });
      }
      pending.set(id, { resolve, signal, onAbort });
      post(['send', id, crossing]);
      if (signal?.aborted) onAbort?.();
    });
  }

  async function close(): Promise<void> {
    closed = true;
    if (outbox.length > 0) flush();
    const thread = worker;
    if (thread === null) return;
    thread.ref();
    const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
    thread.postMessage({ type: 'close' } satisfies ToThread);
    await exited;
  }

  // Started now, not at the first send: loading undici and the client in a fresh thread takes a few hundred
  // ms here, which the first attempt after a start would otherwise wait for. Idle, it keeps nothing alive.
  worker = start();
  worker.unref();

  return { send, close };
}

/**
 * A body as its own bytes: a view into a larger buffer (a payload cut from a batch request) would cross
 * with the whole buffer behind it, once per attempt.
 */
export function compactBody(body: string | Uint8Array): string | Uint8Array {
  if (typeof body === 'string') return body;
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
}
