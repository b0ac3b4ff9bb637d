// Compressed request bodies (Content-Encoding): verified over the wire bytes, stored and forwarded as
// received with their coding, decoded (capped) only for routing; unknown or broken codings get 415.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { schemes } from '@hookline/webhooks';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { defaultConfig } from '../config.ts';
import { maxAttempts } from '../delivery/retry-policy.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import { createTestClock, type EngineFactory, forEachEngine } from '../store/conformance/engines.ts';
import { type Receiver, startReceiver } from '../test-support/delivery-kit.ts';
import { startWorker } from '../worker.ts';
import { createIngestKit, type IngestKit } from './ingest-test-kit.ts';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const GITHUB_SECRET = "It's a Secret to Everybody";

function githubHeaders(body: Uint8Array, encoding: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-encoding': encoding,
    'x-github-event': 'issues',
    'x-github-delivery': `d-${encoding}-${body.length}`,
    // GitHub, like every provider, signs the bytes it sends: here the compressed ones.
    'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`,
  };
}

function post(kit: IngestKit, url: string, body: Uint8Array, headers: Record<string, string>) {
  return kit.app.inject({ method: 'POST', url, headers, payload: Buffer.from(body) });
}

/**
 * Runs `fn` with an ingest kit on wall time (so the receiver's Standard Webhooks check accepts Hookline's
 * timestamp), a loopback receiver, and a worker delivering to it every 50 ms; closes all three after.
 */
async function withForwarding(
  engine: EngineFactory,
  fn: (kit: IngestKit, receiver: Receiver) => Promise<void>,
): Promise<void> {
  const kit = await createIngestKit(engine, {
    testStore: await engine.open({ clock: createTestClock(Date.now()) }),
  });
  const receiver = await startReceiver();
  const worker = await startWorker(
    {
      store: kit.store,
      config: { ...defaultConfig(), dev: true },
      clock: kit.clock.now,
      logger: pino({ level: 'silent' }),
      router: createRouter(kit.store, { clock: kit.clock.now }),
      maxAttempts: (endpoint) => maxAttempts(endpoint),
      ssrfPolicy: createSsrfPolicy({ allowLoopback: true }),
    },
    { random: () => 0.5, pollIntervalMs: 50, maintenanceEveryMs: 0 },
  );
  try {
    await fn(kit, receiver);
  } finally {
    await worker.stop();
    await receiver.close();
    await kit.close();
  }
}

