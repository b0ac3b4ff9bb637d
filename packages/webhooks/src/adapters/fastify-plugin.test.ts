import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { createReceiver } from '../receiver.ts';
import { schemes } from '../schemes.ts';
import { webhooksFastify } from './fastify-plugin.ts';

type Events = { 'orders/create': { id: number; total_price: string } };

test('Fastify: the plugin verifies raw bytes in its own scope; sibling routes keep JSON parsing', async () => {
  const secret = 'shopify-fastify-secret';
  const totals: string[] = [];
  const hooks = createReceiver<Events>({ scheme: 'shopify', secret }).on('orders/create', (event) => {
    totals.push(event.payload.total_price);
  });
  const app = Fastify();
  await app.register(webhooksFastify(hooks), { prefix: '/webhooks/shopify' });
  app.post('/api/echo', async (request) => request.body);
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    // Whitespace and key order that a parse-and-reserialise would lose: only raw bytes verify.
    const body = '{ "id": 1,  "total_price": "9.99" }';
    const headers = {
      ...(await schemes.shopify.sign({ body }, { secret })),
      'x-shopify-topic': 'orders/create',
      'content-type': 'application/json',
    };
    const ok = await fetch(`${base}/webhooks/shopify`, { method: 'POST', headers, body });
    assert.equal(ok.status, 204);
    assert.deepEqual(totals, ['9.99']);
    const bad = await fetch(`${base}/webhooks/shopify`, {
      method: 'POST',
      headers,
      body: body.replace('9.99', '0.01'),
    });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).error.code, 'invalid_signature');
    const empty = await fetch(`${base}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'x-shopify-hmac-sha256': 'AAAA' },
    });
    assert.equal(empty.status, 401);
    const echo = await fetch(`${base}/api/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    assert.deepEqual(await echo.json(), { a: 1 });
  } finally {
    await app.close();
  }
});

test('Fastify: publicUrl feeds Twilio verification, and the body limit answers 413', async () => {
  const hooks = createReceiver({ scheme: 'twilio', secret: 'tw', maxBodyBytes: 256 });
  const app = Fastify();
  await app.register(
    webhooksFastify(hooks, { path: '/sms', publicUrl: (r) => `https://public.example${r.url}` }),
  );
  const body = 'MessageSid=SM1&Body=hello';
  const headers = {
    ...(await schemes.twilio.sign({ body, url: 'https://public.example/sms' }, { secret: 'tw' })),
    'content-type': 'application/x-www-form-urlencoded',
  };
  const ok = await app.inject({ method: 'POST', url: '/sms', headers, payload: body });
  assert.equal(ok.statusCode, 204);
  const big = await app.inject({ method: 'POST', url: '/sms', headers, payload: 'x'.repeat(300) });
  assert.equal(big.statusCode, 413);
  await app.close();
});
