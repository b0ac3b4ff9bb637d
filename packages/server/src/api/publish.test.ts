import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { publishMaxBodyBytes: 4096, batchMaxBodyBytes: 1024 * 1024 } });
  for (const [url, eventTypes] of [
    ['https://a.example.com/hook', ['order.*']],
    ['https://b.example.com/hook', null],
    ['https://c.example.com/hook', ['user.created']],
  ] as const) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: t.auth(t.adminKey),
      payload: { url, eventTypes },
    });
    assert.equal(response.statusCode, 201);
  }
});
after(() => t.close());

const publish = (raw: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { ...t.auth(t.adminKey), 'content-type': 'application/json', ...headers },
    payload: raw,
  });

test('202 after commit; the payload bytes are stored exactly as sent; one delivery per matching endpoint', async () => {
  const payload = '{ "b":2, "a" : [1.50, "\\u00e9", "😀"] ,"n":1e3 }';
  const response = await publish(
    `{"eventType":"order.paid","payload":${payload},"channels":["eu"],"eventId":"evt_1"}`,
  );
  assert.equal(response.statusCode, 202);
  const body = bodyOf<{ id: string; deliveries: number; channels: string[]; eventId: string }>(response);
  assert.equal(body.deliveries, 2);
  assert.deepEqual(body.channels, ['eu']);
  assert.equal(body.eventId, 'evt_1');
  const stored = await t.store.getMessage(body.id);
  assert.equal(Buffer.from(stored?.body ?? []).toString('utf8'), payload);
  assert.equal(stored?.contentType, 'application/json');
  const deliveries = await t.store.listDeliveries({ messageId: body.id });
  assert.equal(deliveries.data.length, 2);
  assert.ok(
    deliveries.data.every((delivery) => delivery.maxAttempts === 10 && delivery.status === 'pending'),
  );

  const read = bodyOf<{ payload: unknown }>(
    await t.app.inject({ method: 'GET', url: `/v1/messages/${body.id}`, headers: t.auth(t.adminKey) }),
  );
  assert.deepEqual(read.payload, { b: 2, a: [1.5, 'é', '😀'], n: 1000 });
});

test('content types with parameters are JSON too', async () => {
  const response = await publish('{"eventType":"x","payload":1}', {
    'content-type': 'application/json; charset=utf-8',
  });
  assert.equal(response.statusCode, 202);
});

test('an Idempotency-Key replay answers the original 202; a different request under it is a 409', async () => {
  const raw = '{"eventType":"user.created","payload":{"id":7}}';
  const first = await publish(raw, { 'idempotency-key': 'signup-7' });
  const second = await publish(raw, { 'idempotency-key': 'signup-7' });
  assert.equal(first.statusCode, 202);
  assert.equal(second.statusCode, 202);
  assert.equal(bodyOf(second).id, bodyOf(first).id);
  assert.equal(second.headers['idempotent-replayed'], 'true');
  assert.equal((await t.store.listDeliveries({ messageId: String(bodyOf(first).id) })).data.length, 2);

  const changed = await publish('{"eventType":"user.created","payload":{"id":8}}', {
    'idempotency-key': 'signup-7',
  });
  assert.equal(changed.statusCode, 409);
  assert.equal(errorCode(changed), 'idempotency_conflict');
  const otherKey = await publish(raw, { 'idempotency-key': 'signup-8' });
  assert.notEqual(bodyOf(otherKey).id, bodyOf(first).id);
});

test('batch: all messages in one call, payload bytes kept per item, duplicates flagged', async () => {
  const raw = `{"messages":[
    {"eventType":"order.created","payload":{"n": 1 }},
    {"eventType":"user.created","payload":[ 2 ],"idempotencyKey":"batch-1"},
    {"eventType":"other","payload":"three"}
  ]}`;
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/messages/batch',
    headers: { ...t.auth(t.adminKey), 'content-type': 'application/json' },
    payload: raw,
  });
  assert.equal(response.statusCode, 202);
  const data = bodyOf<{ data: { id: string; deliveries: number; duplicate: boolean }[] }>(response).data;
  assert.deepEqual(
    data.map((item) => [item.deliveries, item.duplicate]),
    [
      [2, false],
      [2, false],
      [1, false],
    ],
  );
  const bodies = await Promise.all(
    data.map(async (item) => Buffer.from((await t.store.getMessage(item.id))?.body ?? []).toString()),
  );
  assert.deepEqual(bodies, ['{"n": 1 }', '[ 2 ]', '"three"']);

  const again = await t.app.inject({
    method: 'POST',
    url: '/v1/messages/batch',
    headers: { ...t.auth(t.adminKey), 'content-type': 'application/json' },
    // The same request is the same payload bytes, as for a single publish.
    payload: '{"messages":[{"eventType":"user.created","payload":[ 2 ],"idempotencyKey":"batch-1"}]}',
  });
  const replay = bodyOf<{ data: { id: string; duplicate: boolean }[] }>(again).data[0];
  assert.equal(replay?.id, data[1]?.id);
  assert.equal(replay?.duplicate, true);
});

