import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
let acme: string;
let globex: string;
let acmeEndpoint: string;
let globexEndpoint: string;
let acmeMessage: string;

before(async () => {
  t = await createTestApp();
  acme = await t.createKey(['admin'], 'acme');
  globex = await t.createKey(['admin'], 'globex');
  const create = async (key: string, url: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: t.auth(key),
      payload: { url },
    });
    assert.equal(response.statusCode, 201, response.body);
    return bodyOf<{ id: string; tenant: string }>(response);
  };
  const a = await create(acme, 'https://acme.example.com/');
  assert.equal(a.tenant, 'acme');
  acmeEndpoint = a.id;
  globexEndpoint = (await create(globex, 'https://globex.example.com/')).id;
  await create(t.adminKey, 'https://all.example.com/');
  const published = await t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth(acme),
    payload: { eventType: 'order.paid', payload: { n: 1 } },
  });
  assert.equal(published.statusCode, 202);
  const body = bodyOf<{ id: string; tenant: string; deliveries: number }>(published);
  assert.equal(body.tenant, 'acme');
  // acme's endpoint and the tenant-less one; never globex's.
  assert.equal(body.deliveries, 2);
  acmeMessage = body.id;
});
after(() => t.close());

const get = (key: string, url: string) => t.app.inject({ method: 'GET', url, headers: t.auth(key) });

test("a tenant key lists only its tenant's endpoints, messages and deliveries", async () => {
  const endpoints = bodyOf<{ data: { tenant: string | null }[] }>(await get(acme, '/v1/endpoints'));
  assert.deepEqual(
    endpoints.data.map((e) => e.tenant),
    ['acme'],
  );
  const messages = bodyOf<{ data: { id: string }[] }>(await get(globex, '/v1/messages'));
  assert.deepEqual(messages.data, []);
  const deliveries = bodyOf<{ data: { tenant: string }[] }>(await get(acme, '/v1/deliveries'));
  assert.ok(deliveries.data.length > 0 && deliveries.data.every((d) => d.tenant === 'acme'));
  assert.equal(errorCode(await get(acme, '/v1/endpoints?tenant=globex')), 'forbidden');
  const unscoped = bodyOf<{ data: unknown[] }>(await get(t.adminKey, '/v1/endpoints'));
  assert.equal(unscoped.data.length, 3);
});

test("another tenant's resources are 404, for reads and writes alike", async () => {
  const attempts: [string, string, Record<string, unknown>?][] = [
    ['GET', `/v1/endpoints/${acmeEndpoint}`],
    ['PATCH', `/v1/endpoints/${acmeEndpoint}`, { description: 'pwned' }],
    ['DELETE', `/v1/endpoints/${acmeEndpoint}`],
    ['POST', `/v1/endpoints/${acmeEndpoint}/secret/rotate`, {}],
    ['POST', `/v1/endpoints/${acmeEndpoint}/disable`, {}],
    ['GET', `/v1/messages/${acmeMessage}`],
    ['GET', `/v1/messages/${acmeMessage}/deliveries`],
    ['POST', `/v1/messages/${acmeMessage}/cancel`],
    ['POST', `/v1/messages/${acmeMessage}/resend`, { endpointId: globexEndpoint }],
    ['GET', `/v1/attempts?messageId=${acmeMessage}`],
  ];
  for (const [method, url, payload] of attempts) {
    const response = await t.app.inject({
      method: method as 'GET',
      url,
      headers: t.auth(globex),
      ...(payload ? { payload } : {}),
    });
    assert.equal(response.statusCode, 404, `${method} ${url}`);
    assert.equal(errorCode(response), 'not_found');
  }
  assert.equal((await t.store.getEndpoint(acmeEndpoint))?.description, '');
});

test('a tenant key cannot write into another tenant, the global catalog, or list all attempts', async () => {
  const publishElsewhere = await t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth(acme),
    payload: { eventType: 'x', payload: 1, tenant: 'globex' },
  });
  assert.equal(publishElsewhere.statusCode, 403);
  const endpointElsewhere = await t.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: t.auth(acme),
    payload: { url: 'https://x.example.com/', tenant: 'globex' },
  });
  assert.equal(endpointElsewhere.statusCode, 403);
  const eventType = await t.app.inject({
    method: 'POST',
    url: '/v1/event-types',
    headers: t.auth(acme),
    payload: { name: 'acme.only' },
  });
  assert.equal(eventType.statusCode, 403);
  assert.equal(errorCode(eventType), 'forbidden');
  assert.equal(errorCode(await get(acme, '/v1/attempts')), 'forbidden');
  assert.equal((await get(acme, `/v1/attempts?messageId=${acmeMessage}`)).statusCode, 200);
  assert.equal((await get(acme, '/v1/event-types')).statusCode, 200);
});
