import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
let acme: string;
let acmeMessage: string;
let globexMessage: string;

interface AttemptBody {
  id: string;
  deliveryId: string;
  endpointId: string;
  trigger: string;
  attemptNumber: number;
  responseStatus: number | null;
  errorKind: string;
  errorMessage: string | null;
}

before(async () => {
  t = await createTestApp();
  acme = await t.createKey(['publish', 'read'], 'acme');
  const publish = async (tenant: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: t.auth(t.adminKey),
      payload: { eventType: 'order.paid', payload: { n: 1 }, tenant },
    });
    assert.equal(response.statusCode, 202, response.body);
    return bodyOf<{ id: string }>(response).id;
  };
  acmeMessage = await publish('acme');
  globexMessage = await publish('globex');
});
after(() => t.close());

const record = (key: string, messageId: string, payload: Record<string, unknown>) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/messages/${messageId}/attempts`,
    headers: t.auth(key),
    payload: { listener: 'laptop', url: 'http://localhost:3000/hooks', durationMs: 12, ...payload },
  });
const get = (key: string, url: string) => t.app.inject({ method: 'GET', url, headers: t.auth(key) });

test('recorded forwards are cli attempts on the message delivery to the listener, final and never retried', async () => {
  const ok = await record(acme, acmeMessage, {
    responseStatus: 200,
    responseBody: 'thanks',
    responseHeaders: { 'content-type': 'text/plain' },
  });
  assert.equal(ok.statusCode, 201, ok.body);
  const first = bodyOf<AttemptBody>(ok);
  assert.equal(first.trigger, 'cli');
  assert.equal(first.errorKind, 'none');
  assert.match(first.endpointId, /^lsn_/);

  const failed = bodyOf<AttemptBody>(await record(acme, acmeMessage, { responseStatus: 500 }));
  assert.equal(failed.attemptNumber, 2);
  assert.equal(failed.errorKind, 'http_status');
  assert.equal(failed.errorMessage, 'HTTP 500');
  const refused = bodyOf<AttemptBody>(
    await record(acme, acmeMessage, {
      responseStatus: null,
      errorKind: 'connect',
      errorMessage: 'ECONNREFUSED',
    }),
  );
  assert.equal(refused.errorKind, 'connect');

  const deliveries = bodyOf<{
    data: { id: string; endpointId: string; status: string; attemptCount: number }[];
  }>(await get(acme, `/v1/messages/${acmeMessage}/deliveries`));
  const mine = deliveries.data.find((d) => d.endpointId === first.endpointId);
  assert.equal(mine?.status, 'exhausted', 'the latest forward failed');
  assert.equal(mine?.attemptCount, 3);
  const attempts = bodyOf<{ data: AttemptBody[] }>(await get(acme, `/v1/deliveries/${mine?.id}/attempts`));
  assert.deepEqual(
    attempts.data.map((a) => [a.attemptNumber, a.responseStatus, a.errorKind]),
    [
      [3, null, 'connect'],
      [2, 500, 'http_status'],
      [1, 200, 'none'],
    ],
  );

  const listeners = bodyOf<{ data: { id: string; name: string; tenant: string | null }[] }>(
    await get(acme, '/v1/listeners'),
  );
  assert.deepEqual(listeners.data, [
    { ...listeners.data[0], id: first.endpointId, name: 'laptop', tenant: 'acme' },
  ]);
  // A listener is not an endpoint: endpoint operations cannot reach it.
  const resend = await t.app.inject({
    method: 'POST',
    url: `/v1/messages/${acmeMessage}/resend`,
    headers: t.auth(t.adminKey),
    payload: { endpointId: first.endpointId },
  });
  assert.equal(errorCode(resend), 'not_found');
});

test('bad reports are coded 4xx errors', async () => {
  assert.equal(errorCode(await record(acme, acmeMessage, { responseStatus: null })), 'validation_failed');
  assert.equal(
    errorCode(await record(acme, acmeMessage, { responseStatus: 200, errorKind: 'timeout' })),
    'validation_failed',
  );
  assert.equal(errorCode(await record(acme, acmeMessage, { responseStatus: 99 })), 'validation_failed');
  assert.equal(
    errorCode(await record(acme, acmeMessage, { responseStatus: 200, listener: 'no spaces' })),
    'validation_failed',
  );
  assert.equal(
    errorCode(await record(acme, acmeMessage, { responseStatus: 200, url: 'ftp://x/' })),
    'invalid_url',
  );
  const missing = await record(acme, 'msg_01HZZZZZZZZZZZZZZZZZZZZZZZ', { responseStatus: 200 });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorCode(missing), 'not_found');
  // Tenant isolation: another tenant's message is invisible.
  assert.equal(errorCode(await record(acme, globexMessage, { responseStatus: 200 })), 'not_found');
  const readOnly = await t.createKey(['read']);
  assert.equal(errorCode(await record(readOnly, acmeMessage, { responseStatus: 200 })), 'forbidden');
});
