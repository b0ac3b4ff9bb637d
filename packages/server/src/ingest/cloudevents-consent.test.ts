import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedRateOf, cloudEventsConsent } from './cloudevents-consent.ts';

test('the allowed rate is the lower enabled limit in requests per minute, or * when none is on', () => {
  assert.equal(allowedRateOf([{ ratePerSecond: 2000 }, { ratePerSecond: 2000 }]), '120000');
  assert.equal(allowedRateOf([{ ratePerSecond: 5 }, { ratePerSecond: 2000 }]), '300');
  assert.equal(allowedRateOf([{ ratePerSecond: 0 }, { ratePerSecond: 10 }]), '600');
  assert.equal(allowedRateOf([{ ratePerSecond: 0 }, { ratePerSecond: 0 }]), '*');
  assert.equal(allowedRateOf([]), '*');
  // A positive integer, as the spec requires, however slow the limit.
  assert.equal(allowedRateOf([{ ratePerSecond: 0.001 }]), '1');
  assert.equal(allowedRateOf([{ ratePerSecond: 0.5 }]), '30');
});

test('consent echoes a DNS-like origin and nothing else', () => {
  assert.deepEqual(cloudEventsConsent({ 'webhook-request-origin': ' eventgrid.azure.net ' }, '*'), {
    'webhook-allowed-origin': 'eventgrid.azure.net',
    'webhook-allowed-rate': '*',
    allow: 'POST',
  });
  assert.equal(cloudEventsConsent({}, '*'), null);
  for (const origin of ['', ' ', 'a b', 'a,b', 'é.example', 'x'.repeat(256)]) {
    assert.equal(cloudEventsConsent({ 'webhook-request-origin': origin }, '*'), null, origin);
  }
  assert.equal(cloudEventsConsent({ 'webhook-request-origin': 'x'.repeat(255) }, '*')?.allow, 'POST');
});
