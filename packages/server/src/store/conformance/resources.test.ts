import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine, type TestStore } from './engines.ts';
import { errorCode, newEndpoint, newSource } from './fixtures.ts';

forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open();
  });
  after(() => t.close());

  test('endpoints round-trip every field, page newest first, and bump endpointsVersion on each write', async () => {
    const { store } = t;
    const v0 = await store.endpointsVersion();
    const input = newEndpoint({
      tenant: 'acme',
      eventTypes: ['invoice.*'],
      channels: ['eu'],
      sources: ['src_1'],
      payloadFilter: { amount: { $gt: 10 } },
      headers: { 'x-team': 'billing' },
      retrySchedule: [0, 5000],
      rateLimitPerSecond: 2.5,
      maxConcurrency: 4,
      signing: {
        scheme: 'hmac',
        header: 'X-Signature',
        algorithm: 'sha256',
        encoding: 'hex',
        timestampHeader: 'X-Timestamp',
      },
      metadata: { owner: 'ops' },
    });
    const created = await store.createEndpoint(input);
    assert.match(created.id, /^ep_/);
    assert.deepEqual(await store.getEndpoint(created.id), created);
    assert.deepEqual(
      { ...created, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        ...input,
        id: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        failingSince: null,
        disabledReason: null,
      },
    );
    const v1 = await store.endpointsVersion();
    assert.ok(v1 > v0);

    t.clock.advance(1000);
    const updated = await store.updateEndpoint(created.id, {
      url: 'https://example.org/new',
      disabled: true,
    });
    assert.equal(updated.url, 'https://example.org/new');
    assert.equal(updated.disabled, true);
    assert.equal(updated.updatedAt, created.updatedAt + 1000);
    assert.equal(updated.metadata.owner, 'ops');
    assert.deepEqual(await store.getEndpoint(created.id), updated);
    assert.ok((await store.endpointsVersion()) > v1);
    assert.equal(
      (await store.listActiveEndpoints()).some((e) => e.id === created.id),
      false,
    );

    const second = await store.createEndpoint(newEndpoint());
    const page = await store.listEndpoints({ limit: 1 });
    assert.deepEqual(
      page.data.map((e) => e.id),
      [second.id],
    );
    assert.ok(page.nextCursor);
    const next = await store.listEndpoints({ limit: 1, cursor: page.nextCursor });
    assert.deepEqual(
      next.data.map((e) => e.id),
      [created.id],
    );
    assert.deepEqual(
      (await store.listEndpoints({ tenant: 'acme' })).data.map((e) => e.id),
      [created.id],
    );

    const v2 = await store.endpointsVersion();
    await store.deleteEndpoint(second.id);
    assert.equal(await store.getEndpoint(second.id), null);
    assert.ok((await store.endpointsVersion()) > v2);
  });

  test('unknown ids are not_found on update and delete', async () => {
    const { store } = t;
    assert.equal(await store.getEndpoint('ep_missing'), null);
    assert.equal(await errorCode(store.updateEndpoint('ep_missing', { url: 'https://x.test' })), 'not_found');
    assert.equal(await errorCode(store.deleteEndpoint('ep_missing')), 'not_found');
    assert.equal(await errorCode(store.updateSource('src_missing', { name: 'x' })), 'not_found');
    assert.equal(await errorCode(store.deleteSource('src_missing')), 'not_found');
    assert.equal(await errorCode(store.deleteEventType('no.such.type')), 'not_found');
    assert.equal(await errorCode(store.revokeApiKey('key_missing')), 'not_found');
  });

  test('sources are found by id, token, alias and name; a clashing name is a conflict', async () => {
    const { store } = t;
    const source = await store.createSource(newSource({ alias: '/webhook' }));
    assert.deepEqual(await store.getSource(source.id), source);
    assert.deepEqual(await store.getSourceByToken(source.token), source);
    assert.deepEqual(await store.getSourceByAlias('/webhook'), source);
    assert.deepEqual(await store.getSourceByName('github'), source);
    assert.equal(await store.getSourceByToken('nope'), null);
    assert.equal(await errorCode(store.createSource(newSource({ token: 'other' }))), 'conflict');
    const updated = await store.updateSource(source.id, { token: 'rotated', secrets: [] });
    assert.equal(updated.token, 'rotated');
    assert.equal(await store.getSourceByToken(source.token), null);
    assert.deepEqual((await store.listSources({})).data, [updated]);
    await store.deleteSource(source.id);
    assert.equal(await store.getSource(source.id), null);
  });

  test('event types upsert by name and keep their first creation time', async () => {
    const { store } = t;
    const first = await store.upsertEventType({
      name: 'user.created',
      description: 'v1',
      schema: { type: 'object' },
      enforceSchema: true,
      examples: [{ id: 1 }],
      archived: false,
    });
    t.clock.advance(50);
    const second = await store.upsertEventType({ ...first, description: 'v2', schema: null });
    assert.equal(second.createdAt, first.createdAt);
    assert.equal(second.updatedAt, first.createdAt + 50);
    assert.deepEqual(await store.getEventType('user.created'), second);
    await store.upsertEventType({ ...first, name: 'a.first' });
    assert.deepEqual(
      (await store.listEventTypes({})).data.map((e) => e.name),
      ['a.first', 'user.created'],
    );
  });

  test('api keys: create, find by hash, touch, revoke, count', async () => {
    const { store } = t;
    const before = await store.countApiKeys();
    const key = await store.createApiKey({
      name: 'ci',
      hash: 'ab'.repeat(32),
      prefix: 'hk_ab',
      scopes: ['publish'],
      tenant: null,
    });
    assert.deepEqual(await store.getApiKeyByHash(key.hash), key);
    await store.touchApiKey(key.id, 1234);
    assert.equal((await store.getApiKeyByHash(key.hash))?.lastUsedAt, 1234);
    const revoked = await store.revokeApiKey(key.id);
    assert.equal(revoked.revokedAt, t.clock.now());
    assert.equal(await store.countApiKeys(), before + 1);
    assert.equal((await store.listApiKeys({})).data[0]?.id, key.id);
  });

  test('meta values are set, overwritten and read back', async () => {
    const { store } = t;
    assert.equal(await store.getMeta('install_id'), null);
    await store.setMeta('install_id', 'one');
    await store.setMeta('install_id', 'two');
    assert.equal(await store.getMeta('install_id'), 'two');
  });

  test('withExclusiveJob refuses a second concurrent run of the same name', async () => {
    const { store } = t;
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = store.withExclusiveJob('prune', async () => {
      started();
      await gate;
      return 7;
    });
    await running;
    assert.deepEqual(await store.withExclusiveJob('prune', async () => 8), { ran: false });
    assert.deepEqual(await store.withExclusiveJob('other', async () => 9), { ran: true, value: 9 });
    release();
    assert.deepEqual(await first, { ran: true, value: 7 });
    assert.deepEqual(await store.withExclusiveJob('prune', async () => 10), { ran: true, value: 10 });
  });

  test('ping is ok once migrated, and migrate again applies nothing', async () => {
    assert.deepEqual(await t.store.ping(), { ok: true });
    assert.deepEqual(await t.store.migrate(), { applied: [] });
  });
});
