// Methods other than POST on ingest URLs: 405 with Allow, the same whether a token exists or not.
import assert from 'node:assert/strict';
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
});
