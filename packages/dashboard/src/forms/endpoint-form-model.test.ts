import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Endpoint } from '../api/types.ts';
import { startGateway, type TestGateway } from '../test-support/browser-harness.ts';
import {
  type EndpointFormState,
  emptyEndpointForm,
  endpointBodyOf,
  endpointFormOf,
  eventTypePatternError,
  validateEndpointForm,
} from './endpoint-form-model.ts';
import { retryScheduleError, retryScheduleOf, retryScheduleText } from './retry-schedule.ts';

const valid = { ...emptyEndpointForm(), url: 'https://example.com/hooks' };

test('a filled form is valid and becomes the API body', () => {
  const state = {
    ...valid,
    eventTypes: 'invoice.*\norder.created',
    channels: 'eu, us',
    payloadFilter: '{"data.amount": {"$gte": 100}}',
    headers: 'X-Team: billing\n',
    timeoutSeconds: '2.5',
    rateLimitPerSecond: '10',
  };
  assert.deepEqual(validateEndpointForm(state, 'create'), {});
  assert.deepEqual(endpointBodyOf(state, 'create', { tenantEditable: false }), {
    url: 'https://example.com/hooks',
    description: '',
    eventTypes: ['invoice.*', 'order.created'],
    channels: ['eu', 'us'],
    sources: null,
    payloadFilter: { 'data.amount': { $gte: 100 } },
    headers: { 'X-Team': 'billing' },
    retrySchedule: null,
    rateLimitPerSecond: 10,
    maxConcurrency: null,
    signing: { scheme: 'standard-webhooks-v1' },
    timeoutMs: 2500,
  });
});

test('each field says what is wrong with it', () => {
  const errors = validateEndpointForm(
    {
      ...valid,
      url: 'ftp://example.com',
      tenant: 'a b',
      eventTypes: 'invoice..paid',
      payloadFilter: '[1]',
      headers: 'Webhook-Signature: forged',
      timeoutSeconds: '31',
      maxConcurrency: '0',
      scheme: 'hmac',
      signingHeader: '',
    },
    'create',
  );
  assert.deepEqual(Object.keys(errors).sort(), [
    'eventTypes',
    'headers',
    'maxConcurrency',
    'payloadFilter',
    'signingHeader',
    'tenant',
    'timeoutSeconds',
    'url',
  ]);
  assert.match(
    validateEndpointForm({ ...valid, payloadFilter: '{' }, 'edit').payloadFilter ?? '',
    /Not valid JSON/,
  );
  assert.match(
    validateEndpointForm(
      { ...valid, scheme: 'token', signingHeader: 'X-Token', headers: 'x-token: a' },
      'edit',
    ).headers ?? '',
    /set by Hookline/,
    "the token scheme's own header is reserved",
  );
});

test('event-type patterns follow the server rule', () => {
  assert.equal(eventTypePatternError('*'), undefined);
  assert.equal(eventTypePatternError('invoice.*'), undefined);
  assert.equal(eventTypePatternError('*.created'), undefined);
  assert.match(eventTypePatternError('invoice.pa*d') ?? '', /must be "\*"/);
  assert.match(eventTypePatternError('.x') ?? '', /empty segment/);
});

test('edit: a saved endpoint fills the form and comes back unchanged', () => {
  const endpoint = {
    id: 'ep_1',
    tenant: 'acme',
    url: 'https://example.com/h',
    description: 'd',
    eventTypes: ['a.*'],
    channels: null,
    payloadFilter: { x: 1 },
    headers: { 'X-A': 'b' },
    timeoutMs: 15000,
    rateLimitPerSecond: null,
    maxConcurrency: 4,
    signing: { scheme: 'hmac', header: 'X-Sig', algorithm: 'sha512', encoding: 'base64' },
  } as unknown as Endpoint;
  const state = endpointFormOf(endpoint);
  assert.deepEqual(validateEndpointForm(state, 'edit'), {});
  const body = endpointBodyOf(state, 'edit', { tenantEditable: true });
  assert.equal(body.tenant, 'acme');
  assert.deepEqual(body.signing, {
    scheme: 'hmac',
    header: 'X-Sig',
    algorithm: 'sha512',
    encoding: 'base64',
  });
  assert.deepEqual(body.payloadFilter, { x: 1 });
  assert.equal(body.maxConcurrency, 4);
  assert.equal(body.timeoutMs, 15000);
});