/** Waits (bounded) for the receiver's first request. */
async function firstRequest(receiver: Receiver) {
  for (let waited = 0; receiver.requests.length === 0; waited += 10) {
    assert.ok(waited < 10_000, 'the delivery never arrived');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [received] = receiver.requests;
  assert.ok(received);
  return received;
}

forEachEngine((engine) => {
  test('a gzip body is verified and stored as sent, routed by its JSON, and forwarded with its coding', async () => {
    await withForwarding(engine, async (kit, receiver) => {
      const source = await kit.createSource({
        name: 'gh',
        verification: { scheme: 'github' },
        secret: GITHUB_SECRET,
      });
      // Both the event type and the payload filter need the decoded JSON to match.
      const endpoint = await kit.createEndpoint({
        url: receiver.url,
        eventTypes: ['issues.opened'],
        payloadFilter: { issue: { number: 7 } },
      });
      const json = JSON.stringify({ action: 'opened', issue: { number: 7 } });
      const wire = zlib.gzipSync(json);
      const response = await post(kit, source.ingestPath, wire, githubHeaders(wire, 'gzip'));
      assert.equal(response.statusCode, 202, response.body);
      const id = String(response.headers['x-hookline-message-id']);
      const message = await kit.store.getMessage(id);
      assert.equal(message?.eventType, 'issues.opened');
      assert.deepEqual(Buffer.from(message?.body ?? []), wire);
      assert.equal(message?.headers['content-encoding'], 'gzip');

      const deliveries = await kit.store.listDeliveries({ messageId: id });
      assert.deepEqual(
        deliveries.data.map((d) => d.endpointId),
        [endpoint.id],
      );
      const received = await firstRequest(receiver);
      // The same bytes with the coding that makes them readable, and both signatures verify over them.
      assert.deepEqual(received.body, wire);
      assert.equal(received.headers['content-encoding'], 'gzip');
      assert.equal(received.headers['content-type'], 'application/json');
      assert.equal(zlib.gunzipSync(received.body).toString(), json);
      assert.equal(
        received.headers['x-hub-signature-256'],
        `sha256=${createHmac('sha256', GITHUB_SECRET).update(received.body).digest('hex')}`,
      );
      // Hookline's Standard Webhooks signature covers the bytes sent, checked by the spec's own recipe
      // (base64 HMAC-SHA256 of `{id}.{timestamp}.` + body bytes) and by @hookline/webhooks. (The
      // `standardwebhooks` npm package turns a Buffer body into text first, so it cannot check a
      // compressed body at all; see docs/receiving.md.)
      const webhookId = String(received.headers['webhook-id']);
      const timestamp = String(received.headers['webhook-timestamp']);
      const key = Buffer.from(WHSEC.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key)
        .update(`${webhookId}.${timestamp}.`)
        .update(received.body)
        .digest('base64');
      assert.equal(received.headers['webhook-signature'], `v1,${expected}`);
      const verified = await schemes['standard-webhooks'].verify(
        { headers: received.headers, body: received.body },
        { secrets: [WHSEC] },
      );
      assert.equal(verified.ok, true);
    });
  });

  test('a decompress source stores and forwards the decoded body without its coding; standardwebhooks verifies it', async () => {
    await withForwarding(engine, async (kit, receiver) => {
      const source = await kit.createSource({
        name: 'gh',
        verification: { scheme: 'github' },
        secret: GITHUB_SECRET,
        decompress: true,
      });
      await kit.createEndpoint({ url: receiver.url, eventTypes: ['issues.opened'] });
      const json = JSON.stringify({ action: 'opened', issue: { number: 8 } });
      const wire = zlib.brotliCompressSync(json);
      const response = await post(kit, source.ingestPath, wire, githubHeaders(wire, 'br'));
      assert.equal(response.statusCode, 202, response.body);
      const message = await kit.store.getMessage(String(response.headers['x-hookline-message-id']));
      assert.equal(message?.eventType, 'issues.opened');
      assert.equal(Buffer.from(message?.body ?? []).toString(), json);
      assert.equal(message?.headers['content-encoding'], undefined);
      assert.equal(message?.headers['x-github-event'], 'issues');

      const received = await firstRequest(receiver);
      assert.equal(received.body.toString(), json);
      assert.equal(received.headers['content-encoding'], undefined);
      // The official library, which reads the body as text, verifies Hookline's signature now.
      const headers = {
        'webhook-id': String(received.headers['webhook-id']),
        'webhook-timestamp': String(received.headers['webhook-timestamp']),
        'webhook-signature': String(received.headers['webhook-signature']),
      };
      assert.deepEqual(new Webhook(WHSEC).verify(received.body.toString(), headers), JSON.parse(json));
      // An uncompressed body on the same source is stored as it came, as always.
      const plain = Buffer.from(JSON.stringify({ action: 'opened', n: 2 }));
      const plainHeaders = githubHeaders(plain, 'identity');
      const again = await post(kit, source.ingestPath, plain, plainHeaders);
      assert.equal(again.statusCode, 202, again.body);
      const stored = await kit.store.getMessage(String(again.headers['x-hookline-message-id']));
      assert.deepEqual(Buffer.from(stored?.body ?? []), plain);
    });
  });

  test('deflate (zlib and raw), br and stacked codings are decoded for routing; identity is no coding', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'gh',
        verification: { scheme: 'github' },
        secret: GITHUB_SECRET,
        requireJson: true,
      });
      const json = Buffer.from(JSON.stringify({ action: 'closed' }));
      const cases: [string, Uint8Array][] = [
        ['deflate', zlib.deflateSync(json)],
        ['deflate', zlib.deflateRawSync(json)],
        ['br', zlib.brotliCompressSync(json)],
        ['x-gzip', zlib.gzipSync(json)],
        ['GZIP', zlib.gzipSync(json)],
        ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(json))],
        ['identity', json],
      ];
      for (const [encoding, wire] of cases) {
        const response = await post(kit, source.ingestPath, wire, githubHeaders(wire, encoding));
        assert.equal(response.statusCode, 202, `${encoding}: ${response.body}`);
        const message = await kit.store.getMessage(String(response.headers['x-hookline-message-id']));
        assert.equal(message?.eventType, 'issues.closed', encoding);
        assert.deepEqual(Buffer.from(message?.body ?? []), Buffer.from(wire), encoding);
      }
    } finally {
      await kit.close();
    }
  });

  test('the decoded size counts against the source limit: a gzip bomb is 413 and never inflated whole', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'open',
        verification: { scheme: 'none' },
        maxBodyBytes: 64 * 1024,
      });
      // 64 MiB of zeros in about 64 KiB: well under the wire limit, a thousand times over once decoded.
      const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
      assert.ok(bomb.length < 64 * 1024);
      const before = process.memoryUsage().arrayBuffers;
      const refused = await post(kit, source.ingestPath, bomb, { 'content-encoding': 'gzip' });
      assert.equal(refused.statusCode, 413);
      assert.equal(refused.json().error.code, 'payload_too_large');
      assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024);

      // Exactly at the limit once decoded is accepted; one byte more is not.
      const exact = zlib.gzipSync(Buffer.alloc(64 * 1024, 0x61));
      assert.equal(
        (await post(kit, source.ingestPath, exact, { 'content-encoding': 'gzip' })).statusCode,
        202,
      );
      const over = zlib.gzipSync(Buffer.alloc(64 * 1024 + 1, 0x61));
      assert.equal(
        (await post(kit, source.ingestPath, over, { 'content-encoding': 'gzip' })).statusCode,
        413,
      );
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 1);
    } finally {
      await kit.close();
    }
  });

  test('an unknown coding is 415 before the body is read; a body that does not decode is 415 after verifying', async () => {
    const kit = await createIngestKit(engine);
    try {
      const open = await kit.createSource({ name: 'open', verification: { scheme: 'none' } });
      for (const encoding of ['compress', 'zstd', 'gzip, snappy', 'gzip, gzip, gzip, gzip']) {
        const refused = await post(kit, open.ingestPath, zlib.gzipSync('{}'), {
          'content-encoding': encoding,
        });
        assert.equal(refused.statusCode, 415, encoding);
        assert.equal(refused.json().error.code, 'unsupported_content_encoding', encoding);
        assert.equal(refused.headers['accept-encoding'], 'gzip, deflate, br', encoding);
        assert.equal(refused.headers.connection, 'close', encoding);
      }
      for (const [encoding, wire] of [
        ['gzip', Buffer.from('{"not":"gzip"}')],
        ['gzip', zlib.gzipSync('{"cut":"short"}').subarray(0, 12)],
        ['br', Buffer.from('not brotli at all')],
        ['deflate', Buffer.from('not deflate')],
      ] as const) {
        const refused = await post(kit, open.ingestPath, wire, { 'content-encoding': encoding });
        assert.equal(refused.statusCode, 415, encoding);
        assert.equal(refused.json().error.code, 'unsupported_content_encoding', encoding);
      }
      assert.equal((await kit.store.listMessages({ sourceId: open.id })).data.length, 0);

      // Nothing is decoded before the signature verifies: a forged bomb costs no inflating.
      const signed = await kit.createSource({ name: 'gh', verification: { scheme: 'github' }, secret: 'x' });
      const forged = await post(kit, signed.ingestPath, Buffer.from('not gzip'), {
        ...githubHeaders(Buffer.from('not gzip'), 'gzip'),
      });
      assert.equal(forged.statusCode, 401);
      assert.equal(forged.json().error.code, 'invalid_signature');
    } finally {
      await kit.close();
    }
  });
});
