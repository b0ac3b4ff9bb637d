// The worker-thread side of threaded-http-client.ts: one ordinary HTTP client (its own undici pools and
// SSRF-guarded connector) that answers batches of requests from the main thread with batches of results.
import { parentPort, workerData } from 'node:worker_threads';
import { createHttpClient, type HttpClientOptions, type SendResult } from './http-client.ts';
import type { ThreadRequest, ToThread } from './threaded-http-client.ts';

const port = parentPort;
if (port === null) throw new Error('http-client-thread.ts runs only as a worker thread');

const client = createHttpClient(workerData as HttpClientOptions);
const aborts = new Map<number, AbortController>();
let outbox: [number, SendResult][] = [];

// One message per turn of the loop, whatever number of responses the turn's I/O completed.
const flush = () => {
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
};

function start(id: number, request: ThreadRequest[1]): void {
  const controller = new AbortController();
  aborts.set(id, controller);
  void client.send({ ...request, signal: controller.signal }).then((result) => {
    aborts.delete(id);
    if (outbox.length === 0) setImmediate(flush);
    outbox.push([id, result]);
  });
}

port.on('message', (message: ToThread) => {
  if (message.type === 'ops') {
    for (const op of message.ops) {
      if (op[0] === 'send') start(op[1], op[2]);
      else aborts.get(op[1])?.abort();
    }
  } else {
    for (const controller of aborts.values()) controller.abort();
    void client.close().finally(() => port.close());
  }
});
