import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { readSse, type SseEvent } from '../cli/sse-reader.ts';
import { createTestApp, type TestApp } from '../test-support/test-app.ts';

interface StreamedMessage {
  id: string;
  eventType: string;
  sourceId: string | null;
  headers: Record<string, string>;
  bodyBase64: string;
}

describe('GET /v1/stream', () => {
  let t: TestApp;
  let base: string;
  before(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(() => t.close());

  async function publish(eventType: string, payload: string): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...t.auth(t.adminKey), 'content-type': 'application/json' },
      payload: `{"eventType":"${eventType}","payload":${payload}}`,
    });
    assert.equal(response.statusCode, 202, response.body);
    // Past the settle delay, so the stream may send it.
    t.clock.advance(1000);
    return (JSON.parse(response.body) as { id: string }).id;
  }

  /** Opens the stream and returns a reader of its next events; aborts on `close`. */
  async function open(query = '', headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/stream${query}`, {
      headers: { ...t.auth(t.adminKey), ...headers },
      signal: controller.signal,
    });
    const events = response.body ? readSse(response.body) : null;
    return {
      response,
      async next(count: number): Promise<SseEvent[]> {
        const out: SseEvent[] = [];
        while (out.length < count && events) {
          const { value, done } = await events.next();
          if (done) break;
          out.push(value);
        }
        return out;
      },
      close: () => controller.abort(),
    };
  }

  test('streams new messages with their exact body, id: = message id; Last-Event-ID replays what came after', async () => {
    const before = await publish('user.created', '{"n": 0}');
    const stream = await open();
    assert.equal(stream.response.status, 200);
    assert.match(stream.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const first = await publish('invoice.paid', '{"n":  1}');
    const second = await publish('user.created', '{"n":2}');
    const events = await stream.next(2);
    stream.close();
    assert.deepEqual(
      events.map((event) => event.id),
      [first, second],
    );
    assert.ok(!events.some((event) => event.id === before), 'starts at now, not at the beginning');
    const message = JSON.parse(events[0]?.data ?? '{}') as StreamedMessage;
    assert.equal(message.eventType, 'invoice.paid');
    assert.equal(Buffer.from(message.bodyBase64, 'base64').toString(), '{"n":  1}');

    // Away while two more arrive: the resume replays exactly those, in order.
    const third = await publish('invoice.paid', '{"n":3}');
    const fourth = await publish('invoice.failed', '{"n":4}');
    const resumed = await open('', { 'last-event-id': second });
    const replayed = await resumed.next(2);
    resumed.close();
    assert.deepEqual(
      replayed.map((event) => event.id),
      [third, fourth],
    );
  });

  test('filters by event type pattern and by source name', async () => {
    const stream = await open('?events=invoice.*');
    const skipped = await publish('user.created', '{}');
    const wanted = await publish('invoice.voided', '{}');
    const [event] = await stream.next(1);
    stream.close();
    assert.equal(event?.id, wanted);
    assert.notEqual(event?.id, skipped);

    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: { ...t.auth(t.adminKey), 'content-type': 'application/json' },
      payload: { name: 'shop', verification: { scheme: 'none' } },
    });
    assert.equal(created.statusCode, 201, created.body);
    const ingestPath = (JSON.parse(created.body) as { ingestPath: string }).ingestPath;
    const bySource = await open('?source=shop');
    await publish('invoice.paid', '{}');
    const ingested = await t.app.inject({
      method: 'POST',
      url: ingestPath,
      headers: { 'content-type': 'application/json', 'x-custom': 'kept' },
      payload: '{"type":"order.created"}',
    });
    assert.equal(ingested.statusCode, 202, ingested.body);
    t.clock.advance(1000);
    const [fromSource] = await bySource.next(1);
    bySource.close();
    const data = JSON.parse(fromSource?.data ?? '{}') as StreamedMessage;
    assert.equal(data.eventType, 'order.created');
    assert.equal(Buffer.from(data.bodyBase64, 'base64').toString(), '{"type":"order.created"}');
  });

  test('a tenant-scoped key streams only its tenant’s messages', async () => {
    const acmeKey = await t.createKey(['admin'], 'acme');
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/stream`, {
      headers: t.auth(acmeKey),
      signal: controller.signal,
    });
    assert.ok(response.body);
    const events = readSse(response.body);
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...t.auth(await t.createKey(['admin'], 'globex')), 'content-type': 'application/json' },
      payload: '{"eventType":"secret.thing","payload":{}}',
    });
    assert.equal(other.statusCode, 202);
    const mine = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...t.auth(acmeKey), 'content-type': 'application/json' },
      payload: '{"eventType":"acme.thing","payload":{}}',
    });
    assert.equal(mine.statusCode, 202);
    t.clock.advance(1000);
    const first = await events.next();
    controller.abort();
    assert.equal(first.value?.id, (JSON.parse(mine.body) as { id: string }).id);
  });

  test('refuses a malformed Last-Event-ID, an unknown source and a missing key', async () => {
    const bad = await t.app.inject({
      method: 'GET',
      url: '/v1/stream',
      headers: { ...t.auth(t.adminKey), 'last-event-id': 'x' },
    });
    assert.equal(bad.statusCode, 400);
    const unknown = await t.app.inject({
      method: 'GET',
      url: '/v1/stream?source=nope',
      headers: t.auth(t.adminKey),
    });
    assert.equal(unknown.statusCode, 404);
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/stream' });
    assert.equal(anonymous.statusCode, 401);
  });
});
