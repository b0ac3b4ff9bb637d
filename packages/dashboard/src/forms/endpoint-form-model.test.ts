import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Endpoint } from '../api/types.ts';
import {
  emptyEndpointForm,
  endpointBodyOf,
  endpointFormOf,
  eventTypePatternError,
  validateEndpointForm,
} from './endpoint-form-model.ts';

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
    payloadFilter: { 'data.amount': { $gte: 100 } },
    headers: { 'X-Team': 'billing' },
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
