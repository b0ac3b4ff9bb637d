// Providers without an official signer on npm here (Shopify, Slack, Twilio), signed by hand following
// their published algorithms, end to end through the real app on both engines.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
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

  test('Slack: a signed url_verification is answered with its challenge, neither stored nor forwarded', async () => {
    const kit = await createIngestKit(engine);
    try {
      const secret = '8f742231b10e8888abcd99yyyzzz85a5';
      const source = await kit.createSource({ name: 'slack', verification: { scheme: 'slack' }, secret });
      await kit.createEndpoint();
      const challenge = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
      const handshake = (value: unknown) =>
        JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge: value, type: 'url_verification' });
      const now = Math.floor(kit.clock.now() / 1000);
      const signed = (body: string, key = secret) => ({
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': `v0=${createHmac('sha256', key).update(`v0:${now}:${body}`).digest('hex')}`,
      });
      const post = (body: string, headers: Record<string, string>) =>
        kit.app.inject({ method: 'POST', url: source.ingestPath, headers, payload: body });

      const body = handshake(challenge);
      const ok = await post(body, signed(body));
      assert.equal(ok.statusCode, 200, ok.body);
      assert.match(String(ok.headers['content-type']), /^application\/json/);
      assert.equal(ok.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(ok.json(), { challenge });
      assert.equal(ok.headers['x-hookline-message-id'], undefined);

      // Unsigned or forged: the normal refusal, the challenge never echoed.
      const unsigned = await post(body, { 'content-type': 'application/json' });
      assert.equal(unsigned.statusCode, 401);
      assert.equal(unsigned.json().error.code, 'signature_missing');
      const forged = await post(body, signed(body, 'not-the-secret'));
      assert.equal(forged.statusCode, 401);
      assert.equal(forged.json().error.code, 'invalid_signature');
      assert.doesNotMatch(forged.body, /3eZbrw1a/);
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 0);

      // A challenge that is not a short string is no handshake: a signed event like any other.
      const long = handshake('x'.repeat(257));
      const notEchoed = await post(long, signed(long));
      assert.equal(notEchoed.statusCode, 202, notEchoed.body);
      assert.doesNotMatch(notEchoed.body, /xxxx/);
      const objectChallenge = handshake({ nested: true });
      assert.equal((await post(objectChallenge, signed(objectChallenge))).statusCode, 202);
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 2);

      // Only a slack source answers the handshake: elsewhere it is an ordinary event.
      const open = await kit.createSource({ name: 'open', verification: { scheme: 'none' } });
      const elsewhere = await kit.app.inject({
        method: 'POST',
        url: open.ingestPath,
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      assert.equal(elsewhere.statusCode, 202);
      assert.deepEqual(elsewhere.json(), { ok: true });
    } finally {
      await kit.close();
    }
  });

  test('Slack: ssl_check=1 is answered 200, signed or not, and neither stored nor forwarded', async () => {
    const kit = await createIngestKit(engine);
    try {
      const secret = '8f742231b10e8888abcd99yyyzzz85a5';
      const source = await kit.createSource({ name: 'slack', verification: { scheme: 'slack' }, secret });
      await kit.createEndpoint();
      const base = await kit.listen();
      const form = 'application/x-www-form-urlencoded';
      const now = Math.floor(kit.clock.now() / 1000);
      const post = (
        body: string | Uint8Array<ArrayBuffer>,
        headers: Record<string, string>,
        url = source.ingestPath,
      ) => fetch(`${base}${url}`, { method: 'POST', headers, body });
      const check = 'ssl_check=1&token=Jhj5dZrVaK7ZwHHjRyZWjbDl';
      const signature = (body: string) =>
        `v0=${createHmac('sha256', secret).update(`v0:${now}:${body}`).digest('hex')}`;

      for (const [body, headers] of [
        [check, { 'content-type': form }],
        [check, { 'content-type': `${form}; charset=utf-8` }],
        ['token=Jhj5dZrVaK7ZwHHjRyZWjbDl&ssl_check=1', { 'content-type': form }],
        ['ssl_check=1', { 'content-type': form }],
        [
          check,
          {
            'content-type': form,
            'x-slack-request-timestamp': String(now),
            'x-slack-signature': signature(check),
          },
        ],
      ] as const) {
        const response = await post(body, headers);
        assert.equal(response.status, 200, body);
        assert.equal(await response.text(), '', body);
        assert.equal(response.headers.get('x-hookline-message-id'), null, body);
      }

      // Anything else is no ssl_check: verified like every request, so unsigned it is refused.
      const gzipped = new Uint8Array(gzipSync(check));
      for (const [body, headers] of [
        ['ssl_check=1&token=x&command=%2Fdeploy', { 'content-type': form }],
        ['ssl_check=0&token=x', { 'content-type': form }],
        ['ssl_check=true', { 'content-type': form }],
        ['ssl_check=1&ssl_check=1', { 'content-type': form }],
        ['ssl_check=1&token=a&token=b', { 'content-type': form }],
        [`ssl_check=1&token=${'x'.repeat(300)}`, { 'content-type': form }],
        [check, { 'content-type': 'text/plain' }],
        [check, {}],
        ['{"ssl_check":"1"}', { 'content-type': 'application/json' }],
        [gzipped, { 'content-type': form, 'content-encoding': 'gzip' }],
      ] as const) {
        const response = await post(body, headers);
        assert.equal(response.status, 401, String(body));
        assert.equal((await response.json()).error.code, 'signature_missing', String(body));
      }
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 0);

      // A signed slash command is still an event.
      const command = 'token=x&command=%2Fdeploy&text=staging&ssl_check=1';
      const signed = await post(command, {
        'content-type': form,
        'x-slack-request-timestamp': String(now),
        'x-slack-signature': signature(command),
      });
      assert.equal(signed.status, 202, await signed.text());
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 1);

      // Only a slack source answers it: elsewhere it is an ordinary event.
      const open = await kit.createSource({ name: 'open', verification: { scheme: 'none' } });
      const elsewhere = await post(check, { 'content-type': form }, open.ingestPath);
      assert.equal(elsewhere.status, 202);
      assert.deepEqual(await elsewhere.json(), { ok: true });
      // An unknown token or a disabled slack source is still 404.
      const off = await kit.createSource({
        name: 'slack-off',
        verification: { scheme: 'slack' },
        secret,
        disabled: true,
      });
      for (const url of ['/in/AAAAAAAAAAAAAAAAAAAAAA', off.ingestPath]) {
        const response = await post(check, { 'content-type': form }, url);
        assert.equal(response.status, 404, url);
        assert.equal((await response.json()).error.code, 'source_not_found', url);
      }
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
