import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { shopifyScheme } from './shopify.ts';

const body = '{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}';

test('Shopify: base64 HMAC-SHA256 of the raw body with the client secret', async () => {
  // Shopify publishes the algorithm but no fixed vector; this pair is computed independently with
  // node:crypto, as Shopify's docs show, and matches the value other projects pin for the same input.
  const header = createHmac('sha256', 'test-webhook-secret').update(body).digest('base64');
  assert.equal(header, 'QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw=');
  const result = await shopifyScheme.verify(
    { headers: { 'X-Shopify-Hmac-Sha256': header }, body },
    { secret: 'test-webhook-secret' },
  );
  assert.deepEqual(result, { ok: true, secretIndex: 0 });
  assert.deepEqual(await shopifyScheme.sign({ body }, { secret: 'test-webhook-secret' }), {
    'x-shopify-hmac-sha256': header,
  });
});

test('Shopify: typed failures and describe', async () => {
  const code = async (header: string) => {
    const r = await shopifyScheme.verify(
      { headers: { 'x-shopify-hmac-sha256': header }, body },
      { secret: 's' },
    );
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code(''), 'missing_header');
  assert.equal(await code('not base64!'), 'malformed_header');
  assert.equal(await code('AAAA'), 'malformed_header');
  assert.equal(await code(createHmac('sha256', 'other').update(body).digest('base64')), 'invalid_signature');
  const headers = {
    'X-Shopify-Topic': 'orders/create',
    'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  };
  assert.deepEqual(shopifyScheme.describe({ headers, body }), {
    id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    eventType: 'orders/create',
  });
});