test('retry schedule: durations as a config file writes them, none for a single attempt', () => {
  assert.equal(retryScheduleOf(''), null, 'the server’s schedule');
  assert.deepEqual(retryScheduleOf(' None '), []);
  assert.deepEqual(retryScheduleOf('5s, 5m\n2h,1d'), [5000, 300_000, 7_200_000, 86_400_000]);
  assert.equal(retryScheduleText(null), '');
  assert.equal(retryScheduleText([]), 'none');
  assert.equal(retryScheduleText([5000, 300_000, 1500]), '5s, 5m, 1500ms');
  for (const text of ['', 'none', '0, 5s, 7d', Array.from({ length: 20 }, () => '1m').join(',')]) {
    assert.equal(retryScheduleError(text), undefined, text);
    assert.deepEqual(
      retryScheduleOf(retryScheduleText(retryScheduleOf(text))),
      retryScheduleOf(text),
      'round trip',
    );
  }
  assert.equal(retryScheduleError('5s, soon'), '"soon" is not a delay such as 30s, 5m or 2h (or none).');
  assert.equal(retryScheduleError('none, 5s'), '"none" is not a delay such as 30s, 5m or 2h (or none).');
  assert.equal(retryScheduleError('8d'), '"8d": each delay is at most 7d.');
  assert.equal(retryScheduleError(Array.from({ length: 21 }, () => '1m').join(',')), 'At most 20 retries.');
});

test('signing: a given secret of any scheme, the hmac prefix and signed content', () => {
  const whsec = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
  const v1 = { ...valid, secret: ` ${whsec} ` };
  assert.deepEqual(validateEndpointForm(v1, 'create'), {});
  assert.equal(endpointBodyOf(v1, 'create', { tenantEditable: false }).secret, whsec);
  assert.equal(endpointBodyOf(v1, 'edit', { tenantEditable: false }).secret, undefined, 'create only');
  assert.equal(
    validateEndpointForm({ ...valid, scheme: 'standard-webhooks-v1a', secret: whsec }, 'create').secret,
    'The secret must be whsk_ followed by the base64 of a 32-byte ed25519 seed.',
  );
  const hmac: EndpointFormState = {
    ...valid,
    scheme: 'hmac',
    signingHeader: 'X-Signature',
    signaturePrefix: 'sha256=',
    timestampHeader: 'X-Timestamp',
    signedContent: '{timestamp}.{body}',
  };
  assert.deepEqual(validateEndpointForm(hmac, 'create'), {});
  assert.deepEqual(endpointBodyOf(hmac, 'create', { tenantEditable: false }).signing, {
    scheme: 'hmac',
    header: 'X-Signature',
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: 'sha256=',
    timestampHeader: 'X-Timestamp',
    signedContent: '{timestamp}.{body}',
  });
  const errors = (change: Partial<EndpointFormState>) =>
    validateEndpointForm({ ...hmac, ...change }, 'create');
  assert.equal(errors({ signedContent: '{b}' }).signedContent, '6 to 128 characters.');
  assert.match(errors({ signedContent: '{body}.{body}.{timestamp}' }).signedContent ?? '', /once/);
  assert.match(errors({ signedContent: 'v0:{body}' }).signedContent ?? '', /\{timestamp\}/);
  assert.match(errors({ timestampHeader: '' }).signedContent ?? '', /Needs a timestamp header/);
  assert.equal(errors({ signaturePrefix: 'x'.repeat(65) }).signaturePrefix, 'At most 64 characters.');
  assert.match(errors({ signaturePrefix: 'sha256=\r\n' }).signaturePrefix ?? '', /control/);
  assert.deepEqual(errors({ scheme: 'token' }), {}, 'prefix and template belong to hmac only');
});

