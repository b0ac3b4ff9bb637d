import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import type { Delivery } from '../store/types.ts';
import { type DeliveryKit, openDeliveryKit, startReceiver } from '../test-support/delivery-kit.ts';

/**
 * Operator recovery through the API (resend, recover a window, cancel) and the dispatcher's isolation
 * and shutdown guarantees, with the real worker against real receivers on both engines.
 */
forEachEngine((engine) => {
  test('resend is a manual attempt now and leaves the scheduled retry where it was', async () => {
    const kit = await openDeliveryKit(engine);
    let answer = 500;
    const receiver = await startReceiver((_request, response) => status(response, answer));
    try {
      const endpoint = await kit.createEndpoint({ url: receiver.url });
      const id = await kit.publish();
      const before = await settledOne(kit, id);
      assert.equal(before.status, 'failed');
      answer = 200;
      const response = await kit.call('POST', `/v1/messages/${id}/resend`, { endpointId: endpoint.id });
      assert.equal(response.statusCode, 200, response.body);
      const manual = JSON.parse(response.body) as { trigger: string; responseStatus: number };
      assert.equal(manual.trigger, 'manual');
      assert.equal(manual.responseStatus, 200);
      const after = await settledOne(kit, id);
      assert.equal(after.status, 'failed');
      assert.equal(after.nextAttemptAt, before.nextAttemptAt);
      assert.equal(after.attemptCount, before.attemptCount);
      // The schedule still runs: the retry goes out at its time and succeeds.
      kit.advance(5_000);
      await kit.waitFor(
        'the scheduled retry',
        async () => (await settledOne(kit, id)).status === 'succeeded',
      );
      const attempts = await kit.attempts({ messageId: id });
      assert.deepEqual(attempts.map((a) => a.trigger).sort(), ['manual', 'scheduled', 'scheduled']);
      // Numbered in the order they happened: the retry after the resend does not take the resend's number.
      assert.deepEqual(
        attempts.map((a) => [a.attemptNumber, a.trigger]).sort((a, b) => Number(a[0]) - Number(b[0])),
        [
          [1, 'scheduled'],
          [2, 'manual'],
          [3, 'scheduled'],
        ],
      );
      assert.equal(receiver.requests.length, 3);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test("resend never crosses tenants: only endpoints of the message's tenant or without tenant", async () => {
    const kit = await openDeliveryKit(engine);
    const acmeReceiver = await startReceiver();
    const globexReceiver = await startReceiver();
    const sharedReceiver = await startReceiver();
    try {
      // No event type matches, so nothing is routed: every request a receiver gets is a resend.
      const quiet = { eventTypes: ['never.*'] };
      const acme = await kit.createEndpoint({ url: acmeReceiver.url, tenant: 'acme', ...quiet });
      const globex = await kit.createEndpoint({ url: globexReceiver.url, tenant: 'globex', ...quiet });
      const shared = await kit.createEndpoint({ url: sharedReceiver.url, ...quiet });
      const acmeMessage = await kit.publish({
        eventType: 'order.created',
        payload: { secret: 'acme' },
        tenant: 'acme',
      });
      const untenanted = await kit.publish({ eventType: 'order.created', payload: { n: 1 } });

      for (const [message, endpoint] of [
        [acmeMessage, globex.id],
        [untenanted, acme.id],
      ] as const) {
        const refused = await kit.call('POST', `/v1/messages/${message}/resend`, { endpointId: endpoint });
        assert.equal(refused.statusCode, 404, refused.body);
        assert.equal(JSON.parse(refused.body).error.code, 'not_found');
        assert.deepEqual(await kit.deliveries({ messageId: message, endpointId: endpoint }), []);
      }
      assert.equal(globexReceiver.requests.length, 0);
      assert.equal(acmeReceiver.requests.length, 0);

      for (const [message, endpoint] of [
        [acmeMessage, acme.id],
        [acmeMessage, shared.id],
        [untenanted, shared.id],
      ] as const) {
        const sent = await kit.call('POST', `/v1/messages/${message}/resend`, { endpointId: endpoint });
        assert.equal(sent.statusCode, 200, sent.body);
      }
      assert.equal(acmeReceiver.requests[0]?.body.toString(), '{"secret":"acme"}');
      assert.equal(sharedReceiver.requests.length, 2);
      assert.equal(globexReceiver.requests.length, 0);
    } finally {
      await Promise.all([acmeReceiver.close(), globexReceiver.close(), sharedReceiver.close()]);
      await kit.close();
    }
  });

  test('resend to an endpoint the message never went to sends once and records the outcome', async () => {
    const kit = await openDeliveryKit(engine);
    const routed = await startReceiver();
    const other = await startReceiver();
    try {
      await kit.createEndpoint({ url: routed.url, eventTypes: ['order.*'] });
      const elsewhere = await kit.createEndpoint({ url: other.url, eventTypes: ['invoice.*'] });
      const id = await kit.publish();
      await kit.waitFor('the routed delivery', async () => routed.requests.length === 1);
      const response = await kit.call('POST', `/v1/messages/${id}/resend`, { endpointId: elsewhere.id });
      assert.equal(response.statusCode, 200, response.body);
      // A second message through the same worker: claims go oldest due first, so a delivery the resend
      // had left due would be claimed and sent again by the time this one arrives. (The clock stays put:
      // moving it past the lease of an attempt in flight would make the worker rightly send that again.)
      await kit.publish();
      await kit.waitFor('the next routed delivery', async () => routed.requests.length === 2);
      const [delivery] = await kit.deliveries({ messageId: id, endpointId: elsewhere.id });
      assert.equal(delivery?.status, 'succeeded');
      assert.equal(delivery?.attemptCount, 1);
      assert.equal(delivery?.nextAttemptAt, null);
      assert.equal(other.requests.length, 1, 'the resend reached the endpoint once');
      const attempts = await kit.attempts({ messageId: id, endpointId: elsewhere.id });
      assert.deepEqual(
        attempts.map((a) => [a.trigger, a.attemptNumber]),
        [['manual', 1]],
      );
    } finally {
      await Promise.all([routed.close(), other.close()]);
      await kit.close();
    }
  });

  test("recover puts an endpoint's exhausted deliveries of a window back, and only those", async () => {
    const kit = await openDeliveryKit(engine);
    let answer = 500;
    const receiver = await startReceiver((_request, response) => status(response, answer));
    try {
      // No retries: the first failure exhausts the delivery.
      // Only orders: operational events (message.attempt.exhausted) would otherwise reach it too.
      const endpoint = await kit.createEndpoint({
        url: receiver.url,
        retrySchedule: [],
        eventTypes: ['order.*'],
      });
      const t0 = kit.clock.now();
      const early = [await kit.publish(), await kit.publish(), await kit.publish()];
      kit.advance(3_600_000);
      const late = await kit.publish();
      for (const id of [...early, late]) assert.equal((await settledOne(kit, id)).status, 'exhausted');
      answer = 200;
      const response = await kit.call('POST', `/v1/endpoints/${endpoint.id}/recover`, {
        since: new Date(t0).toISOString(),
        until: new Date(t0 + 1_800_000).toISOString(),
      });
      assert.equal(response.statusCode, 202, response.body);
      assert.deepEqual(JSON.parse(response.body), { recovered: 3 });
      kit.advance(0);
      for (const id of early) {
        await kit.waitFor(`${id} recovered`, async () => (await settledOne(kit, id)).status === 'succeeded');
      }
      assert.equal((await settledOne(kit, late)).status, 'exhausted');
      assert.equal(receiver.requests.length, 7);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test('cancel stops the pending retries of a message and of a single delivery', async () => {
    const kit = await openDeliveryKit(engine);
    const receiver = await startReceiver((_request, response) => status(response, 500));
    try {
      await kit.createEndpoint({ url: receiver.url });
      const first = await kit.publish();
      const second = await kit.publish();
      await settledOne(kit, first);
      const delivery = await settledOne(kit, second);
      const byMessage = await kit.call('POST', `/v1/messages/${first}/cancel`);
      assert.deepEqual(JSON.parse(byMessage.body), { cancelled: 1 });
      const byDelivery = await kit.call('POST', `/v1/deliveries/${delivery.id}/cancel`);
      assert.deepEqual(JSON.parse(byDelivery.body), { cancelled: 1 });
      kit.advance(3_600_000);
      assert.equal(await kit.store.nextDueAt(), null);
      for (const id of [first, second]) assert.equal((await settledOne(kit, id)).status, 'cancelled');
      assert.equal(receiver.requests.length, 2);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test('one hanging endpoint holds only its own slots: healthy endpoints are all delivered meanwhile', async () => {
    // A short shutdown grace: the hanging attempts are aborted and released when the kit closes.
    const kit = await openDeliveryKit(engine, { config: { shutdownTimeoutMs: 100 } });
    const hanging = await startReceiver(() => {});
    const healthy = await Promise.all([1, 2, 3].map(() => startReceiver()));
    try {
      const hangingId = (await kit.createEndpoint({ url: hanging.url, timeoutMs: 30_000 })).id;
      for (const receiver of healthy) await kit.createEndpoint({ url: receiver.url });
      const messages = 100;
      const batch = Array.from({ length: messages }, (_, i) => ({
        eventType: 'order.created',
        payload: { i },
      }));
      const response = await kit.call('POST', '/v1/messages/batch', { messages: batch });
      assert.equal(response.statusCode, 202, response.body);
      await kit.waitFor('every healthy delivery', async () => {
        const succeeded = await kit.store.listDeliveries({ status: 'succeeded', limit: 1000 });
        return succeeded.data.length === 3 * messages;
      });
      for (const receiver of healthy) assert.equal(receiver.requests.length, messages);
      // The hanging endpoint never got more than its default concurrency, and none of its attempts ended.
      assert.ok(hanging.requests.length >= 1 && hanging.requests.length <= 16, `${hanging.requests.length}`);
      assert.deepEqual(await kit.attempts({ endpointId: hangingId }), []);
    } finally {
      await Promise.all([hanging.close(), ...healthy.map((r) => r.close())]);
      await kit.close();
    }
  });

  test("dead endpoints on the healthy one's host hold only their own slots, not its connections", async () => {
    // Two dead endpoints at their default concurrency (16 each) would hold 32 connections: all of an
    // origin's pool before the pool was sized to the worker's concurrency.
    const kit = await openDeliveryKit(engine, { config: { shutdownTimeoutMs: 100 } });
    const receiver = await startReceiver((request, response) => {
      if (request.url.includes('/dead-')) return;
      status(response, 204);
    });
    try {
      await kit.createEndpoint({ url: `${receiver.url}/dead-1`, timeoutMs: 30_000 });
      await kit.createEndpoint({ url: `${receiver.url}/dead-2`, timeoutMs: 30_000 });
      await kit.createEndpoint({ url: `${receiver.url}/ok` });
      const messages = 60;
      const batch = Array.from({ length: messages }, (_, i) => ({
        eventType: 'order.created',
        payload: { i },
      }));
      const response = await kit.call('POST', '/v1/messages/batch', { messages: batch });
      assert.equal(response.statusCode, 202, response.body);
      await kit.waitFor('every healthy delivery while the dead ones hang', async () => {
        const ok = receiver.requests.filter((r) => r.url.endsWith('/ok')).length;
        return ok === messages;
      });
      const dead = receiver.requests.filter((r) => r.url.includes('/dead-')).length;
      assert.ok(dead >= 2 && dead <= 32, `dead endpoints got ${dead} requests, at most 16 each`);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test('a failing endpoint gets only failingEndpointConcurrency slots until it succeeds again', async () => {
    const kit = await openDeliveryKit(engine);
    let answer = 500;
    let open = 0;
    let maxOpen = 0;
    const receiver = await startReceiver((_request, response) => {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      // Slow enough that many attempts would overlap at the default cap of 16.
      setTimeout(() => {
        open -= 1;
        status(response, answer);
      }, 30);
    });
    const wave = async (count: number) => {
      maxOpen = 0;
      const before = receiver.requests.length;
      const batch = Array.from({ length: count }, (_, i) => ({ eventType: 'order.created', payload: { i } }));
      const response = await kit.call('POST', '/v1/messages/batch', { messages: batch });
      assert.equal(response.statusCode, 202, response.body);
      await kit.waitFor(`${count} first attempts`, async () => receiver.requests.length - before === count);
      await kit.waitFor('the receiver to answer them all', async () => open === 0);
    };
    try {
      const endpoint = await kit.createEndpoint({ url: receiver.url });
      // One failure, committed: the endpoint is failing.
      await kit.publish();
      await kit.waitFor(
        'the endpoint to be failing',
        async () => (await kit.endpoint(endpoint.id)).failingSince,
      );
      await wave(40);
      assert.ok(maxOpen <= 2, `a failing endpoint had ${maxOpen} attempts in flight, at most 2`);
      // A success lifts the cap: the next wave runs wider than 2 again.
      answer = 204;
      await wave(40);
      assert.ok(maxOpen > 2, `after a success the endpoint still had only ${maxOpen} attempts in flight`);
      assert.equal((await kit.endpoint(endpoint.id)).failingSince, null);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test('graceful stop releases in-flight and held claims; a fresh worker delivers every one', async () => {
    const kit = await openDeliveryKit(engine, { config: { shutdownTimeoutMs: 100 }, worker: false });
    let hang = true;
    const receiver = await startReceiver((_request, response) => {
      if (!hang) status(response, 200);
    });
    try {
      // One at a time: the first claim hangs in flight, the next is held by the dispatcher (one every
      // 10 s at most: a second held job could not start before its lease ran out).
      const endpoint = await kit.createEndpoint({ url: receiver.url, maxConcurrency: 1, timeoutMs: 10_000 });
      // Published in one commit before the worker starts, so its first claim takes both.
      const batch = Array.from({ length: 2 }, (_, i) => ({ eventType: 'order.created', payload: { i } }));
      const published = await kit.call('POST', '/v1/messages/batch', { messages: batch });
      assert.equal(published.statusCode, 202, published.body);
      const ids = (JSON.parse(published.body) as { data: { id: string }[] }).data.map((m) => m.id);
      assert.equal(ids.length, 2);
      await kit.startWorker();
      await kit.waitFor('both claimed, one in flight', async () => {
        const claimed = await kit.store.listDeliveries({ status: 'in_flight', limit: 100 });
        return claimed.data.length === 2 && receiver.requests.length === 1;
      });
      await kit.worker?.stop();
      const released = await kit.deliveries({ endpointId: endpoint.id });
      assert.deepEqual(
        released.map((d) => [d.status, d.attemptCount]),
        ids.map(() => ['pending', 0]),
      );
      assert.deepEqual(await kit.attempts({ endpointId: endpoint.id }), []);
      hang = false;
      await kit.startWorker();
      await kit.waitFor('both delivered by the fresh worker', async () => {
        const done = await kit.deliveries({ endpointId: endpoint.id });
        return done.every((d) => d.status === 'succeeded');
      });
      const attempts = await kit.attempts({ endpointId: endpoint.id });
      assert.deepEqual(
        attempts.map((a) => [a.attemptNumber, a.responseStatus]),
        ids.map(() => [1, 200]),
      );
      assert.deepEqual(new Set(attempts.map((a) => a.messageId)), new Set(ids));
    } finally {
      await receiver.close();
      await kit.close();
    }
  });
});

function status(response: ServerResponse, code: number): void {
  response.writeHead(code, { 'content-type': 'text/plain' }).end(`status ${code}`);
}

/** The message's single delivery once it is not pending or in flight. */
async function settledOne(kit: DeliveryKit, messageId: string): Promise<Delivery> {
  return kit.waitFor(`the delivery of ${messageId} to settle`, async () => {
    const [delivery] = await kit.deliveries({ messageId });
    return delivery && delivery.status !== 'pending' && delivery.status !== 'in_flight' ? delivery : null;
  });
}
