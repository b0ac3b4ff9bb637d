import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiError } from '../errors.ts';
import { createTestApp, type TestApp } from '../test-support/test-app.ts';
import { hashApiKey } from './api-key-token.ts';
import { createAuthenticator } from './authenticator.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const rejects = (promise: Promise<unknown>) =>
  assert.rejects(promise, (error: unknown) => error instanceof ApiError && error.code === 'unauthorized');

test('a revocation made elsewhere takes effect once the cache entry expires', async () => {
  const key = await t.createKey(['read']);
  const auth = createAuthenticator({ store: t.store, clock: t.clock, cacheMs: 5000 });
  assert.equal((await auth.authenticate(`Bearer ${key}`)).scopes[0], 'read');
  const id = (await t.store.getApiKeyByHash(hashApiKey(key)))?.id ?? '';
  await t.store.revokeApiKey(id);
  // Still cached: another process's revoke is not seen for up to cacheMs (the documented trade-off).
  await auth.authenticate(`Bearer ${key}`);
  t.clock.advance(5000);
  await rejects(auth.authenticate(`Bearer ${key}`));
});

test('forget drops a cached key at once', async () => {
  const key = await t.createKey(['read']);
  const auth = createAuthenticator({ store: t.store, clock: t.clock });
  const found = await auth.authenticate(`Bearer ${key}`);
  await t.store.revokeApiKey(found.id);
  auth.forget(found.id);
  await rejects(auth.authenticate(`Bearer ${key}`));
});

test('lastUsedAt is written at most once per touch interval', async () => {
  const key = await t.createKey(['read']);
  const auth = createAuthenticator({ store: t.store, clock: t.clock, cacheMs: 0, touchEveryMs: 60_000 });
  const start = t.clock();
  await auth.authenticate(`Bearer ${key}`);
  t.clock.advance(30_000);
  await auth.authenticate(`Bearer ${key}`);
  assert.equal((await t.store.getApiKeyByHash(hashApiKey(key)))?.lastUsedAt, start);
  t.clock.advance(30_000);
  await auth.authenticate(`Bearer ${key}`);
  assert.equal((await t.store.getApiKeyByHash(hashApiKey(key)))?.lastUsedAt, start + 60_000);
});

test('malformed headers are unauthorized without a store lookup', async () => {
  const auth = createAuthenticator({ store: t.store, clock: t.clock });
  for (const header of [
    undefined,
    '',
    'Bearer',
    'Bearer  ',
    'bearer hk_',
    'Token hk_abc',
    `Bearer hk_${'a'.repeat(600)}`,
  ]) {
    await rejects(auth.authenticate(header));
  }
  // The scheme name is case-insensitive (RFC 9110).
  const key = await t.createKey(['read']);
  await auth.authenticate(`bearer ${key}`);
});
