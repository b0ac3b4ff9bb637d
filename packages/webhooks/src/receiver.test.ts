import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createReceiver, type ReceiverError, type WebhookEvent } from './receiver.ts';
import { schemes } from './schemes.ts';

type Events = {
  'invoice.paid': { id: string; type: 'invoice.paid'; data: { amount_paid: number } };
  'customer.created': { id: string; type: 'customer.created'; data: { email: string } };
};

const secret = 'whsec_receiver_test';
const NOW = 1_700_000_000;
const now = () => NOW * 1000;

async function stripeRequest(payload: unknown, timestamp = NOW) {
  const body = JSON.stringify(payload);
  const headers = await schemes.stripe.sign({ body, timestamp }, { secret });
  return { headers: { ...headers, 'content-type': 'application/json' }, body };
}

test('dispatches a verified event to its typed handler and to onAny, answering 204', async () => {
  const seen: string[] = [];
  const hooks = createReceiver<Events>({ scheme: 'stripe', secret, now });
  hooks
    .on('invoice.paid', (event) => {
      // The payload type comes from the Events map: amount_paid is a number here.
      const amount: number = event.payload.data.amount_paid;
      seen.push(`paid:${amount}:${event.id}:${event.timestamp}`);
    })
    .on('customer.created', (event) => {
      seen.push(`customer:${event.payload.data.email}`);
    })
    .onAny((event) => {
      seen.push(`any:${event.type}`);
    });
  // Event types and payloads are checked at compile time (npm run typecheck runs over tests).
  // @ts-expect-error 'invoice.voided' is not in the Events map.
  hooks.on('invoice.voided', () => {});
  hooks.on('customer.created', (event) => {
    // @ts-expect-error a customer.created payload has no amount_paid.
    void event.payload.data.amount_paid;
  });
  const outcome = await hooks.receive(
    await stripeRequest({ id: 'evt_1', type: 'invoice.paid', data: { amount_paid: 1200 } }),
  );
  assert.equal(outcome.status, 204);
  assert.equal(outcome.body, '');
  assert.deepEqual(seen, ['paid:1200:evt_1:1700000000', 'any:invoice.paid']);
  const other = await hooks.receive(await stripeRequest({ id: 'evt_2', type: 'charge.refunded' }));
  assert.equal(other.status, 204);
  assert.deepEqual(seen.slice(2), ['any:charge.refunded']);
});

test('answers 401 for signatures, 400 for timestamps and JSON, 500 for misconfiguration and handler errors', async () => {
  const errors: ReceiverError[] = [];
  const hooks = createReceiver<Events>({ scheme: 'stripe', secret, now })
    .on('invoice.paid', () => {
      throw new Error('database down');
    })
    .onError((error) => {
      errors.push(error);
    })
    .onError(() => {
      throw new Error('a failing reporter changes nothing');
    });
  const good = await stripeRequest({ id: 'evt_1', type: 'customer.created', data: { email: 'a@b.c' } });
  const cases: [Parameters<typeof hooks.receive>[0], number, string][] = [
    [{ ...good, body: `${good.body} ` }, 401, 'invalid_signature'],
    [{ ...good, headers: {} }, 401, 'missing_header'],
    [await stripeRequest({ id: 'e', type: 'x' }, NOW - 3600), 400, 'timestamp_too_old'],
    [{ ...good, body: JSON.parse(good.body) }, 500, 'body_not_raw'],
    [
      await stripeRequest({ id: 'evt_3', type: 'invoice.paid', data: { amount_paid: 1 } }),
      500,
      'handler_failed',
    ],
  ];
  for (const [request, status, code] of cases) {
    const outcome = await hooks.receive(request);
    assert.equal(outcome.status, status, code);
    assert.equal(outcome.error?.code, code);
    assert.equal(JSON.parse(outcome.body).error.code, code);
  }
  assert.deepEqual(
    errors.map((e) => e.code),
    cases.map(([, , code]) => code),
  );
  assert.equal((errors.at(-1)?.cause as Error | undefined)?.message, 'database down');
  const bad = '{"id": "evt_bad", ';
  const notJson = await hooks.receive({
    headers: await schemes.stripe.sign({ body: bad, timestamp: NOW }, { secret }),
    body: bad,
  });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.error?.code, 'invalid_json');
  const unconfigured = await createReceiver({ scheme: 'stripe', now }).receive(good);
  assert.equal(unconfigured.status, 500);
});

test('form bodies, empty bodies and a scheme object', async () => {
  const events: WebhookEvent[] = [];
  const hooks = createReceiver({ scheme: schemes.token, secret: 't0ken' }).onAny((event) => {
    events.push(event);
  });
  const form = await hooks.receive({
    headers: { 'x-webhook-token': 't0ken', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'type=sms.received&Body=hi+there',
  });
  assert.equal(form.status, 204);
  assert.deepEqual(events[0]?.payload, { type: 'sms.received', Body: 'hi there' });
  assert.equal(events[0]?.type, 'sms.received');
  const empty = await hooks.receive({ headers: { 'x-webhook-token': 't0ken' }, body: new Uint8Array(0) });
  assert.equal(empty.status, 204);
  assert.equal(events[1]?.payload, undefined);
  assert.equal(events[1]?.type, '');
});

test('a custom scheme that throws gets a 500 invalid_config, not an exception', async () => {
  const broken = { ...schemes.none, name: 'broken', verify: () => Promise.reject(new TypeError('bug')) };
  const errors: ReceiverError[] = [];
  const outcome = await createReceiver({ scheme: broken })
    .onError((error) => {
      errors.push(error);
    })
    .receive({ headers: {}, body: '{}' });
  assert.equal(outcome.status, 500);
  assert.equal(outcome.error?.code, 'invalid_config');
  assert.equal((errors[0]?.cause as Error | undefined)?.message, 'bug');
});
