import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { NewAttempt } from '../store/store.ts';
import type { Endpoint } from '../store/types.ts';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
let noWorker: TestApp;
const resent: string[] = [];

function attemptFor(deliveryId: string, messageId: string, endpoint: Endpoint, n: number): NewAttempt {
  return {
    deliveryId,
    messageId,
    endpointId: endpoint.id,
    attemptNumber: n,
    trigger: 'scheduled',
    url: endpoint.url,
    requestHeaders: { 'webhook-id': messageId },
    responseStatus: 500,
    responseHeaders: {},
    responseBody: 'boom',
    durationMs: 12,
    errorKind: 'http_status',
    errorMessage: 'HTTP 500',
  };
}

before(async () => {
  // The resend handle records a real manual attempt in the store, as the dispatcher does after sending.
  t = await createTestApp({
    dispatcher: {
      async resend(messageId, endpoint) {
        resent.push(`${messageId}->${endpoint.id}`);
        const delivery = await t.store.ensureDelivery(messageId, endpoint.id, 10);
        return t.store.recordManualAttempt({
          ...attemptFor(delivery.id, messageId, endpoint, delivery.attemptCount + 1),
          trigger: 'manual',
          responseStatus: 200,
          errorKind: 'none',
          errorMessage: null,
        });
      },
    },
  });
  noWorker = await createTestApp();
});
after(async () => {
  await t.close();
  await noWorker.close();
});

async function endpoint(app: TestApp, payload: Record<string, unknown>, key = app.adminKey): Promise<string> {
  const response = await app.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: app.auth(key),
    payload,
  });
  assert.equal(response.statusCode, 201, response.body);
  return bodyOf<{ id: string }>(response).id;
}

async function publish(app: TestApp, payload: Record<string, unknown>, key = app.adminKey): Promise<string> {
  const response = await app.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: app.auth(key),
    payload,
  });
  assert.equal(response.statusCode, 202, response.body);
  return bodyOf<{ id: string }>(response).id;
}

const get = (app: TestApp, url: string, key = app.adminKey) =>
  app.app.inject({ method: 'GET', url, headers: app.auth(key) });

