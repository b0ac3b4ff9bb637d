import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { mintApiKey } from '../auth/api-key-token.ts';
import { defaultConfig, type HooklineConfig } from '../config.ts';
import { DEFAULT_RETRY_POLICY, maxAttempts } from '../delivery/retry-policy.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import type { EngineFactory, TestClock } from '../store/conformance/engines.ts';
import { createTestClock } from '../store/conformance/engines.ts';
import type { Store } from '../store/store.ts';
import type { Attempt, Delivery, Endpoint } from '../store/types.ts';
import { type StartedWorker, startWorker, type WorkerOptions } from '../worker.ts';

/** One request a test receiver got, with its exact body bytes. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Names and values as they came on the wire, duplicates included. */
  rawHeaders: string[];
  body: Buffer;
}

/** Answers a request; `index` counts this receiver's requests from 0. */
export type ReceiverHandler = (request: ReceivedRequest, response: ServerResponse, index: number) => void;

/** A real HTTP server on a random loopback port that records what it receives. */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** TCP connections accepted, also those that never sent a full request. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a node:http receiver on 127.0.0.1; the default handler answers 200. */
export async function startReceiver(handler?: ReceiverHandler): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const answer =
    handler ??
    ((_request: ReceivedRequest, response: ServerResponse) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        rawHeaders: incoming.rawHeaders,
        body: Buffer.concat(chunks),
      };
      const index = requests.length;
      requests.push(request);
      answer(request, response, index);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    connections: () => connections,
    async close() {
      // Hanging handlers never answer: destroy their sockets so close() returns.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface DeliveryKitOptions {
  config?: Partial<HooklineConfig>;
  /** Start the delivery worker now (default true); `startWorker()` starts one later. */
  worker?: boolean;
  /** Jitter randomness; default 0.5, which is no jitter at all (the schedule's exact delays). */
  random?: () => number;
}

/**
 * The real app and the real delivery worker on one engine's fresh store, with an injected clock that
 * starts at the wall time (so receivers that check timestamps against their own clock accept us) and
 * only moves when a test advances it. Deliveries reach loopback receivers: the SSRF policy allows
 * loopback here, as `--dev` does.
 */
export interface DeliveryKit {
  app: FastifyInstance;
  store: Store;
  clock: TestClock;
  config: HooklineConfig;
  worker: StartedWorker | null;
  adminKey: string;
  /** Starts a (new) worker on the same store, e.g. after stopping the first one. */
  startWorker(): Promise<StartedWorker>;
  /** `POST /v1/endpoints`; returns the endpoint and its secret. */
  createEndpoint(body: Record<string, unknown>): Promise<{ id: string; secret: string }>;
  /** `POST /v1/messages`; returns the message id. */
  publish(body?: Record<string, unknown>): Promise<string>;
  /** An authenticated inject as the admin. */
  call(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
  ): Promise<{ statusCode: number; body: string }>;
  /** Moves the clock and wakes the dispatcher, so whatever became due is claimed now. */
  advance(ms: number): void;
  /** Polls `probe` until it returns a value other than null/undefined/false; fails after `timeoutMs`. */
  waitFor<T>(
    what: string,
    probe: () => Promise<T | null | undefined | false>,
    timeoutMs?: number,
  ): Promise<T>;
  /** Every attempt of a message (or delivery), oldest first. */
  attempts(filter: { messageId?: string; deliveryId?: string; endpointId?: string }): Promise<Attempt[]>;
  deliveries(filter: { messageId?: string; endpointId?: string }): Promise<Delivery[]>;
  endpoint(id: string): Promise<Endpoint>;
  close(): Promise<void>;
}

export async function openDeliveryKit(
  engine: EngineFactory,
  options: DeliveryKitOptions = {},
): Promise<DeliveryKit> {
  const clock = createTestClock(Date.now());
  const opened = await engine.open({ clock });
  const { store } = opened;
  const config: HooklineConfig = { ...defaultConfig(), dev: true, ...options.config };
  const now = clock.now;
  const router = createRouter(store, { clock: now });
  const policy = { ...DEFAULT_RETRY_POLICY, schedule: config.retrySchedule, jitter: config.retryJitter };
  const attemptsFor = (endpoint: Endpoint) => maxAttempts(endpoint, policy);
  const ssrfPolicy = createSsrfPolicy({ allowLoopback: true });
  const workers: StartedWorker[] = [];
  const workerOptions: WorkerOptions = {
    random: options.random ?? (() => 0.5),
    // Only a fallback: pokes and store wake-ups drive the loop; short so a missed wake costs little.
    pollIntervalMs: 50,
    maintenanceEveryMs: 0,
  };
  const logger = pino({ level: 'silent' });
  const launch = async () => {
    const started = await startWorker(
      { store, config, clock: now, logger, router, maxAttempts: attemptsFor, ssrfPolicy },
      workerOptions,
    );
    workers.push(started);
    kit.worker = started;
    return started;
  };
  const app = await buildApp({
    store,
    config,
    clock: now,
    router,
    maxAttempts: attemptsFor,
    ssrfPolicy,
    // Resends go to whichever worker is current.
    dispatcher: {
      resend: (messageId, endpoint) => {
        if (!kit.worker) assert.fail('no worker started');
        return kit.worker.resend(messageId, endpoint);
      },
    },
  });
  const minted = mintApiKey();
  await store.createApiKey({
    name: 'e2e admin',
    hash: minted.hash,
    prefix: minted.prefix,
    scopes: ['admin'],
    tenant: null,
  });
  const headers = { authorization: `Bearer ${minted.key}` };
  const call: DeliveryKit['call'] = (method, url, payload) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  const kit: DeliveryKit = {
    app,
    store,
    clock,
    config,
    worker: null,
    adminKey: minted.key,
    startWorker: launch,
    call,
    async createEndpoint(body) {
      const response = await call('POST', '/v1/endpoints', body);
      assert.equal(response.statusCode, 201, response.body);
      const created = JSON.parse(response.body) as { id: string; secret: string };
      return { id: created.id, secret: created.secret };
    },
    async publish(body = { eventType: 'order.created', payload: { order: 1 } }) {
      const response = await call('POST', '/v1/messages', body);
      assert.equal(response.statusCode, 202, response.body);
      return (JSON.parse(response.body) as { id: string }).id;
    },
    advance(ms) {
      clock.advance(ms);
      for (const worker of workers) worker.dispatcher.poke();
    },
    async waitFor(what, probe, timeoutMs = 10_000) {
      // A bounded poll of the store: the condition is what we wait for, never a fixed sleep.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== null && value !== undefined && value !== false) return value;
        if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async attempts(filter) {
      const page = await store.listAttempts({ ...filter, limit: 1000 });
      return [...page.data].sort((a, b) => a.attemptNumber - b.attemptNumber || a.createdAt - b.createdAt);
    },
    async deliveries(filter) {
      return (await store.listDeliveries({ ...filter, limit: 1000 })).data;
    },
    async endpoint(id) {
      const endpoint = await store.getEndpoint(id);
      if (!endpoint) assert.fail(`endpoint ${id} is gone`);
      return endpoint;
    },
    async close() {
      // Always close the app and the store, even when a worker fails to stop, or the test run hangs.
      try {
        for (const worker of workers) await worker.stop();
      } finally {
        await app.close();
        await opened.close();
      }
    },
  };
  if (options.worker ?? true) await launch();
  return kit;
}
