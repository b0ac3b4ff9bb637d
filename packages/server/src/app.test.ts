import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bodyOf, createTestApp, errorCode } from './test-support/test-app.ts';

test('GET /healthz needs no key; unknown routes and methods are catalog 404s', async (t) => {
  const app = await createTestApp();
  t.after(() => app.close());
  const health = await app.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200);
  assert.deepEqual(bodyOf(health), { status: 'ok' });
  for (const [method, url] of [
    ['GET', '/nope'],
    ['PUT', '/v1/endpoints'],
    ['GET', '/v2/messages'],
  ] as const) {
    const response = await app.app.inject({ method, url, headers: app.auth(app.adminKey) });
    assert.equal(response.statusCode, 404, `${method} ${url}`);
    assert.equal(errorCode(response), 'not_found');
  }
});

test("a malformed URL gets the catalog error shape, not Fastify's", async (t) => {
  const app = await createTestApp();
  t.after(() => app.close());
  const response = await app.app.inject({
    method: 'GET',
    url: '/v1/messages/%ZZ',
    headers: app.auth(app.adminKey),
  });
  assert.equal(response.statusCode, 400);
  assert.equal(errorCode(response), 'validation_failed');
});

test('a store that cannot take writes answers 503 with Retry-After, never a 2xx', async (t) => {
  const app = await createTestApp();
  t.after(() => app.close());
  // Warm the key cache, then close the store under the running app (as on shutdown or a lost database).
  const ok = await app.app.inject({ method: 'GET', url: '/v1/event-types', headers: app.auth(app.adminKey) });
  assert.equal(ok.statusCode, 200);
  await app.store.close();
  const published = await app.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: app.auth(app.adminKey),
    payload: { eventType: 'a', payload: {} },
  });
  assert.equal(published.statusCode, 503, published.body);
  assert.equal(errorCode(published), 'unavailable');
  assert.ok(Number(published.headers['retry-after']) > 0);
  const listed = await app.app.inject({
    method: 'GET',
    url: '/v1/messages',
    headers: app.auth(app.adminKey),
  });
  assert.equal(listed.statusCode, 503);
});
