// Providers' URL-registration handshakes (provider-handshakes.ts), answered the way each provider's
// documentation shows, end to end through the real app on both engines: the answer, what is refused,
// and that no handshake is ever stored or forwarded.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { createIngestKit, type IngestKit } from './ingest-test-kit.ts';

async function storedCount(kit: IngestKit, sourceId: string): Promise<number> {
  return (await kit.store.listMessages({ sourceId })).data.length;
}

forEachEngine((engine) => {
  test('Meta: the hub challenge is echoed for the right verify token only, on the token URL and the alias', async () => {
    const kit = await createIngestKit(engine);
    try {
      const appSecret = 'meta-app-secret';
      const source = await kit.createSource({
        name: 'whatsapp',
        alias: '/meta',
        verification: { scheme: 'hmac', header: 'x-hub-signature-256', prefix: 'sha256=' },
        secret: appSecret,
        handshake: { kind: 'meta', verifyToken: 'meatyhamhock' },
      });
      assert.deepEqual(source.handshake, { kind: 'meta', verifyToken: 'meatyhamhock' });
      await kit.createEndpoint();
      const base = await kit.listen();
      const get = (query: string, path = source.ingestPath) => fetch(`${base}${path}?${query}`);

      for (const path of [source.ingestPath, '/meta']) {
        const ok = await get(
          'hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock',
          path,
        );
        assert.equal(ok.status, 200, path);
        assert.equal(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
        assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(await ok.text(), '1158201444');
      }
      const wrong = await get('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess');
      assert.equal(wrong.status, 403);
      const refusal = await wrong.text();
      assert.equal(JSON.parse(refusal).error.code, 'invalid_token');
      assert.doesNotMatch(refusal, /1158201444/);
      // Not the handshake's shape: the URL takes POST, as before.
      for (const query of [
        'hub.challenge=1&hub.verify_token=meatyhamhock',
        'hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=meatyhamhock',
        'hub.mode=subscribe&hub.verify_token=meatyhamhock',
        `hub.mode=subscribe&hub.challenge=${'1'.repeat(1025)}&hub.verify_token=meatyhamhock`,
        'hub.mode=subscribe&hub.challenge=a%0Ab&hub.verify_token=meatyhamhock',
        'hub.mode=subscribe&hub.challenge=1&hub.challenge=2&hub.verify_token=meatyhamhock',
      ]) {
        const response = await get(query);
        assert.equal(response.status, 405, query);
        assert.equal((await response.json()).error.code, 'method_not_allowed', query);
      }
      assert.equal(await storedCount(kit, source.id), 0);

      // Events are Meta's X-Hub-Signature-256 over the body, verified as always.
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
      const event = await fetch(`${base}${source.ingestPath}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
        },
        body,
      });
      assert.equal(event.status, 202, await event.text());
      assert.equal(await storedCount(kit, source.id), 1);
    } finally {
      await kit.close();
    }
  });

  test('X: the CRC is answered with the HMAC of the token under the newest secret, never for a JSON token', async () => {
    const kit = await createIngestKit(engine);
    try {
      const verification = {
        scheme: 'hmac',
        header: 'x-twitter-webhooks-signature',
        prefix: 'sha256=',
        encoding: 'base64',
      };
      const refused = await kit.app.inject({
        method: 'POST',
        url: '/v1/sources',
        headers: kit.auth,
        payload: { name: 'x-open', verification, secret: 's', handshake: { kind: 'x' } },
      });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().error.code, 'validation_failed');
      assert.match(refused.json().error.message, /requireJson/);

      const source = await kit.createSource({
        name: 'x',
        verification,
        secret: 'consumer-secret',
        requireJson: true,
        handshake: { kind: 'x' },
      });
      const expected = (token: string, key: string) =>
        `sha256=${createHmac('sha256', key).update(token).digest('base64')}`;
      const crc = (token: string) =>
        kit.app.inject({ method: 'GET', url: `${source.ingestPath}?crc_token=${encodeURIComponent(token)}` });

      const ok = await crc('nR2bHqAVCq8LiUk0E9tTXw');
      assert.equal(ok.statusCode, 200, ok.body);
      assert.match(String(ok.headers['content-type']), /^application\/json/);
      assert.deepEqual(ok.json(), { response_token: expected('nR2bHqAVCq8LiUk0E9tTXw', 'consumer-secret') });

      // A token that is JSON could be posted back as an event with the answer as its signature.
      for (const token of ['12345', '{"a":1}', 'true', '"x"']) {
        const response = await crc(token);
        assert.equal(response.statusCode, 405, token);
      }
      // Any other token's answer signs a body the source refuses for not being JSON.
      const token = 'not-json';
      const forged = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: {
          'content-type': 'application/json',
          'x-twitter-webhooks-signature': (await crc(token)).json().response_token,
        },
        payload: token,
      });
      assert.equal(forged.statusCode, 400);
      assert.equal(forged.json().error.code, 'invalid_json');
      assert.equal(await storedCount(kit, source.id), 0);

      // After a rotation the CRC answers with the new secret, which X then signs with.
      const rotated = await kit.app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/secrets/rotate`,
        headers: kit.auth,
        payload: { secret: 'new-consumer-secret' },
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.deepEqual((await crc('abc')).json(), { response_token: expected('abc', 'new-consumer-secret') });

      // The answer signs with the source's secret, so only the hmac scheme carries one to sign with.
      const noneScheme = await kit.app.inject({
        method: 'PATCH',
        url: `/v1/sources/${source.id}`,
        headers: kit.auth,
        payload: { verification: { scheme: 'none' } },
      });
      assert.equal(noneScheme.statusCode, 400);
      assert.match(noneScheme.json().error.message, /hmac scheme/);
    } finally {
      await kit.close();
    }
  });

  test('Zoom: a signed url_validation is answered with the token signed by the verifying secret, never stored', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'zoom',
        verification: {
          scheme: 'hmac',
          header: 'x-zm-signature',
          prefix: 'v0=',
          timestampHeader: 'x-zm-request-timestamp',
          signedContent: 'v0:{timestamp}:{body}',
        },
        secret: 'zoom-secret-token',
        handshake: { kind: 'zoom' },
      });
      await kit.createEndpoint();
      const now = String(Math.floor(kit.clock.now() / 1000));
      const post = (body: string, key: string | null) =>
        kit.app.inject({
          method: 'POST',
          url: source.ingestPath,
          headers: {
            'content-type': 'application/json',
            'x-zm-request-timestamp': now,
            ...(key === null
              ? {}
              : {
                  'x-zm-signature': `v0=${createHmac('sha256', key).update(`v0:${now}:${body}`).digest('hex')}`,
                }),
          },
          payload: body,
        });
      const validation = JSON.stringify({
        payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
        event_ts: 1654503849680,
        event: 'endpoint.url_validation',
      });
      const encrypted = (key: string) =>
        createHmac('sha256', key).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex');

      const ok = await post(validation, 'zoom-secret-token');
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), {
        plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
        encryptedToken: encrypted('zoom-secret-token'),
      });
      assert.equal(ok.headers['x-hookline-message-id'], undefined);
      const unsigned = await post(validation, null);
      assert.equal(unsigned.statusCode, 401);
      assert.doesNotMatch(unsigned.body, /encryptedToken/);
      assert.equal((await post(validation, 'wrong')).statusCode, 401);
      assert.equal(await storedCount(kit, source.id), 0);

      // In a rotation's grace Zoom may still sign with the old secret: the answer uses the one it signed with.
      const rotated = await kit.app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/secrets/rotate`,
        headers: kit.auth,
        payload: { secret: 'zoom-new-secret', graceSeconds: 3600 },
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      assert.equal(
        (await post(validation, 'zoom-secret-token')).json().encryptedToken,
        encrypted('zoom-secret-token'),
      );
      assert.equal(
        (await post(validation, 'zoom-new-secret')).json().encryptedToken,
        encrypted('zoom-new-secret'),
      );

      // Events are stored; a validation without a usable plain token is an event like any other.
      const meeting = JSON.stringify({ event: 'meeting.started', payload: { object: { id: 1 } } });
      assert.equal((await post(meeting, 'zoom-new-secret')).statusCode, 202);
      const noToken = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 42 } });
      assert.equal((await post(noToken, 'zoom-new-secret')).statusCode, 202);
      assert.equal(await storedCount(kit, source.id), 2);
    } finally {
      await kit.close();
    }
  });

  test('Microsoft Graph, Dropbox and Okta: their challenges are echoed only on sources set for them', async () => {
    const kit = await createIngestKit(engine);
    try {
      const graph = await kit.createSource({
        name: 'graph',
        verification: { scheme: 'none' },
        contentTypes: ['application/json'],
        handshake: { kind: 'microsoft-graph' },
      });
      const dropbox = await kit.createSource({
        name: 'dropbox',
        verification: { scheme: 'hmac', header: 'x-dropbox-signature' },
        secret: 'dropbox-app-secret',
        handshake: { kind: 'dropbox' },
      });
      const okta = await kit.createSource({
        name: 'okta',
        verification: { scheme: 'token', header: 'authorization' },
        secret: 'okta-shared-secret',
        handshake: { kind: 'okta' },
      });
      const plain = await kit.createSource({ name: 'plain', verification: { scheme: 'none' } });
      await kit.createEndpoint();
      const base = await kit.listen();

      // Graph: a POST with the token in the query and a text/plain (empty) body, before any content-type rule.
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 3b3f';
      const validate = (path: string) =>
        fetch(`${base}${path}?validationToken=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
      const graphOk = await validate(graph.ingestPath);
      assert.equal(graphOk.status, 200);
      assert.equal(graphOk.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(graphOk.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await graphOk.text(), token);
      const notification = await fetch(`${base}${graph.ingestPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value: [{ clientState: 'x', changeType: 'created' }] }),
      });
      assert.equal(notification.status, 202);
      // Elsewhere the query means nothing: the request is an ordinary one.
      const elsewhere = await validate(plain.ingestPath);
      assert.equal(elsewhere.status, 202);
      assert.doesNotMatch(await elsewhere.text(), /Validation/);

      // Dropbox: GET ?challenge=, echoed as plain text.
      const challenge = await fetch(`${base}${dropbox.ingestPath}?challenge=aZ09-x_y`);
      assert.equal(challenge.status, 200);
      assert.equal(challenge.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await challenge.text(), 'aZ09-x_y');

      // Okta: GET with X-Okta-Verification-Challenge, answered as {"verification": …}.
      const verify = await fetch(`${base}${okta.ingestPath}`, {
        headers: { 'x-okta-verification-challenge': 'ZtcJxKzv-pR1zDDGXYmLxR-B1YSOIEfFo2hX0rxx' },
      });
      assert.equal(verify.status, 200);
      assert.deepEqual(await verify.json(), { verification: 'ZtcJxKzv-pR1zDDGXYmLxR-B1YSOIEfFo2hX0rxx' });

      // Each source answers its own handshake only; a plain source, a disabled one and an unknown token
      // keep the 405 every GET got.
      const crossed = [
        `${base}${okta.ingestPath}?challenge=abc`,
        `${base}${dropbox.ingestPath}?validationToken=abc`,
        `${base}${plain.ingestPath}?challenge=abc`,
        `${base}/in/AAAAAAAAAAAAAAAAAAAAAA?challenge=abc`,
      ];
      await kit.app.inject({
        method: 'PATCH',
        url: `/v1/sources/${dropbox.id}`,
        headers: kit.auth,
        payload: { disabled: true },
      });
      crossed.push(`${base}${dropbox.ingestPath}?challenge=abc`);
      for (const url of crossed) {
        const response = await fetch(url);
        assert.equal(response.status, 405, url);
      }
      for (const source of [graph, dropbox, okta])
        assert.equal(await storedCount(kit, source.id), source === graph ? 1 : 0);
    } finally {
      await kit.close();
    }
  });

  test('the handshake option is validated, shown, changed and cleared through the API', async () => {
    const kit = await createIngestKit(engine);
    try {
      const create = (handshake: unknown) =>
        kit.app.inject({
          method: 'POST',
          url: '/v1/sources',
          headers: kit.auth,
          payload: { name: `s${Math.random()}`, verification: { scheme: 'none' }, handshake },
        });
      for (const [handshake, field] of [
        [{ kind: 'facebook' }, 'handshake.kind'],
        ['meta', 'handshake.kind'],
        [{ kind: 'meta' }, 'handshake.verifyToken'],
        [{ kind: 'meta', verifyToken: '' }, 'handshake.verifyToken'],
        [{ kind: 'dropbox', verifyToken: 'x' }, 'handshake.verifyToken'],
        [{ kind: 'zoom' }, 'handshake'],
      ] as const) {
        const response = await create(handshake);
        assert.equal(response.statusCode, 400, JSON.stringify(handshake));
        assert.equal(response.json().error.code, 'validation_failed');
        assert.equal(response.json().error.details.field, field, JSON.stringify(handshake));
      }
      const created = await create(null);
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().handshake, null);
      const id = created.json().id;
      const patch = (payload: Record<string, unknown>) =>
        kit.app.inject({ method: 'PATCH', url: `/v1/sources/${id}`, headers: kit.auth, payload });
      const set = await patch({ handshake: { kind: 'dropbox' } });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(set.json().handshake, { kind: 'dropbox' });
      const read = await kit.app.inject({ method: 'GET', url: `/v1/sources/${id}`, headers: kit.auth });
      assert.deepEqual(read.json().handshake, { kind: 'dropbox' });
      assert.equal((await patch({ handshake: null })).json().handshake, null);
      assert.equal((await kit.store.getSource(id))?.handshake, null);
    } finally {
      await kit.close();
    }
  });
});
