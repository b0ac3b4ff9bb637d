import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Endpoint } from '../store/types.ts';
import { createRouter, endpointMatches, type RoutableMessage } from './router.ts';

function endpoint(id: string, overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id,
    tenant: null,
    url: `https://example.com/${id}`,
    description: '',
    disabled: false,
    disabledReason: null,
    eventTypes: null,
    channels: null,
    sources: null,
    payloadFilter: null,
    headers: {},
    timeoutMs: 15_000,
    retrySchedule: null,
    rateLimitPerSecond: null,
    maxConcurrency: null,
    signing: { scheme: 'standard-webhooks-v1' },
    secrets: [],
    failingSince: null,
    metadata: {},
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

function message(overrides: Partial<RoutableMessage> = {}): RoutableMessage {
  return {
    tenant: null,
    eventType: 'invoice.paid',
    channels: [],
    sourceId: null,
    payload: { amount: 10 },
    ...overrides,
  };
}

test('tenants: a tenant message reaches its tenant and untenanted endpoints; an untenanted one only the latter', () => {
  const shared = endpoint('shared');
  const acme = endpoint('acme', { tenant: 'acme' });
  assert.equal(endpointMatches(shared, message({ tenant: 'acme' })), true);
  assert.equal(endpointMatches(acme, message({ tenant: 'acme' })), true);
  assert.equal(endpointMatches(acme, message({ tenant: 'globex' })), false);
  assert.equal(endpointMatches(acme, message({ tenant: null })), false);
  assert.equal(endpointMatches(shared, message({ tenant: null })), true);
});

test('event types, channels, sources, payload filter and disabled', () => {
  assert.equal(endpointMatches(endpoint('e', { eventTypes: ['invoice.*'] }), message()), true);
  assert.equal(endpointMatches(endpoint('e', { eventTypes: ['user.*'] }), message()), false);
  assert.equal(endpointMatches(endpoint('e', { eventTypes: [] }), message()), false);
  assert.equal(
    endpointMatches(endpoint('e', { channels: ['eu', 'us'] }), message({ channels: ['us'] })),
    true,
  );
  assert.equal(endpointMatches(endpoint('e', { channels: ['eu'] }), message({ channels: ['us'] })), false);
  assert.equal(endpointMatches(endpoint('e', { channels: ['eu'] }), message({ channels: [] })), false);
  assert.equal(endpointMatches(endpoint('e'), message({ channels: ['anything'] })), true);
  assert.equal(endpointMatches(endpoint('e', { sources: ['src_1'] }), message({ sourceId: 'src_1' })), true);
  assert.equal(endpointMatches(endpoint('e', { sources: ['src_1'] }), message({ sourceId: 'src_2' })), false);
  assert.equal(endpointMatches(endpoint('e', { sources: ['src_1'] }), message({ sourceId: null })), false);
  assert.equal(endpointMatches(endpoint('e'), message({ sourceId: 'src_2' })), true);
  assert.equal(endpointMatches(endpoint('e', { payloadFilter: { amount: { $gt: 5 } } }), message()), true);
  assert.equal(endpointMatches(endpoint('e', { payloadFilter: { amount: { $gt: 50 } } }), message()), false);
  assert.equal(endpointMatches(endpoint('e', { disabled: true }), message()), false);
});

/** Not a database: just the two calls the router makes, with counters. */
function fakeStore(initial: Endpoint[]) {
  const state = { endpoints: initial, version: 1, listCalls: 0, versionCalls: 0 };
  return {
    state,
    async listActiveEndpoints() {
      state.listCalls++;
      return state.endpoints.filter((e) => !e.disabled);
    },
    async endpointsVersion() {
      state.versionCalls++;
      return state.version;
    },
  };
}

test('the router caches endpoints and reloads only when the version moves, checking at most every 250 ms', async () => {
  let now = 1_000;
  const store = fakeStore([
    endpoint('a'),
    endpoint('b', { tenant: 'acme' }),
    endpoint('c', { eventTypes: ['user.*'] }),
  ]);
  const router = createRouter(store, { clock: () => now });
  const ids = async (m: RoutableMessage) => (await router.route(m)).map((e) => e.id).sort();

  assert.deepEqual(await ids(message({ tenant: 'acme' })), ['a', 'b']);
  assert.deepEqual(await ids(message()), ['a']);
  assert.deepEqual(await ids(message({ eventType: 'user.created' })), ['a', 'c']);
  assert.equal(store.state.listCalls, 1);
  assert.equal(store.state.versionCalls, 1);

  // A change is not seen within the interval…
  store.state.endpoints = [...store.state.endpoints, endpoint('d')];
  store.state.version = 2;
  now += 249;
  assert.deepEqual(await ids(message()), ['a']);
  assert.equal(store.state.versionCalls, 1);
  // …and is seen after it.
  now += 1;
  assert.deepEqual(await ids(message()), ['a', 'd']);
  assert.equal(store.state.listCalls, 2);

  // Same version after the interval: one cheap version check, no reload.
  now += 1_000;
  await router.route(message());
  assert.equal(store.state.versionCalls, 3);
  assert.equal(store.state.listCalls, 2);

  // invalidate() forces a check before the interval passes.
  store.state.endpoints = [endpoint('a')];
  store.state.version = 3;
  router.invalidate();
  assert.deepEqual(await ids(message()), ['a']);
  assert.equal(store.state.listCalls, 3);
});

test('concurrent routes share one refresh, and a failed refresh is retried on the next call', async () => {
  const store = fakeStore([endpoint('a')]);
  const router = createRouter(store, { clock: () => 0 });
  await Promise.all([router.route(message()), router.route(message()), router.route(message())]);
  assert.equal(store.state.listCalls, 1);

  let fail = true;
  const flaky = {
    listActiveEndpoints: async () => [endpoint('x')],
    endpointsVersion: async () => {
      if (fail) throw Object.assign(new Error('store unavailable'), { code: 'unavailable' });
      return 1;
    },
  };
  const second = createRouter(flaky, { clock: () => 0 });
  await assert.rejects(second.route(message()), /store unavailable/);
  fail = false;
  assert.deepEqual(
    (await second.route(message())).map((e) => e.id),
    ['x'],
  );
});
