import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

// Event-type schemas are JSON Schema draft 2020-12 (OpenAPI 3.1's dialect), or 2019-09, draft-07 or draft-06
// when they say so.

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

let serial = 0;
async function typeWith(schema: unknown): Promise<string> {
  const name = `dialect.t${++serial}`;
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/event-types',
    headers: t.auth(t.adminKey),
    payload: { name, schema, enforceSchema: true },
  });
  assert.equal(created.statusCode, 201, created.body);
  return name;
}
const publish = (eventType: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: t.auth(t.adminKey),
    payload: { eventType, payload },
  });
async function accepts(eventType: string, good: unknown, bad: unknown): Promise<void> {
  assert.equal((await publish(eventType, good)).statusCode, 202, `${eventType} good`);
  const refused = await publish(eventType, bad);
  assert.equal(refused.statusCode, 400, `${eventType} bad`);
  assert.equal(errorCode(refused), 'schema_violation');
}

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

test('2020-12 keywords are enforced, with or without $schema', async () => {
  for (const $schema of [undefined, DRAFT_2020]) {
    const header = $schema === undefined ? {} : { $schema };
    await accepts(
      await typeWith({ ...header, type: 'array', prefixItems: [{ type: 'integer' }] }),
      [1, 'x'],
      ['x'],
    );
    await accepts(
      await typeWith({ ...header, type: 'object', properties: { a: {} }, unevaluatedProperties: false }),
      { a: 1 },
      { a: 1, b: 2 },
    );
    await accepts(await typeWith({ ...header, dependentRequired: { a: ['b'] } }), { a: 1, b: 2 }, { a: 1 });
    await accepts(
      await typeWith({ ...header, $defs: { n: { type: 'integer' } }, $ref: '#/$defs/n', maximum: 3 }),
      2,
      5,
    );
  }
});

test('a schema that declares draft-07 is draft-07, array-form items included', async () => {
  for (const $schema of [
    DRAFT_07,
    'http://json-schema.org/draft-07/schema',
    'https://json-schema.org/draft-07/schema#',
  ]) {
    await accepts(
      await typeWith({ $schema, type: 'array', items: [{ type: 'integer' }], additionalItems: false }),
      [1],
      [1, 2],
    );
  }
  await accepts(
    await typeWith({
      $schema: DRAFT_07,
      definitions: { n: { type: 'string', format: 'email' } },
      $ref: '#/definitions/n',
    }),
    'a@example.com',
    'nope',
  );
});

test('a schema that declares 2019-09 or draft-06 is read in that dialect', async () => {
  for (const $schema of [
    'https://json-schema.org/draft/2019-09/schema',
    'http://json-schema.org/draft/2019-09/schema#',
  ]) {
    // 2019-09's own keywords: unevaluatedProperties, dependentRequired, and array-form items, which
    // 2020-12 replaced with prefixItems.
    await accepts(
      await typeWith({ $schema, type: 'object', properties: { a: {} }, unevaluatedProperties: false }),
      { a: 1 },
      { a: 1, b: 2 },
    );
    await accepts(await typeWith({ $schema, dependentRequired: { a: ['b'] } }), { a: 1, b: 2 }, { a: 1 });
    await accepts(await typeWith({ $schema, type: 'array', items: [{ type: 'integer' }] }), [1, 'x'], ['x']);
  }
  const draft06 = 'http://json-schema.org/draft-06/schema#';
  await accepts(await typeWith({ $schema: draft06, const: 'a', propertyNames: {} }), 'a', 'b');
  await accepts(
    await typeWith({ $schema: draft06, type: 'array', contains: { type: 'integer', exclusiveMinimum: 3 } }),
    [1, 4],
    [1, 3],
  );
});

test('without $schema, a schema only draft-07 can read (array-form items) is read as draft-07', async () => {
  await accepts(await typeWith({ type: 'array', items: [{ type: 'integer' }] }), [1], ['x']);
});

test('a dialect we do not speak, or a schema that does not compile, is 400 invalid_schema at save time', async () => {
  const cases: unknown[] = [
    { $schema: 'http://json-schema.org/draft-04/schema#', type: 'integer' },
    { $schema: 'https://example.com/my-dialect', type: 'integer' },
    { $schema: 42, type: 'integer' },
    { $ref: 'https://example.com/elsewhere.json' },
    { $schema: DRAFT_2020, prefixItems: 'no' },
    { $schema: DRAFT_07, items: 'no' },
  ];
  for (const schema of cases) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/event-types',
      headers: t.auth(t.adminKey),
      payload: { name: `dialect.bad${++serial}`, schema },
    });
    assert.equal(response.statusCode, 400, JSON.stringify(schema));
    assert.equal(errorCode(response), 'invalid_schema', JSON.stringify(schema));
    assert.equal(
      typeof bodyOf<{ error: { details: { reason: string } } }>(response).error.details.reason,
      'string',
    );
  }
});