test('batch limits: empty and over 1,000 messages are refused', async () => {
  for (const count of [0, 1001]) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: t.auth(t.adminKey),
      payload: { messages: Array.from({ length: count }, () => ({ eventType: 'x', payload: 1 })) },
    });
    assert.equal(response.statusCode, 400, String(count));
    assert.equal(errorCode(response), 'validation_failed');
  }
});

test('batch items obey the single publish cap (publishMaxBodyBytes), named by index; nothing is stored', async () => {
  const batch = (messages: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: t.auth(t.adminKey),
      payload: { messages },
    });
  const before = (await t.store.listMessages({ limit: 1000 })).data.length;
  // 4096 bytes is the cap here; the batch's own limit is 1 MiB, so only the item rule refuses this.
  const big = { eventType: 'x', payload: 'x'.repeat(5000) };
  const response = await batch([{ eventType: 'x', payload: 1 }, big, { eventType: 'x', payload: 2 }, big]);
  assert.equal(response.statusCode, 413, response.body);
  assert.equal(errorCode(response), 'payload_too_large');
  const error = bodyOf<{ error: { message: string; details: { indexes: number[]; limit: number } } }>(
    response,
  ).error;
  assert.deepEqual(error.details, { indexes: [1, 3], limit: 4096 });
  assert.match(error.message, /messages\[1\]/);
  assert.equal((await t.store.listMessages({ limit: 1000 })).data.length, before);
  // Just under the cap is fine, as for a single publish of the same object.
  const fits = { eventType: 'x', payload: 'x'.repeat(4096 - '{"eventType":"x","payload":""}'.length) };
  assert.equal((await publish(JSON.stringify(fits))).statusCode, 202);
  assert.equal((await batch([fits])).statusCode, 202);
});

test('bad input never gives a 500: every failure has its catalog code', async () => {
  const cases: [string, Record<string, string>, number, string][] = [
    ['{"eventType":', {}, 400, 'invalid_json'],
    ['', {}, 400, 'invalid_json'],
    ['{"eventType":"a","payload":{"__proto__":{"admin":true}}}', {}, 400, 'invalid_json'],
    ['{"eventType":"a"}', {}, 400, 'validation_failed'],
    ['{"eventType":"has space","payload":1}', {}, 400, 'validation_failed'],
    ['{"eventType":"a","payload":1,"extra":1}', {}, 400, 'validation_failed'],
    ['{"eventType":"a","payload":1,"channels":"eu"}', {}, 400, 'validation_failed'],
    ['[1,2]', {}, 400, 'validation_failed'],
    ['{"eventType":"a","payload":1}', { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    [`{"eventType":"a","payload":"${'x'.repeat(5000)}"}`, {}, 413, 'payload_too_large'],
    ['{"eventType":"a","payload":1}', { 'idempotency-key': 'x'.repeat(300) }, 400, 'validation_failed'],
  ];
  for (const [raw, headers, status, code] of cases) {
    const response = await publish(raw, headers);
    assert.equal(response.statusCode, status, raw.slice(0, 60));
    assert.equal(errorCode(response), code, raw.slice(0, 60));
  }
  // Hostile nesting is refused before parsing (V8 would parse it, but serialising it back overflows).
  const deep = await publish(`{"eventType":"a","payload":${'['.repeat(1000)}${']'.repeat(1000)}}`, {});
  assert.equal(deep.statusCode, 400);
  assert.equal(errorCode(deep), 'invalid_json');
  assert.equal(
    (await publish(`{"eventType":"a","payload":${'['.repeat(100)}${']'.repeat(100)}}`)).statusCode,
    202,
  );
});

test('enforced event-type schemas refuse bad payloads with the validation errors', async () => {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/event-types',
    headers: t.auth(t.adminKey),
    payload: {
      name: 'invoice.paid',
      description: 'An invoice was paid',
      schema: {
        type: 'object',
        required: ['amount'],
        properties: { amount: { type: 'integer', minimum: 1 }, email: { type: 'string', format: 'email' } },
      },
      enforceSchema: true,
      examples: [{ amount: 100 }],
    },
  });
  assert.equal(created.statusCode, 201);
  const bad = await publish('{"eventType":"invoice.paid","payload":{"amount":0,"email":"nope"}}');
  assert.equal(bad.statusCode, 400);
  assert.equal(errorCode(bad), 'schema_violation');
  const details = bodyOf<{ error: { details: { instancePath: string; keyword: string }[] } }>(bad).error
    .details;
  assert.deepEqual(details.map((detail) => [detail.instancePath, detail.keyword]).sort(), [
    ['/amount', 'minimum'],
    ['/email', 'format'],
  ]);
  assert.equal((await publish('{"eventType":"invoice.paid","payload":{"amount":5}}')).statusCode, 202);

  const relaxed = await t.app.inject({
    method: 'PATCH',
    url: '/v1/event-types/invoice.paid',
    headers: t.auth(t.adminKey),
    payload: { enforceSchema: false },
  });
  assert.equal(relaxed.statusCode, 200);
  assert.equal((await publish('{"eventType":"invoice.paid","payload":{"amount":0}}')).statusCode, 202);
});
