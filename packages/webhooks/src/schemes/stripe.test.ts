import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import Stripe from 'stripe';
import { stripeScheme } from './stripe.ts';

const stripe = new Stripe('sk_test_not_used_offline');
const secret = 'whsec_test_secret';
const payload = JSON.stringify({ id: 'evt_test_webhook', object: 'event', type: 'invoice.paid' }, null, 2);
const at = (seconds: number) => () => seconds * 1000;

test('Stripe: headers from stripe.webhooks.generateTestHeaderString verify', async () => {
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: 1_700_000_000 });
  const result = await stripeScheme.verify(
    { headers: { 'Stripe-Signature': header }, body: payload },
    { secret, now: at(1_700_000_010) },
  );
  assert.deepEqual(result, { ok: true, timestamp: 1_700_000_000, secretIndex: 0 });
});

test('Stripe: what we sign passes stripe.webhooks.constructEvent, one v1 per secret', async () => {
  const now = Math.floor(Date.now() / 1000);
  const headers = await stripeScheme.sign(
    { body: payload, timestamp: now },
    { secrets: [secret, 'whsec_old'] },
  );
  const header = headers['stripe-signature'] as string;
  assert.match(header, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  assert.equal(stripe.webhooks.constructEvent(payload, header, secret).id, 'evt_test_webhook');
  assert.equal(stripe.webhooks.constructEvent(payload, header, 'whsec_old').id, 'evt_test_webhook');
});

test('Stripe: the signed content is "{t}.{body}" with the whole whsec_ string as key', async () => {
  const expected = createHmac('sha256', secret).update(`1614556800.${payload}`).digest('hex');
  const headers = {
    'stripe-signature': `t=1614556800,v1=${'ab'.repeat(32)},v0=${'cd'.repeat(32)},v1=${expected}`,
  };
  const result = await stripeScheme.verify(
    { headers, body: payload },
    { secrets: ['whsec_other', secret], now: at(1614556800) },
  );
  assert.deepEqual(result, { ok: true, timestamp: 1614556800, secretIndex: 1 });
});

test('Stripe: typed failures', async () => {
  const sig = createHmac('sha256', secret).update(`1000.${payload}`).digest('hex');
  const code = async (header: string, now = 1000, toleranceSeconds = 300) => {
    const r = await stripeScheme.verify(
      { headers: { 'stripe-signature': header }, body: payload },
      { secret, now: at(now), toleranceSeconds },
    );
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code(`t=1000,v1=${sig}`), 'ok');
  assert.equal(await code(`t=1000,v1=${sig}`, 1301), 'timestamp_too_old');
  assert.equal(await code(`t=1000,v1=${sig}`, 699), 'timestamp_in_future');
  assert.equal(await code(`t=1000,v1=${sig}`, 1400, 400), 'ok');
  assert.equal(await code(`t=1e3,v1=${sig}`), 'invalid_timestamp');
  assert.equal(await code(`v1=${sig}`), 'malformed_header');
  assert.equal(await code(`t=1000,t=1000,v1=${sig}`), 'malformed_header');
  assert.equal(await code('t=1000,v1=xyz'), 'malformed_header');
  assert.equal(await code(`t=1000,v0=${sig}`), 'unsupported_version');
  assert.equal(
    await code(`t=1000,v1=${sig.replace(/.$/, sig.endsWith('0') ? '1' : '0')}`),
    'invalid_signature',
  );
  assert.equal(await code(`t=1000,${Array(30).fill(`v1=${sig}`).join(',')}`), 'malformed_header');
  assert.equal(await code(''), 'missing_header');
});

test('Stripe: describe reads the event id and type from the JSON body', () => {
  assert.deepEqual(stripeScheme.describe({ headers: {}, body: payload }), {
    id: 'evt_test_webhook',
    eventType: 'invoice.paid',
  });
  assert.deepEqual(stripeScheme.describe({ headers: {}, body: '' }, { id: 'evt_1', type: 'charge.failed' }), {
    id: 'evt_1',
    eventType: 'charge.failed',
  });
});
