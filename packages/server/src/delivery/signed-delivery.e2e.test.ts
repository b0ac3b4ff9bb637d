import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { forEachEngine } from '../store/conformance/engines.ts';
import { openDeliveryKit, type ReceivedRequest, startReceiver } from '../test-support/delivery-kit.ts';

/**
 * Publish through the API, deliver through the real worker, and let receivers that know nothing of
 * Hookline judge the result: the official `standardwebhooks` library, and the seeds' Flask receiver
 * (X-Signature hex HMAC-SHA256 of the body, X-Timestamp within 300 s) rewritten in node:http.
 */
forEachEngine((engine) => {
  test('a published message reaches 3 endpoints, each verified by the standardwebhooks library', async () => {
    const kit = await openDeliveryKit(engine);
    const receivers = await Promise.all([1, 2, 3].map(() => startVerifyingReceiver()));
    try {
      for (const receiver of receivers) {
        const { secret } = await kit.createEndpoint({ url: receiver.server.url, eventTypes: ['order.*'] });
        receiver.secret = secret;
      }
      const body = {
        eventType: 'order.created',
        payload: { order: 42, note: 'héllo', nested: { a: [1, 2] } },
      };
      const id = await kit.publish(body);
      await kit.waitFor('3 succeeded deliveries', async () => {
        const deliveries = await kit.deliveries({ messageId: id });
        return deliveries.length === 3 && deliveries.every((d) => d.status === 'succeeded');
      });
      for (const receiver of receivers) {
        assert.equal(receiver.server.requests.length, 1);
        assert.deepEqual(receiver.verdicts, ['verified']);
        const request = receiver.server.requests[0];
        assert.equal(request?.headers['webhook-id'], id);
        assert.deepEqual(JSON.parse(request?.body.toString() ?? ''), body.payload);
      }
      const attempts = await kit.attempts({ messageId: id });
      assert.equal(attempts.length, 3);
      assert.ok(attempts.every((a) => a.responseStatus === 204 && a.trigger === 'scheduled'));
    } finally {
      await Promise.all(receivers.map((r) => r.server.close()));
      await kit.close();
    }
  });

  test('custom headers replace same-named ones whatever their case, and never replace Hookline’s own', async () => {
    const kit = await openDeliveryKit(engine);
    const receiver = await startReceiver();
    try {
      await kit.createEndpoint({
        url: receiver.url,
        headers: { 'User-Agent': 'evil-agent', 'X-Team': 'billing' },
      });
      const id = await kit.publish();
      const attempt = await kit.waitFor('the attempt on record', async () => {
        const [first] = await kit.attempts({ messageId: id });
        return first;
      });
      const raw = receiver.requests[0]?.rawHeaders ?? [];
      const named = (name: string) => raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === name);
      assert.deepEqual(named('user-agent'), ['Hookline-Webhooks/0.1'], 'one User-Agent, Hookline’s');
      assert.deepEqual(named('x-team'), ['billing']);
      assert.deepEqual(named('webhook-id'), [id]);
      assert.equal(attempt?.requestHeaders['user-agent'], 'Hookline-Webhooks/0.1');
      assert.equal(attempt?.requestHeaders['User-Agent'], undefined);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });

  test("the seeds' legacy receiver (X-Signature hex HMAC, X-Timestamp within 300 s) accepts our deliveries", async () => {
    const kit = await openDeliveryKit(engine);
    let secret = '';
    const verdicts: string[] = [];
    const receiver = await startReceiver((request, response) => {
      const verdict = seedsReceiverVerdict(request, secret);
      verdicts.push(verdict);
      reply(response, verdict === 'ok' ? 200 : 403, verdict);
    });
    try {
      const created = await kit.createEndpoint({
        url: receiver.url,
        signing: {
          scheme: 'hmac',
          header: 'X-Signature',
          algorithm: 'sha256',
          encoding: 'hex',
          timestampHeader: 'X-Timestamp',
        },
      });
      secret = created.secret;
      const id = await kit.publish({
        eventType: 'user_signed_up',
        payload: { event: 'user_signed_up', user: 'john_doe' },
      });
      const [delivery] = await kit.waitFor('the legacy delivery to finish', async () => {
        const deliveries = await kit.deliveries({ messageId: id });
        return deliveries.length === 1 &&
          deliveries[0]?.status !== 'pending' &&
          deliveries[0]?.status !== 'in_flight'
          ? deliveries
          : null;
      });
      assert.deepEqual(verdicts, ['ok']);
      assert.equal(delivery?.status, 'succeeded');
      // A wrong secret is refused by the same receiver, so the check above is a real one.
      secret = 'not-the-endpoint-secret-at-all';
      await kit.call('POST', `/v1/messages/${id}/resend`, { endpointId: created.id });
      assert.deepEqual(verdicts, ['ok', 'invalid signature']);
    } finally {
      await receiver.close();
      await kit.close();
    }
  });
});

interface VerifyingReceiver {
  server: Awaited<ReturnType<typeof startReceiver>>;
  secret: string;
  verdicts: string[];
}

async function startVerifyingReceiver(): Promise<VerifyingReceiver> {
  const receiver: VerifyingReceiver = { server: null as never, secret: '', verdicts: [] };
  receiver.server = await startReceiver((request, response) => {
    try {
      new Webhook(receiver.secret).verify(request.body, request.headers as Record<string, string>);
      receiver.verdicts.push('verified');
      response.writeHead(204).end();
    } catch (error) {
      receiver.verdicts.push(`refused: ${(error as Error).message}`);
      reply(response, 400, 'bad signature');
    }
  });
  return receiver;
}

/** The seeds' Flask receiver (004): HMAC-SHA256 hex of the raw body in X-Signature, X-Timestamp ±300 s. */
function seedsReceiverVerdict(request: ReceivedRequest, secret: string): string {
  const timestamp = Number(request.headers['x-timestamp']);
  if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300) return 'request expired';
  const expected = Buffer.from(createHmac('sha256', secret).update(request.body).digest('hex'));
  const given = Buffer.from(String(request.headers['x-signature'] ?? ''));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid signature';
  return 'ok';
}

function reply(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
}