describe('against a real gateway', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.close();
  });
  const post = (state: EndpointFormState) =>
    fetch(`${gateway.url}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(endpointBodyOf(state, 'create', { tenantEditable: true })),
    });

  test('what the form sends is saved, and an edit sends it back unchanged', async () => {
    const secret = `whsk_${Buffer.alloc(32, 2).toString('base64')}`;
    const state: EndpointFormState = {
      ...valid,
      retrySchedule: '5s, 5m, 2h',
      scheme: 'standard-webhooks-v1a',
      secret,
    };
    const response = await post(state);
    assert.equal(response.status, 201, await response.clone().text());
    const created = (await response.json()) as Endpoint & { secret: string };
    assert.equal(created.secret, secret, 'the given key, not a generated one');
    assert.deepEqual(created.retrySchedule, [5000, 300_000, 7_200_000]);
    const form = endpointFormOf(created);
    assert.equal(form.retrySchedule, '5s, 5m, 2h');
    const edited = endpointBodyOf({ ...form, retrySchedule: 'none' }, 'edit', { tenantEditable: true });
    const saved = await gateway.api<Endpoint>('PATCH', `/v1/endpoints/${created.id}`, edited);
    assert.deepEqual(saved.retrySchedule, [], 'none: one attempt');
    const cleared = endpointBodyOf({ ...form, retrySchedule: '' }, 'edit', { tenantEditable: true });
    const reset = await gateway.api<Endpoint>('PATCH', `/v1/endpoints/${created.id}`, cleared);
    assert.equal(reset.retrySchedule, null, 'empty: back to the server’s schedule');

    const source = await gateway.api<{ id: string }>('POST', '/v1/sources', {
      name: 'crm',
      verification: { scheme: 'none' },
    });
    const picked = endpointBodyOf({ ...form, sources: [source.id] }, 'edit', { tenantEditable: true });
    const filtered = await gateway.api<Endpoint>('PATCH', `/v1/endpoints/${created.id}`, picked);
    assert.deepEqual(filtered.sources, [source.id]);
    assert.deepEqual(endpointFormOf(filtered).sources, [source.id]);
    await gateway.api('DELETE', `/v1/sources/${source.id}`);
    const kept = endpointBodyOf(endpointFormOf(filtered), 'edit', { tenantEditable: true });
    const afterDelete = await gateway.api<Endpoint>('PATCH', `/v1/endpoints/${created.id}`, kept);
    assert.deepEqual(afterDelete.sources, [source.id], 'a deleted source’s id goes back as it came');
    const unpicked = endpointBodyOf({ ...form, sources: [] }, 'edit', { tenantEditable: true });
    assert.equal(
      (await gateway.api<Endpoint>('PATCH', `/v1/endpoints/${created.id}`, unpicked)).sources,
      null,
    );

    const hmac = {
      ...valid,
      scheme: 'hmac' as const,
      signingHeader: 'X-Signature',
      signaturePrefix: 'sha256=',
      timestampHeader: 'X-Timestamp',
      signedContent: '{timestamp}.{body}',
      secret: 'an-existing-secret-of-the-receiver',
    };
    const signed = (await (await post(hmac)).json()) as Endpoint;
    const again = endpointFormOf(signed);
    assert.deepEqual(
      endpointBodyOf(again, 'edit', { tenantEditable: true }).signing,
      endpointBodyOf(hmac, 'create', { tenantEditable: true }).signing,
      'an edit keeps the prefix and the signed content',
    );
  });

  test('what the form refuses, the API refuses too', async () => {
    const cases: [Partial<EndpointFormState>, keyof EndpointFormState][] = [
      [{ retrySchedule: '8d' }, 'retrySchedule'],
      [{ retrySchedule: Array.from({ length: 21 }, () => '1m').join(',') }, 'retrySchedule'],
      [{ secret: 'whsec_short' }, 'secret'],
      [{ scheme: 'token', signingHeader: 'X-Token', secret: 'too-short' }, 'secret'],
      [{ scheme: 'hmac', signingHeader: 'X-Sig', signaturePrefix: 'x'.repeat(65) }, 'signaturePrefix'],
      [{ scheme: 'hmac', signingHeader: 'X-Sig', signaturePrefix: 'a\nb' }, 'signaturePrefix'],
      [
        { scheme: 'hmac', signingHeader: 'X-Sig', timestampHeader: 'X-Ts', signedContent: 'body' },
        'signedContent',
      ],
    ];
    for (const [change, field] of cases) {
      const state = { ...valid, ...change };
      assert.deepEqual(Object.keys(validateEndpointForm(state, 'create')), [field], JSON.stringify(change));
      const response = await post(state);
      assert.equal(response.status, 400, `${JSON.stringify(change)}: ${await response.text()}`);
    }
  });
});
