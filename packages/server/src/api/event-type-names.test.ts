import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

// Event type names are dot-separated segments, none empty: `invoice..paid`, `.x` and `x.` are refused.

let t: TestApp;
let endpointId: string;
before(async () => {
  t = await createTestApp();
  const endpoint = await call('POST', '/v1/endpoints', { url: 'https://receiver.example.com/hook' });
  assert.equal(endpoint.statusCode, 201, endpoint.body);
  endpointId = endpoint.json<{ id: string }>().id;
});
after(() => t.close());

function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: t.auth(t.adminKey),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const EMPTY_SEGMENTS = ['invoice..paid', '.x', 'x.', '.', '..'];

test('names with an empty segment are refused wherever a name is written', async () => {
  const before = (await t.store.listMessages({ limit: 1000 })).data.length;
  for (const name of EMPTY_SEGMENTS) {
    const writes = [
      await call('POST', '/v1/event-types', { name }),
      await call('POST', '/v1/messages', { eventType: name, payload: 1 }),
      await call('POST', '/v1/messages/batch', {
        messages: [
          { eventType: 'ok', payload: 1 },
          { eventType: name, payload: 1 },
        ],
      }),
      await call('POST', `/v1/endpoints/${endpointId}/test`, { eventType: name }),
      // A source's fixed event type follows the same rule (ingest/source-input.ts reuses the pattern).
      await call('POST', '/v1/sources', {
        name: `fixed-${EMPTY_SEGMENTS.indexOf(name)}`,
        verification: { scheme: 'none' },
        eventTypeRule: { kind: 'fixed', eventType: name },
      }),
    ];
    for (const response of writes) {
      assert.equal(response.statusCode, 400, `${name}: ${response.body}`);
      assert.equal(errorCode(response), 'validation_failed', name);
    }
  }
  assert.equal((await t.store.listMessages({ limit: 1000 })).data.length, before);
});

test('names with segments of the allowed characters are accepted', async () => {
  for (const name of ['x', 'invoice.paid', 'a.b-c.d_e', 'ns:thing/v1.created', '-', 'a.-']) {
    assert.equal((await call('POST', '/v1/event-types', { name })).statusCode, 201, name);
    assert.equal((await call('POST', '/v1/messages', { eventType: name, payload: 1 })).statusCode, 202, name);
  }
});

test('a type stored before the rule can still be read, edited, filtered on and deleted', async () => {
  await t.store.upsertEventType({
    name: 'legacy..name',
    description: '',
    schema: null,
    enforceSchema: false,
    examples: [],
    archived: false,
  });
  const url = `/v1/event-types/${encodeURIComponent('legacy..name')}`;
  assert.equal((await call('GET', url)).statusCode, 200);
  assert.equal((await call('PATCH', url, { archived: true })).statusCode, 200);
  assert.equal((await call('GET', '/v1/messages?eventType=legacy..name')).statusCode, 200);
  assert.equal((await call('DELETE', url)).statusCode, 204);
});
