import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hashApiKey } from '../auth/api-key-token.ts';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

test('requests without a valid bearer key get 401 unauthorized', async () => {
  for (const authorization of [undefined, 'Basic abc', 'Bearer nope', `Bearer hk_${'x'.repeat(43)}`]) {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/endpoints',
      headers: authorization === undefined ? {} : { authorization },
    });
    assert.equal(response.statusCode, 401, String(authorization));
    assert.equal(errorCode(response), 'unauthorized');
  }
});

test('create shows the key once, stores only its hash, and the key works', async () => {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: t.auth(t.adminKey),
    payload: { name: 'reader', scopes: ['read'] },
  });
  assert.equal(created.statusCode, 201);
  const body = bodyOf<{ id: string; key: string; prefix: string; scopes: string[] }>(created);
  assert.match(body.key, /^hk_[A-Za-z0-9_-]{43}$/);
  assert.ok(body.key.startsWith(body.prefix));
  const stored = await t.store.getApiKeyByHash(hashApiKey(body.key));
  assert.equal(stored?.id, body.id);
  assert.doesNotMatch(JSON.stringify(stored), new RegExp(body.key));

  const list = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(t.adminKey) });
  assert.equal(list.statusCode, 200);
  assert.doesNotMatch(list.body, /"key"|"hash"/);
  assert.ok(bodyOf<{ data: { id: string }[] }>(list).data.some((key) => key.id === body.id));

  const read = await t.app.inject({ method: 'GET', url: '/v1/endpoints', headers: t.auth(body.key) });
  assert.equal(read.statusCode, 200);
});

test('scopes: read cannot write or publish, publish cannot read, admin can do all', async () => {
  const reader = await t.createKey(['read']);
  const publisher = await t.createKey(['publish']);
  const write = await t.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: t.auth(reader),
    payload: { url: 'https://example.com/hook' },
  });
  assert.equal(write.statusCode, 403);
  assert.equal(errorCode(write), 'forbidden');
  const publish = await t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth(reader),
    payload: { eventType: 'a', payload: {} },
  });
  assert.equal(publish.statusCode, 403);
  const readAsPublisher = await t.app.inject({
    method: 'GET',
    url: '/v1/messages',
    headers: t.auth(publisher),
  });
  assert.equal(readAsPublisher.statusCode, 403);
  const published = await t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth(publisher),
    payload: { eventType: 'a', payload: {} },
  });
  assert.equal(published.statusCode, 202);
  const keys = await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(publisher) });
  assert.equal(keys.statusCode, 403);
});

test('revoke stops the key at once; unknown ids are 404', async () => {
  const key = await t.createKey(['read']);
  const hash = hashApiKey(key);
  const id = (await t.store.getApiKeyByHash(hash))?.id;
  assert.ok(id);
  assert.equal(
    (await t.app.inject({ method: 'GET', url: '/v1/endpoints', headers: t.auth(key) })).statusCode,
    200,
  );
  const revoked = await t.app.inject({
    method: 'DELETE',
    url: `/v1/api-keys/${id}`,
    headers: t.auth(t.adminKey),
  });
  assert.equal(revoked.statusCode, 200);
  assert.ok(bodyOf<{ revokedAt: string | null }>(revoked).revokedAt);
  const after = await t.app.inject({ method: 'GET', url: '/v1/endpoints', headers: t.auth(key) });
  assert.equal(after.statusCode, 401);
  const missing = await t.app.inject({
    method: 'DELETE',
    url: '/v1/api-keys/key_0000000000NOPE',
    headers: t.auth(t.adminKey),
  });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorCode(missing), 'not_found');
});

test('bad create input: unknown scope, empty scopes, extra field → 400 validation_failed', async () => {
  for (const payload of [
    { name: 'x', scopes: ['root'] },
    { name: 'x', scopes: [] },
    { name: 'x', scopes: ['read'], extra: true },
    { scopes: ['read'] },
  ]) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: t.auth(t.adminKey),
      payload,
    });
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.equal(errorCode(response), 'validation_failed');
  }
});

test('a tenant-scoped admin creates keys only for its tenant and sees only them', async () => {
  const acmeAdmin = await t.createKey(['admin'], 'acme');
  const other = await t.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: t.auth(acmeAdmin),
    payload: { name: 'x', scopes: ['read'], tenant: 'globex' },
  });
  assert.equal(other.statusCode, 403);
  const own = await t.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: t.auth(acmeAdmin),
    payload: { name: 'x', scopes: ['read'] },
  });
  assert.equal(own.statusCode, 201);
  assert.equal(bodyOf<{ tenant: string }>(own).tenant, 'acme');
  const list = bodyOf<{ data: { tenant: string | null }[] }>(
    await t.app.inject({ method: 'GET', url: '/v1/api-keys', headers: t.auth(acmeAdmin) }),
  );
  assert.ok(list.data.length >= 2);
  assert.ok(list.data.every((key) => key.tenant === 'acme'));
  const globalKeyId = (await t.store.getApiKeyByHash(hashApiKey(t.adminKey)))?.id;
  const revokeGlobal = await t.app.inject({
    method: 'DELETE',
    url: `/v1/api-keys/${globalKeyId}`,
    headers: t.auth(acmeAdmin),
  });
  assert.equal(revokeGlobal.statusCode, 404);
});
