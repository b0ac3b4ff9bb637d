import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import type { Attempt, Delivery } from '../store/types.ts';
import { type DeliveryKit, openDeliveryKit, startReceiver } from '../test-support/delivery-kit.ts';

const SECOND = 1_000;

/**
 * The retry policy as a receiver experiences it, through the real worker and real sockets: the clock is
 * injected and only moves when a test advances it, so every delay is asserted exactly.
 */
forEachEngine((engine) => {
  test('500, 500, 200: three attempts at the schedule (jitter pinned), same webhook-id, fresh signatures', async () => {
    // random 0.75 → +10 % of each delay (jitter ±20 %): 5 s → 5.5 s, 5 min → 5.5 min.
    const kit = await openDeliveryKit(engine, { random: () => 0.75 });
    const receiver = await startReceiver((_request, response, index) =>
      status(response, index < 2 ? 500 : 200),
    );
    try {
      await kit.createEndpoint({ url: receiver.url });
      const id = await kit.publish();
      const t0 = kit.clock.now();
      let delivery = (await settled(kit, id, 1)).delivery;
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.nextAttemptAt, t0 + 5_500);
      kit.advance(5_499);
      assert.equal((await kit.store.queueDepth(kit.clock.now())).due, 0, 'not due a millisecond early');
      kit.advance(1);
      delivery = (await settled(kit, id, 2)).delivery;
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.nextAttemptAt, t0 + 5_500 + 330_000);
      kit.advance(330_000);
      const { attempts } = await settled(kit, id, 3);
      assert.equal((await kit.deliveries({ messageId: id }))[0]?.status, 'succeeded');
      assert.deepEqual(
        attempts.map((a) => [a.attemptNumber, a.responseStatus, a.createdAt - t0]),
        [
          [1, 500, 0],
          [2, 500, 5_500],
          [3, 200, 335_500],
        ],
      );
      const sent = receiver.requests.map((r) => r.headers);
      assert.equal(sent.length, 3);
      assert.deepEqual(new Set(sent.map((h) => h['webhook-id'])), new Set([id]));
      assert.deepEqual(
        sent.map((h) => Number(h['webhook-timestamp'])),
        [0, 5_500, 335_500].map((offset) => Math.floor((t0 + offset) / SECOND)),
      );
      assert.equal(new Set(sent.map((h) => h['webhook-signature'])).size, 3);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test('410 exhausts the delivery, disables the endpoint and publishes endpoint.disabled to subscribers', async () => {
    const kit = await openDeliveryKit(engine);
    const gone = await startReceiver((_request, response) => status(response, 410));
    const ops = await startReceiver();
    try {
      const endpoint = await kit.createEndpoint({ url: gone.url, eventTypes: ['order.*'] });
      await kit.createEndpoint({ url: ops.url, eventTypes: ['endpoint.disabled'] });
      const id = await kit.publish();
      const { delivery, attempts } = await settled(kit, id, 1);
      assert.equal(delivery.status, 'exhausted');
      assert.equal(attempts[0]?.responseStatus, 410);
      const disabled = await kit.endpoint(endpoint.id);
      assert.equal(disabled.disabled, true);
      assert.match(disabled.disabledReason ?? '', /410/);
      await kit.waitFor('the endpoint.disabled event at the subscriber', async () => ops.requests.length > 0);
      const event = JSON.parse(ops.requests[0]?.body.toString() ?? '') as {
        type: string;
        data: { endpointId: string };
      };
      assert.equal(event.type, 'endpoint.disabled');
      assert.equal(event.data.endpointId, endpoint.id);
      // A disabled endpoint is routed nothing more (the router cache was invalidated by the disable).
      const next = await kit.publish();
      assert.deepEqual(await kit.deliveries({ messageId: next }), []);
      assert.equal(gone.requests.length, 1);
    } finally {
      await Promise.all([gone.close(), ops.close()]);
      await kit.close();
    }
  });

  test('failing and recovered events count scheduled attempts: resends in between neither raise nor delay them', async () => {
    const kit = await openDeliveryKit(engine, { random: () => 0.5 });
    let answer = 500;
    const flaky = await startReceiver((_request, response) => status(response, answer));
    const ops = await startReceiver();
    try {
      const endpoint = await kit.createEndpoint({
        url: flaky.url,
        eventTypes: ['order.*'],
        retrySchedule: [SECOND, SECOND, SECOND, SECOND, SECOND],
      });
      await kit.createEndpoint({
        url: ops.url,
        eventTypes: ['message.attempt.failing', 'message.attempt.recovered'],
      });
      const id = await kit.publish();
      const resend = async () => {
        const response = await kit.call('POST', `/v1/messages/${id}/resend`, { endpointId: endpoint.id });
        assert.equal(response.statusCode, 200, response.body);
      };
      const retry = async (count: number) => {
        kit.advance(SECOND);
        await settled(kit, id, count);
      };
      await settled(kit, id, 1); // scheduled 1
      await resend(); // attempt 2
      await retry(3); // scheduled 2
      await retry(4); // scheduled 3: the 4th attempt, but not the 4th scheduled one
      await resend(); // attempt 5
      await retry(6); // scheduled 4: failing
      answer = 200;
      await retry(7); // scheduled 5 succeeds: recovered
      await kit.waitFor('both operational events at the subscriber', async () => ops.requests.length >= 2);
      const events = ops.requests.map(
        (r) =>
          JSON.parse(r.body.toString()) as { type: string; data: { lastAttempt: { attemptNumber: number } } },
      );
      assert.deepEqual(
        events.map((e) => [e.type, e.data.lastAttempt.attemptNumber]),
        [
          ['message.attempt.failing', 6],
          ['message.attempt.recovered', 7],
        ],
      );
    } finally {
      await Promise.all([flaky.close(), ops.close()]);
      await kit.close();
    }
  });

  test('an inbound message whose sender claims to be operational still raises operational events', async () => {
    const kit = await openDeliveryKit(engine);
    const gone = await startReceiver((_request, response) => status(response, 410));
    const ops = await startReceiver();
    try {
      const endpoint = await kit.createEndpoint({ url: gone.url, eventTypes: ['order.*'] });
      await kit.createEndpoint({ url: ops.url, eventTypes: ['endpoint.disabled'] });
      // As ingest stores it: the sender's headers kept on the message, which has a source.
      await kit.store.insertMessage({
        eventType: 'order.created',
        contentType: 'application/json',
        body: new TextEncoder().encode('{"order":1}'),
        sourceId: 'src_spoofing',
        headers: { 'x-hookline-operational': 'true' },
        deliveries: [{ endpointId: endpoint.id, maxAttempts: 3 }],
      });
      await kit.waitFor('the endpoint.disabled event at the subscriber', async () => ops.requests.length > 0);
      assert.equal(JSON.parse(ops.requests[0]?.body.toString() ?? '').type, 'endpoint.disabled');
      assert.equal(gone.requests[0]?.headers['x-hookline-operational'], undefined, 'not forwarded either');
    } finally {
      await Promise.all([gone.close(), ops.close()]);
      await kit.close();
    }
  });

  test('429 with Retry-After: the next attempt waits max(Retry-After, 60 s)', async () => {
    const kit = await openDeliveryKit(engine);
    const long = await startReceiver((_request, response) => status(response, 429, { 'retry-after': '120' }));
    const short = await startReceiver((_request, response) => status(response, 429, { 'retry-after': '1' }));
    try {
      const longId = (await kit.createEndpoint({ url: long.url })).id;
      const shortId = (await kit.createEndpoint({ url: short.url })).id;
      const t0 = kit.clock.now();
      const id = await kit.publish();
      const byEndpoint = await settledAll(kit, id, 2);
      assert.equal(byEndpoint.get(longId)?.nextAttemptAt, t0 + 120 * SECOND);
      assert.equal(byEndpoint.get(shortId)?.nextAttemptAt, t0 + 60 * SECOND);
    } finally {
      await Promise.all([long.close(), short.close()]);
      await kit.close();
    }
  });

  test('a hanging receiver is a timeout, retried no sooner than 60 s later', async () => {
    const kit = await openDeliveryKit(engine);
    const hanging = await startReceiver(() => {});
    try {
      await kit.createEndpoint({ url: hanging.url, timeoutMs: 1_000 });
      const t0 = kit.clock.now();
      const id = await kit.publish();
      const { delivery, attempts } = await settled(kit, id, 1);
      assert.equal(attempts[0]?.errorKind, 'timeout');
      assert.equal(attempts[0]?.responseStatus, null);
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.nextAttemptAt, t0 + 60 * SECOND);
      assert.equal(hanging.requests.length, 1);
    } finally {
      await hanging.close();
      await kit.close();
    }
  });

  test('a reset connection is `reset`; a redirect is a failure and its target is never contacted', async () => {
    const kit = await openDeliveryKit(engine);
    const canary = await startReceiver();
    const reset = await startReceiver((_request, response) => response.socket?.resetAndDestroy());
    const redirect = await startReceiver((_request, response) =>
      status(response, 302, { location: canary.url }),
    );
    try {
      const resetId = (await kit.createEndpoint({ url: reset.url })).id;
      const redirectId = (await kit.createEndpoint({ url: redirect.url })).id;
      const id = await kit.publish();
      const byEndpoint = await settledAll(kit, id, 2);
      const attempts = await kit.attempts({ messageId: id });
      const kindOf = (endpointId: string) => attempts.find((a) => a.endpointId === endpointId)?.errorKind;
      assert.equal(kindOf(resetId), 'reset');
      assert.equal(kindOf(redirectId), 'redirect');
      assert.equal(attempts.find((a) => a.endpointId === redirectId)?.responseStatus, 302);
      assert.equal(byEndpoint.get(resetId)?.status, 'failed');
      assert.equal(byEndpoint.get(redirectId)?.status, 'failed');
      assert.equal(canary.connections(), 0, 'the redirect target was contacted');
    } finally {
      await Promise.all([canary.close(), reset.close(), redirect.close()]);
      await kit.close();
    }
  });

  test('`webhook-delivery: abort` stops every further retry of that delivery', async () => {
    const kit = await openDeliveryKit(engine);
    const receiver = await startReceiver((_request, response) =>
      status(response, 503, { 'webhook-delivery': 'abort' }),
    );
    try {
      await kit.createEndpoint({ url: receiver.url });
      const id = await kit.publish();
      const { delivery } = await settled(kit, id, 1);
      assert.equal(delivery.status, 'cancelled');
      assert.equal(delivery.nextAttemptAt, null);
      kit.advance(48 * 3_600 * SECOND);
      assert.equal((await kit.store.nextDueAt()) ?? null, null);
      assert.equal(receiver.requests.length, 1);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });
});

function status(response: ServerResponse, code: number, headers: Record<string, string> = {}): void {
  response.writeHead(code, { 'content-type': 'text/plain', ...headers }).end(`status ${code}`);
}

/** Waits until the message's single delivery has `count` attempts and is no longer in flight. */
async function settled(
  kit: DeliveryKit,
  messageId: string,
  count: number,
): Promise<{ delivery: Delivery; attempts: Attempt[] }> {
  return kit.waitFor(`attempt ${count} of ${messageId} to be recorded`, async () => {
    const [delivery] = await kit.deliveries({ messageId });
    if (!delivery || delivery.status === 'in_flight' || delivery.status === 'pending') return null;
    const attempts = await kit.attempts({ messageId });
    return attempts.length >= count ? { delivery, attempts } : null;
  });
}

/** Waits until all `count` deliveries of a message have finished an attempt; returns them by endpoint. */
async function settledAll(
  kit: DeliveryKit,
  messageId: string,
  count: number,
): Promise<Map<string, Delivery>> {
  return kit.waitFor(`${count} deliveries of ${messageId} to settle`, async () => {
    const deliveries = await kit.deliveries({ messageId });
    const done = deliveries.filter((d) => d.status !== 'in_flight' && d.status !== 'pending');
    return done.length === count ? new Map(done.map((d) => [d.endpointId, d])) : null;
  });
}
