import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

// A test event keeps to its event type's enforced schema, as a publish does.

let t: TestApp;
let endpointId: string;
before(async () => {
  t = await createTestApp();
  const endpoint = await call('POST', '/v1/endpoints', {
    url: 'https://receiver.example.com/hook',
    eventTypes: ['other.only'],
  });
  assert.equal(endpoint.statusCode, 201, endpoint.body);
  endpointId = bodyOf<{ id: string }>(endpoint).id;
  const types = [
    { name: 'invoice.paid', enforceSchema: true, examples: [{ amount: 100, example: true }] },
    { name: 'invoice.voided', enforceSchema: true },
    { name: 'invoice.draft', enforceSchema: false },
  ];
  for (const type of types) {
    const schema = { type: 'object', required: ['amount'], properties: { amount: { type: 'integer' } } };
    const created = await call('POST', '/v1/event-types', { ...type, schema });
    assert.equal(created.statusCode, 201, created.body);
  }
});
after(() => t.close());

function call(method: 'POST', url: string, payload?: Record<string, unknown>) {
  return t.app.inject({ method, url, headers: t.auth(t.adminKey), ...(payload ? { payload } : {}) });
}
const sendTest = (body?: Record<string, unknown>) => call('POST', `/v1/endpoints/${endpointId}/test`, body);
async function sentBody(response: { body: string }): Promise<unknown> {
  const { messageId } = bodyOf<{ messageId: string }>(response);
  const message = await t.store.getMessage(messageId);
  return JSON.parse(Buffer.from(message?.body ?? []).toString());
}
const stored = async () => (await t.store.listMessages({ limit: 1000 })).data.length;

test('a payload that breaks the enforced schema is 400 schema_violation and nothing is sent', async () => {
  const before = await stored();
  const refused = await sendTest({ eventType: 'invoice.paid', payload: { amount: 'lots' } });
  assert.equal(refused.statusCode, 400);
  assert.equal(errorCode(refused), 'schema_violation');
  const details = bodyOf<{ error: { details: { instancePath: string }[] } }>(refused).error.details;
  assert.deepEqual(
    details.map((d) => d.instancePath),
    ['/amount'],
  );
  assert.equal(await stored(), before);

  const fits = await sendTest({ eventType: 'invoice.paid', payload: { amount: 5 } });
  assert.equal(fits.statusCode, 202, fits.body);
  assert.deepEqual(await sentBody(fits), { amount: 5 });
});

test("with an event type but no payload, the type's first example is sent", async () => {
  const response = await sendTest({ eventType: 'invoice.paid' });
  assert.equal(response.statusCode, 202, response.body);
  assert.deepEqual(await sentBody(response), { amount: 100, example: true });
});

test('an enforced type with no example refuses the default test payload, naming the fix', async () => {
  const response = await sendTest({ eventType: 'invoice.voided' });
  assert.equal(response.statusCode, 400);
  assert.equal(errorCode(response), 'schema_violation');
  assert.match(bodyOf<{ error: { message: string } }>(response).error.message, /payload/);
});

test('schemas not enforced, and types outside the catalog, send what they are given', async () => {
  const loose = await sendTest({ eventType: 'invoice.draft', payload: { amount: 'lots' } });
  assert.equal(loose.statusCode, 202, loose.body);
  const plain = await sendTest();
  assert.equal(plain.statusCode, 202, plain.body);
  assert.deepEqual(Object.keys((await sentBody(plain)) as object).sort(), ['sentAt', 'test']);
});
