import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { createIngestKit } from '../ingest/ingest-test-kit.ts';
import { type EngineFactory, forEachEngine, type TestStore } from '../store/conformance/engines.ts';
import { openDeliveryKit, startReceiver } from '../test-support/delivery-kit.ts';
import { encryptingStore } from './encrypting-store.ts';
import { keyOf } from './encryption-key.ts';
import { createSecretCipher } from './secret-cipher.ts';

const KEY = keyOf(Buffer.alloc(32, 42));

/** The engine with its stores wrapped as main.ts wraps them; `raw` keeps the last one for SQL checks. */
function encrypted(engine: EngineFactory): EngineFactory & { raw: TestStore | null } {
  const wrapped: EngineFactory & { raw: TestStore | null } = {
    ...engine,
    raw: null,
    async open(options) {
      const t = await engine.open(options);
      wrapped.raw = t;
      const store = encryptingStore(t.store, createSecretCipher({ current: KEY }), t.deps.newId);
      return { ...t, store };
    },
  };
  return wrapped;
}

async function dump(t: TestStore | null): Promise<string> {
  assert.ok(t);
  return JSON.stringify([
    await t.rawQuery('SELECT * FROM endpoints'),
    await t.rawQuery('SELECT * FROM sources'),
  ]);
}

/**
 * The whole path with secrets encrypted at rest: what the worker signs with and what ingest verifies with
 * are the decrypted secrets, while the tables hold envelopes only.
 */
forEachEngine((engine) => {
  test('deliveries are signed with the decrypted secret, before and after a rotation', async () => {
    const secured = encrypted(engine);
    const kit = await openDeliveryKit(secured);
    const receiver = await startReceiver((_request, response) => response.writeHead(204).end());
    try {
      const credential = 'Bearer receiver-api-credential-55aa';
      const { id, secret } = await kit.createEndpoint({
        url: receiver.url,
        headers: { Authorization: credential },
      });
      const rotated = await kit.call('POST', `/v1/endpoints/${id}/secret/rotate`, {});
      assert.equal(rotated.statusCode, 200, rotated.body);
      const next = (JSON.parse(rotated.body) as { secret: string }).secret;
      const messageId = await kit.publish();
      await kit.waitFor('the delivery', async () => receiver.requests.length === 1);
      const request = receiver.requests[0];
      assert.ok(request);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
      );
      // Both the new and the old (in its grace period) secret sign, as the rotation promises.
      for (const key of [next, secret]) new Webhook(key).verify(request.body.toString(), headers);
      assert.equal(headers['webhook-id'], messageId);
      // The custom header's value reaches the receiver decrypted; the API shows it as it was given.
      assert.equal(headers.authorization, credential);
      const shown = await kit.call('GET', `/v1/endpoints/${id}`);
      assert.equal(
        (JSON.parse(shown.body) as { headers: Record<string, string> }).headers.Authorization,
        credential,
      );

      const raw = await dump(secured.raw);
      assert.ok(raw.includes('enc:v1:'));
      for (const value of [secret, next]) {
        assert.ok(!raw.includes(value.slice('whsec_'.length)), 'a secret is stored in clear text');
      }
      assert.ok(!raw.includes('receiver-api-credential'), 'a custom header value is stored in clear text');
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test('ingest verifies with the decrypted source secret; the table holds an envelope', async () => {
    const secured = encrypted(engine);
    const kit = await createIngestKit(engine, { testStore: await secured.open() });
    try {
      const secret = 'gh-secret-for-encryption-test-0123456789';
      const source = await kit.createSource({ name: 'gh', verification: { scheme: 'github' }, secret });
      const body = JSON.stringify({ action: 'opened' });
      const headers = {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': '4f5a6e2c-0000-4000-8000-000000000001',
      };
      const good = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { ...headers, 'x-hub-signature-256': await githubSign(secret, body) },
        payload: body,
      });
      assert.equal(good.statusCode, 202, good.body);
      const bad = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: {
          ...headers,
          'x-github-delivery': '4f5a6e2c-0000-4000-8000-000000000002',
          'x-hub-signature-256': await githubSign('not the secret', body),
        },
        payload: body,
      });
      assert.equal(bad.statusCode, 401);
      assert.ok(!bad.body.includes(secret));
      assert.equal((await kit.store.getSource(source.id))?.secrets[0]?.secret, secret);
      const raw = await dump(secured.raw);
      assert.ok(
        raw.includes('enc:v1:') && !raw.includes(secret),
        'the source secret is stored in clear text',
      );
    } finally {
      await kit.close();
    }
  });
});
