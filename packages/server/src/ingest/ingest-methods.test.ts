// Methods other than POST on ingest URLs: 405 with Allow, the same whether a token exists or not;
// OPTIONS with WebHook-Request-Origin is CloudEvents' validation handshake, answered for enabled sources.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { ensureDefaultSource } from './default-source.ts';
import { createIngestKit } from './ingest-test-kit.ts';

const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

forEachEngine((engine) => {
  test('every other method on an ingest URL is 405 with Allow: POST, known token or not', async () => {
    const kit = await createIngestKit(engine);
    try {
      assert.ok(await ensureDefaultSource(kit.store));
      const source = await kit.createSource({
        name: 'gh',
        verification: { scheme: 'github' },
        secret: 'x',
        alias: '/hooks',
      });
      const disabled = await kit.createSource({
        name: 'off',
        verification: { scheme: 'none' },
        alias: '/off',
        disabled: true,
      });
      const urls = [
        source.ingestPath,
        `${source.ingestPath}/orders/7?x=1`,
        '/in/AAAAAAAAAAAAAAAAAAAAAA',
        '/in/AAAAAAAAAAAAAAAAAAAAAA/orders/7',
        '/in/short',
        disabled.ingestPath,
        '/hooks',
        '/hooks?x=1',
        '/webhook',
      ];
      const seen = new Set<string>();
      for (const method of OTHER_METHODS) {
        for (const url of urls) {
          const response = await kit.app.inject({ method, url });
          assert.equal(response.statusCode, 405, `${method} ${url}`);
          assert.equal(response.headers.allow, 'POST', `${method} ${url}`);
          if (method === 'HEAD') {
            assert.equal(response.body, '', url);
            continue;
          }
          assert.equal(response.json().error.code, 'method_not_allowed', `${method} ${url}`);
          seen.add(`${response.headers['content-type']} ${response.body}`);
        }
      }
      // One answer for every token, known, unknown, malformed or disabled: GET reveals nothing.
      assert.equal(seen.size, 1, [...seen].join('\n'));

      // A body sent with another method is never read: the connection is closed instead.
      const put = await kit.app.inject({
        method: 'PUT',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json' },
        payload: '{"a":1}',
      });
      assert.equal(put.statusCode, 405);
      assert.equal(put.headers.connection, 'close');

      // Over a real socket too, as a provider's probe arrives.
      const base = await kit.listen();
      for (const method of ['HEAD', 'GET', 'OPTIONS']) {
        const response = await fetch(`${base}${source.ingestPath}`, { method });
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.get('allow'), 'POST', method);
        await response.arrayBuffer();
      }

      // Other single-segment paths are not ingest URLs: the plain 404 of any unknown route.
      for (const url of ['/nowhere', '/off', '/in', '/v1']) {
        const response = await kit.app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 404, url);
        assert.equal(response.json().error.code, 'not_found', url);
      }
      // Routes of their own keep answering.
      assert.equal((await kit.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);

      // POST is unchanged, and nothing above was stored.
      assert.equal(
        (await kit.app.inject({ method: 'POST', url: source.ingestPath, payload: '{}' })).statusCode,
        401,
      );
      assert.equal(
        (await kit.app.inject({ method: 'POST', url: '/webhook', payload: '{}' })).statusCode,
        202,
      );
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 0);
    } finally {
      await kit.close();
    }
  });

  test('OPTIONS with WebHook-Request-Origin: the CloudEvents validation handshake, for enabled sources only', async () => {
    const kit = await createIngestKit(engine);
    // A place the sender's WebHook-Request-Callback points at: Hookline must never call it.
    let callbacks = 0;
    const callbackServer = createServer((_request, response) => {
      callbacks++;
      response.end();
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    const { port } = callbackServer.address() as AddressInfo;
    try {
      const source = await kit.createSource({
        name: 'grid',
        verification: { scheme: 'token' },
        secret: 'a-long-shared-token',
        alias: '/grid',
      });
      const disabled = await kit.createSource({
        name: 'off',
        verification: { scheme: 'none' },
        alias: '/off',
        disabled: true,
      });
      await kit.createEndpoint();
      const base = await kit.listen();
      const options = (url: string, headers: Record<string, string> = {}) =>
        fetch(`${base}${url}`, { method: 'OPTIONS', headers });
      const origin = { 'webhook-request-origin': 'eventgrid.azure.net' };

      for (const url of [source.ingestPath, `${source.ingestPath}/orders/7?x=1`, '/grid', '/grid?x=1']) {
        const response = await options(url, {
          ...origin,
          'webhook-request-rate': '120',
          'webhook-request-callback': `http://127.0.0.1:${port}/confirm?id=1&key=secret`,
        });
        assert.equal(response.status, 200, url);
        assert.equal(response.headers.get('webhook-allowed-origin'), 'eventgrid.azure.net', url);
        assert.equal(response.headers.get('allow'), 'POST', url);
        // The default limits, 2,000 requests/s per source and per client, in requests per minute.
        assert.equal(response.headers.get('webhook-allowed-rate'), '120000', url);
        assert.equal(await response.text(), '', url);
      }
      // The answer is synchronous: the asynchronous variant's callback is never called.
      assert.equal(callbacks, 0);
      // A body sent with it is never read: the connection is closed instead.
      const withBody = await kit.app.inject({
        method: 'OPTIONS',
        url: source.ingestPath,
        headers: { ...origin, 'content-type': 'application/json' },
        payload: '{"a":1}',
      });
      assert.equal(withBody.statusCode, 200);
      assert.equal(withBody.headers.connection, 'close');

      // Without the header, the plain 405 of any other method, as before.
      const plain = await options(source.ingestPath);
      assert.equal(plain.status, 405);
      assert.equal(plain.headers.get('allow'), 'POST');
      assert.equal(plain.headers.get('webhook-allowed-origin'), null);
      const refusal = await plain.text();
      assert.equal(JSON.parse(refusal).error.code, 'method_not_allowed');

      // Unknown, malformed and disabled tokens get that same 405, never consent (a POST tells them
      // apart already: 404 source_not_found).
      for (const url of [
        '/in/AAAAAAAAAAAAAAAAAAAAAA',
        '/in/AAAAAAAAAAAAAAAAAAAAAA/orders/7',
        '/in/short',
        disabled.ingestPath,
      ]) {
        const response = await options(url, origin);
        assert.equal(response.status, 405, url);
        assert.equal(response.headers.get('allow'), 'POST', url);
        assert.equal(response.headers.get('webhook-allowed-origin'), null, url);
        assert.equal(await response.text(), refusal, url);
      }
      // A path that is no enabled source's alias stays the plain 404 of an unknown route.
      for (const url of ['/off', '/nowhere']) {
        const response = await options(url, origin);
        assert.equal(response.status, 404, url);
        assert.equal((await response.json()).error.code, 'not_found', url);
      }
      // An origin that is no DNS-like token (spaces, a list, too long) is no validation request.
      for (const bad of ['a b', 'a.example,b.example', 'x'.repeat(256)]) {
        const response = await options(source.ingestPath, { 'webhook-request-origin': bad });
        assert.equal(response.status, 405, bad);
        assert.equal(response.headers.get('webhook-allowed-origin'), null, bad);
        await response.arrayBuffer();
      }
      // Other methods carrying the header are still 405.
      const get = await fetch(`${base}${source.ingestPath}`, { headers: origin });
      assert.equal(get.status, 405);
      await get.arrayBuffer();

      // A handshake is no event: nothing stored, nothing forwarded.
      assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 0);
      // POST is unchanged.
      const post = await fetch(`${base}${source.ingestPath}`, { method: 'POST', body: '{}' });
      assert.equal(post.status, 401);
      await post.arrayBuffer();
    } finally {
      await kit.close();
      await new Promise((resolve) => callbackServer.close(resolve));
    }
  });
});
