import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: t.auth(t.adminKey), ...(payload ? { payload } : {}) });

test('create, get, list, update, delete', async () => {
  const created = await call('POST', '/v1/event-types', {
    name: 'user.created',
    description: 'A user signed up',
    schema: { type: 'object' },
    examples: [{ id: 1 }],
  });
  assert.equal(created.statusCode, 201);
  assert.equal(bodyOf(created).enforceSchema, false);
  assert.equal(errorCode(await call('POST', '/v1/event-types', { name: 'user.created' })), 'conflict');
  assert.deepEqual(bodyOf(await call('GET', '/v1/event-types/user.created')).examples, [{ id: 1 }]);
  const list = bodyOf<{ data: { name: string }[] }>(await call('GET', '/v1/event-types'));
  assert.deepEqual(
    list.data.map((e) => e.name),
    ['user.created'],
  );
  const patched = bodyOf(
    await call('PATCH', '/v1/event-types/user.created', { description: 'new', archived: true }),
  );
  assert.equal(patched.description, 'new');
  assert.equal(patched.archived, true);
  assert.deepEqual(patched.schema, { type: 'object' });
  assert.equal((await call('DELETE', '/v1/event-types/user.created')).statusCode, 204);
  const gone = await call('GET', '/v1/event-types/user.created');
  assert.equal(gone.statusCode, 404);
  assert.equal(errorCode(gone), 'not_found');
  assert.equal((await call('PATCH', '/v1/event-types/nope', { description: 'x' })).statusCode, 404);
});

test('invalid schemas and names are refused', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'a', schema: { type: 'nonsense' } }, 'invalid_schema'],
    [{ name: 'a', schema: { properties: { x: { minimum: 'one' } } } }, 'invalid_schema'],
    [{ name: 'a', schema: 'string' }, 'invalid_schema'],
    [{ name: 'a', enforceSchema: true }, 'invalid_schema'],
    [{ name: 'has space' }, 'validation_failed'],
    [{ name: 'a', examples: 'x' }, 'validation_failed'],
  ];
  for (const [payload, code] of cases) {
    const response = await call('POST', '/v1/event-types', payload);
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.equal(errorCode(response), code, JSON.stringify(payload));
  }
});

test('schemas with $id can be checked, edited, recreated and shared by several types', async () => {
  const schema = (required: string) => ({
    $id: 'https://ex.com/s',
    type: 'object',
    required: [required],
    properties: { n: { $id: 'https://ex.com/n', type: 'integer' }, m: { $ref: 'https://ex.com/n' } },
  });
  const publish = (eventType: string, payload: Record<string, unknown>) =>
    call('POST', '/v1/messages', { eventType, payload });
  const create = (name: string, required: string) =>
    call('POST', '/v1/event-types', { name, schema: schema(required), enforceSchema: true });

  assert.equal((await create('s.id', 'a')).statusCode, 201);
  assert.equal((await publish('s.id', { a: 1 })).statusCode, 202);
  assert.equal((await publish('s.id', { a: 1, m: 2 })).statusCode, 202);
  const broken = await publish('s.id', { b: 1, m: 'x' });
  assert.equal(broken.statusCode, 400);
  assert.equal(errorCode(broken), 'schema_violation');

  const patched = await call('PATCH', '/v1/event-types/s.id', { schema: schema('b') });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(errorCode(await publish('s.id', { a: 1 })), 'schema_violation');
  assert.equal((await publish('s.id', { b: 1 })).statusCode, 202);

  // Another type with the same $id neither breaks nor borrows the first one's schema.
  assert.equal((await create('s.other', 'c')).statusCode, 201);
  assert.equal((await publish('s.other', { c: 1 })).statusCode, 202);
  assert.equal((await publish('s.id', { b: 1 })).statusCode, 202);

  assert.equal((await call('DELETE', '/v1/event-types/s.id')).statusCode, 204);
  assert.equal((await create('s.id', 'a')).statusCode, 201);
  assert.equal((await publish('s.id', { a: 1 })).statusCode, 202);
  assert.equal(errorCode(await publish('s.id', { b: 1 })), 'schema_violation');

  // A $ref to an $id declared only in another type's schema stays unresolved.
  const foreign = await call('POST', '/v1/event-types', {
    name: 's.ref',
    schema: { $ref: 'https://ex.com/n' },
  });
  assert.equal(errorCode(foreign), 'invalid_schema');
});