test('messages: cursor pagination visits every message once; filters narrow the list', async () => {
  await endpoint(t, { url: 'https://p.example.com/', eventTypes: ['page.*'] });
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    ids.push(
      await publish(t, { eventType: i % 2 ? 'page.odd' : 'page.even', payload: { i }, channels: ['pages'] }),
    );
    t.clock.advance(1000);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await get(
      t,
      `/v1/messages?channel=pages&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(response.statusCode, 200);
    const page = bodyOf<{ data: { id: string; payload?: unknown }[]; nextCursor: string | null }>(response);
    assert.ok(page.data.every((message) => !('payload' in message)));
    seen.push(...page.data.map((message) => message.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 10);
  assert.deepEqual([...seen].sort(), [...ids].sort());
  assert.equal(pages, 3);

  const odd = bodyOf<{ data: { eventType: string }[] }>(
    await get(t, '/v1/messages?eventType=page.odd&channel=pages'),
  );
  assert.equal(odd.data.length, 3);
  const window = bodyOf<{ data: unknown[] }>(
    await get(
      t,
      `/v1/messages?channel=pages&since=${new Date(Date.parse('2026-01-01T00:00:02Z')).toISOString()}&until=2026-01-01T00:00:04Z`,
    ),
  );
  assert.equal(window.data.length, 2);
  // A leap second (valid RFC 3339) is the next second, as in POSIX time, not a NaN reaching the store.
  const leap = await get(
    t,
    '/v1/messages?channel=pages&since=2025-12-31T23:59:60Z&until=2026-01-01T00:00:02Z',
  );
  assert.equal(leap.statusCode, 200, leap.body);
  assert.equal(bodyOf<{ data: unknown[] }>(leap).data.length, 2);
  assert.equal(errorCode(await get(t, '/v1/messages?cursor=garbage')), 'invalid_cursor');
  assert.equal(errorCode(await get(t, '/v1/messages?limit=0')), 'validation_failed');
  assert.equal(errorCode(await get(t, '/v1/messages?since=tomorrow')), 'validation_failed');
  assert.equal(errorCode(await get(t, '/v1/messages?bogus=1')), 'validation_failed');
});

test('message detail, its deliveries, attempts; unknown ids are 404', async () => {
  const endpointId = await endpoint(t, { url: 'https://d.example.com/', eventTypes: ['detail'] });
  const id = await publish(t, { eventType: 'detail', payload: { hello: 'world' } });
  const message = bodyOf(await get(t, `/v1/messages/${id}`));
  assert.deepEqual(message.payload, { hello: 'world' });
  assert.equal(message.payloadExpired, false);
  const deliveries = bodyOf<{ data: { id: string; endpointId: string; status: string }[] }>(
    await get(t, `/v1/messages/${id}/deliveries`),
  );
  assert.equal(deliveries.data.length, 1);
  const delivery = deliveries.data[0];
  assert.equal(delivery?.endpointId, endpointId);

  // A real claim and a failed attempt, as the worker would record them.
  const claims = await t.store.claimDeliveries({ workerId: 'w', limit: 100, leaseMs: 60_000 });
  const claim = claims.find((entry) => entry.delivery.id === delivery?.id);
  const others = claims.filter((entry) => entry !== claim);
  await t.store.releaseDeliveries(
    others.map((entry) => ({ deliveryId: entry.delivery.id, leaseToken: entry.leaseToken })),
  );
  const stored = await t.store.getEndpoint(endpointId);
  assert.ok(claim && stored);
  await t.store.completeAttempts([
    {
      deliveryId: claim.delivery.id,
      leaseToken: claim.leaseToken,
      attempt: attemptFor(claim.delivery.id, id, stored, 1),
      outcome: { kind: 'retry', nextAttemptAt: t.clock() + 5000 },
      endpoint: { effect: 'failure' },
    },
  ]);
  const attempts = bodyOf<{ data: { responseStatus: number; errorKind: string }[] }>(
    await get(t, `/v1/deliveries/${delivery?.id}/attempts`),
  );
  assert.deepEqual(
    attempts.data.map((attempt) => [attempt.responseStatus, attempt.errorKind]),
    [[500, 'http_status']],
  );
  const byMessage = bodyOf<{ data: unknown[] }>(await get(t, `/v1/attempts?messageId=${id}`));
  assert.equal(byMessage.data.length, 1);
  const failed = bodyOf<{ data: { id: string; status: string }[] }>(
    await get(t, `/v1/deliveries?endpointId=${endpointId}&status=failed,exhausted`),
  );
  assert.deepEqual(
    failed.data.map((d) => d.status),
    ['failed'],
  );
  assert.equal(bodyOf(await get(t, `/v1/deliveries/${delivery?.id}`)).lastStatusCode, 500);
  assert.equal(errorCode(await get(t, '/v1/deliveries?status=lost')), 'validation_failed');

  for (const url of [
    '/v1/messages/msg_0000NOPE',
    '/v1/deliveries/dlv_0000NOPE',
    '/v1/deliveries/dlv_0000NOPE/attempts',
  ]) {
    const response = await get(t, url);
    assert.equal(response.statusCode, 404, url);
    assert.equal(errorCode(response), 'not_found');
  }
  assert.equal(errorCode(await get(t, '/v1/messages/not an id')), 'validation_failed');

  // Recover puts the failed delivery back to pending now.
  const recover = await t.app.inject({
    method: 'POST',
    url: `/v1/endpoints/${endpointId}/recover`,
    headers: t.auth(t.adminKey),
    payload: { since: '2025-01-01T00:00:00Z' },
  });
  assert.deepEqual(bodyOf(recover), { recovered: 1 });
  assert.equal((await t.store.getDelivery(delivery?.id ?? ''))?.status, 'pending');

  // Cancel stops its retries.
  const cancel = await t.app.inject({
    method: 'POST',
    url: `/v1/deliveries/${delivery?.id}/cancel`,
    headers: t.auth(t.adminKey),
  });
  assert.deepEqual(bodyOf(cancel), { cancelled: 1 });
  assert.equal((await t.store.getDelivery(delivery?.id ?? ''))?.status, 'cancelled');
});

test('a stored body too deep to decode (from ingest) is shown as text, not a 500', async () => {
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
  const outcome = await t.store.insertMessage({
    eventType: 'deep',
    contentType: 'application/json',
    body: Buffer.from(deep),
    deliveries: [],
  });
  const response = await get(t, `/v1/messages/${outcome.message.id}`);
  assert.equal(response.statusCode, 200);
  const body = bodyOf<{ payload: unknown; body: string }>(response);
  assert.equal(body.payload, null);
  assert.equal(body.body, deep);
});

test('cancel a message: its pending deliveries become cancelled', async () => {
  await endpoint(t, { url: 'https://c1.example.com/', eventTypes: ['cancel.me'] });
  await endpoint(t, { url: 'https://c2.example.com/', eventTypes: ['cancel.me'] });
  const id = await publish(t, { eventType: 'cancel.me', payload: 1 });
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/messages/${id}/cancel`,
    headers: t.auth(t.adminKey),
  });
  assert.deepEqual(bodyOf(response), { cancelled: 2 });
});

test('resend: a manual attempt through the dispatcher; 503 when no worker runs here', async () => {
  const endpointId = await endpoint(t, { url: 'https://r.example.com/', eventTypes: ['nothing'] });
  const id = await publish(t, { eventType: 'resend.me', payload: { a: 1 } });
  const response = await t.app.inject({
    method: 'POST',
    url: `/v1/messages/${id}/resend`,
    headers: t.auth(t.adminKey),
    payload: { endpointId },
  });
  assert.equal(response.statusCode, 200, response.body);
  const attempt = bodyOf<{ trigger: string; endpointId: string; messageId: string }>(response);
  assert.equal(attempt.trigger, 'manual');
  assert.equal(attempt.endpointId, endpointId);
  assert.deepEqual(resent.at(-1), `${id}->${endpointId}`);
  const missingEndpoint = await t.app.inject({
    method: 'POST',
    url: `/v1/messages/${id}/resend`,
    headers: t.auth(t.adminKey),
    payload: { endpointId: 'ep_0000NOPE' },
  });
  assert.equal(missingEndpoint.statusCode, 404);

  const otherEndpoint = await endpoint(noWorker, { url: 'https://r.example.com/' });
  const otherMessage = await publish(noWorker, { eventType: 'x', payload: 1 });
  const unavailable = await noWorker.app.inject({
    method: 'POST',
    url: `/v1/messages/${otherMessage}/resend`,
    headers: noWorker.auth(noWorker.adminKey),
    payload: { endpointId: otherEndpoint },
  });
  assert.equal(unavailable.statusCode, 503);
  assert.equal(errorCode(unavailable), 'unavailable');
  assert.ok(Number(unavailable.headers['retry-after']) > 0);
});
