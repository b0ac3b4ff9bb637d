// Providers without an official signer on npm here (Shopify, Slack, Twilio), signed by hand following
// their published algorithms, end to end through the real app on both engines.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { createIngestKit } from './ingest-test-kit.ts';

const PUBLIC_BASE = 'https://hooks.example.com';

forEachEngine((engine) => {
  test('Shopify: X-Shopify-Hmac-Sha256 (base64), topic as event type, webhook id deduplicated', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'shop',
        verification: { scheme: 'shopify' },
        secret: 'shpss_secret',
      });
      const body = '{"id":820982911946154508,"email":"jon@example.com"}';
      const headers = {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        'x-shopify-hmac-sha256': createHmac('sha256', 'shpss_secret').update(body).digest('base64'),
      };
      const first = await kit.app.inject({ method: 'POST', url: source.ingestPath, headers, payload: body });
      assert.equal(first.statusCode, 202, first.body);
      const second = await kit.app.inject({ method: 'POST', url: source.ingestPath, headers, payload: body });
      assert.equal(second.headers['x-hookline-message-id'], first.headers['x-hookline-message-id']);
      const message = await kit.store.getMessage(String(first.headers['x-hookline-message-id']));
      assert.equal(message?.eventType, 'orders/create');
      assert.equal(message?.dedupKey, 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
      const forged = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: {
          ...headers,
          'x-shopify-hmac-sha256': createHmac('sha256', 'other').update(body).digest('base64'),
        },
        payload: body,
      });
      assert.equal(forged.json().error.code, 'invalid_signature');
    } finally {
      await kit.close();
    }
  });

  test('Slack: v0 signature over v0:{timestamp}:{body}, replay window enforced', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'slack',
        verification: { scheme: 'slack' },
        secret: '8f742231b10e8888abcd99yyyzzz85a5',
      });
      const body = '{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}';
      const sign = (ts: number) => ({
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': `v0=${createHmac('sha256', '8f742231b10e8888abcd99yyyzzz85a5').update(`v0:${ts}:${body}`).digest('hex')}`,
      });
      const now = Math.floor(kit.clock.now() / 1000);
      const ok = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: sign(now),
        payload: body,
      });
      assert.equal(ok.statusCode, 202, ok.body);
      const message = await kit.store.getMessage(String(ok.headers['x-hookline-message-id']));
      assert.equal(message?.eventType, 'app_mention');
      assert.equal(message?.dedupKey, 'Ev1');
      const replay = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: sign(now - 600),
        payload: body,
      });
      assert.equal(replay.statusCode, 400);
      assert.equal(replay.json().error.code, 'timestamp_out_of_window');
    } finally {
      await kit.close();
    }
  });

  test('Twilio: base64 HMAC-SHA1 of the public URL + sorted form fields (publicBaseUrl)', async () => {
    const kit = await createIngestKit(engine, { config: { publicBaseUrl: PUBLIC_BASE } });
    try {
      const source = await kit.createSource({
        name: 'twilio',
        verification: { scheme: 'twilio' },
        secret: '12345',
        eventTypeRule: { kind: 'fixed', eventType: 'twilio.sms' },
        dedupRule: { kind: 'pointer', pointer: '/MessageSid' },
      });
      const path = `${source.ingestPath}/sms`;
      const params = { To: '+15551234567', From: '+15557654321', Body: 'hello', MessageSid: 'SM1' };
      const body = new URLSearchParams(params).toString();
      const signed =
        PUBLIC_BASE +
        path +
        Object.keys(params)
          .sort()
          .map((key) => key + params[key as keyof typeof params])
          .join('');
      const signature = createHmac('sha1', '12345').update(signed).digest('base64');
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      };
      const ok = await kit.app.inject({ method: 'POST', url: path, headers, payload: body });
      assert.equal(ok.statusCode, 202, ok.body);
      const message = await kit.store.getMessage(String(ok.headers['x-hookline-message-id']));
      assert.equal(message?.eventType, 'twilio.sms');
      assert.equal(message?.dedupKey, 'SM1');
      assert.equal(message?.subPath, '/sms');
      // Signed for another URL: refused.
      const elsewhere = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers,
        payload: body,
      });
      assert.equal(elsewhere.statusCode, 401);
    } finally {
      await kit.close();
    }
  });
});
