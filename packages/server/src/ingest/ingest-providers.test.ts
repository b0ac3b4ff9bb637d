// End to end through the real app: requests signed by the providers' own libraries are verified,
// stored with their event type, dedup key and headers, routed, and deduplicated; bad ones get a code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { forEachEngine } from '../store/conformance/engines.ts';
import { createIngestKit } from './ingest-test-kit.ts';

const stripe = new Stripe('sk_test_offline_never_called');
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

forEachEngine((engine) => {
  test('GitHub: signed by @octokit/webhooks-methods, stored, routed, deduplicated', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'gh',
        verification: { scheme: 'github' },
        secret: "It's a Secret to Everybody",
      });
      const endpoint = await kit.createEndpoint({ eventTypes: ['issues.*'], sources: [source.id] });
      await kit.createEndpoint({ eventTypes: ['push'] });
      const body = JSON.stringify({ action: 'opened', issue: { number: 1 } });
      const headers = {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        'x-hub-signature-256': await githubSign("It's a Secret to Everybody", body),
        authorization: 'token should-not-be-stored',
        cookie: 'a=b',
      };
      const first = await kit.app.inject({
        method: 'POST',
        url: `${source.ingestPath}/github?x=1`,
        headers,
        payload: body,
      });
      assert.equal(first.statusCode, 202, first.body);
      assert.deepEqual(first.json(), { ok: true });
      const id = String(first.headers['x-hookline-message-id']);
      const message = await kit.store.getMessage(id);
      assert.ok(message);
      assert.equal(message.eventType, 'issues.opened');
      assert.equal(message.dedupKey, '72d3162e-cc78-11e3-81ab-4c9367dc0958');
      assert.equal(message.sourceId, source.id);
      assert.equal(message.subPath, '/github?x=1');
      assert.equal(Buffer.from(message.body ?? []).toString(), body);
      assert.equal(message.headers['x-github-event'], 'issues');
      assert.equal(message.headers.authorization, undefined);
      assert.equal(message.headers.cookie, undefined);
      const deliveries = await kit.store.listDeliveries({ messageId: id });
      assert.deepEqual(
        deliveries.data.map((d) => d.endpointId),
        [endpoint.id],
      );

      const again = await kit.app.inject({
        method: 'POST',
        url: `${source.ingestPath}/github?x=1`,
        headers,
        payload: body,
      });
      assert.equal(again.statusCode, 202);
      assert.equal(again.headers['x-hookline-message-id'], id);
      const all = await kit.store.listMessages({ sourceId: source.id });
      assert.equal(all.data.length, 1);
      assert.equal((await kit.store.listDeliveries({ messageId: id })).data.length, 1);

      const forged = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { ...headers, 'x-hub-signature-256': await githubSign('wrong secret', body) },
        payload: body,
      });
      assert.equal(forged.statusCode, 401);
      assert.equal(forged.json().error.code, 'invalid_signature');
      assert.ok(!forged.body.includes('Secret to Everybody'));
      const { 'x-hub-signature-256': _, ...unsigned } = headers;
      const missing = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: unsigned,
        payload: body,
      });
      assert.equal(missing.statusCode, 401);
      assert.equal(missing.json().error.code, 'signature_missing');
    } finally {
      await kit.close();
    }
  });

  test('Stripe: generateTestHeaderString accepted; old timestamp is timestamp_out_of_window', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'stripe',
        verification: { scheme: 'stripe' },
        secret: 'whsec_test_secret',
      });
      const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', data: { object: { id: 'in_1' } } });
      const now = Math.floor(kit.clock.now() / 1000);
      const header = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: 'whsec_test_secret',
        timestamp: now,
      });
      const ok = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
        payload: body,
      });
      assert.equal(ok.statusCode, 202, ok.body);
      const message = await kit.store.getMessage(String(ok.headers['x-hookline-message-id']));
      assert.equal(message?.eventType, 'invoice.paid');
      assert.equal(message?.dedupKey, 'evt_1');

      const stale = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: 'whsec_test_secret',
        timestamp: now - 301,
      });
      const old = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json', 'stripe-signature': stale },
        payload: body,
      });
      assert.equal(old.statusCode, 400);
      assert.equal(old.json().error.code, 'timestamp_out_of_window');
      const future = stripe.webhooks.generateTestHeaderString({
        payload: body,
        secret: 'whsec_test_secret',
        timestamp: now + 301,
      });
      const early = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json', 'stripe-signature': future },
        payload: body,
      });
      assert.equal(early.json().error.code, 'timestamp_out_of_window');
      const tampered = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        payload: body.replace('in_1', 'in_2'),
      });
      assert.equal(tampered.statusCode, 401);
      assert.equal(tampered.json().error.code, 'invalid_signature');
    } finally {
      await kit.close();
    }
  });

  test('Standard Webhooks and Svix: signed by their libraries, deduplicated on webhook-id', async () => {
    const kit = await createIngestKit(engine);
    try {
      const standard = await kit.createSource({
        name: 'std',
        verification: { scheme: 'standard-webhooks' },
        secret: WHSEC,
      });
      const svix = await kit.createSource({ name: 'svix', verification: { scheme: 'svix' }, secret: WHSEC });
      const body = JSON.stringify({ type: 'user.created', data: { id: 'u1' } });
      const at = new Date(kit.clock.now());
      const stdHeaders = {
        'content-type': 'application/json',
        'webhook-id': 'msg_std_1',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new StandardWebhook(WHSEC).sign('msg_std_1', at, body),
      };
      const svixHeaders = {
        'content-type': 'application/json',
        'svix-id': 'msg_svix_1',
        'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
        'svix-signature': new SvixWebhook(WHSEC).sign('msg_svix_1', at, body),
      };
      for (const [source, headers, dedup] of [
        [standard, stdHeaders, 'msg_std_1'],
        [svix, svixHeaders, 'msg_svix_1'],
      ] as const) {
        const first = await kit.app.inject({
          method: 'POST',
          url: source.ingestPath,
          headers,
          payload: body,
        });
        assert.equal(first.statusCode, 202, first.body);
        const second = await kit.app.inject({
          method: 'POST',
          url: source.ingestPath,
          headers,
          payload: body,
        });
        assert.equal(second.statusCode, 202);
        assert.equal(second.headers['x-hookline-message-id'], first.headers['x-hookline-message-id']);
        const message = await kit.store.getMessage(String(first.headers['x-hookline-message-id']));
        assert.equal(message?.eventType, 'user.created');
        assert.equal(message?.dedupKey, dedup);
        assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 1);
      }
      // The same webhook-id on another source is another event.
      const cross = await kit.app.inject({
        method: 'POST',
        url: standard.ingestPath,
        headers: { ...stdHeaders, 'webhook-signature': 'v1,AAAA' },
        payload: body,
      });
      assert.equal(cross.statusCode, 401);
    } finally {
      await kit.close();
    }
  });
});
