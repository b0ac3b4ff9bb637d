import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { result } from '../store/conformance/fixtures.ts';
import { createEngineApp, type EngineApp } from '../test-support/engine-app.ts';

// The routes the dashboard needs beyond CRUD (issue #7), on every store engine: endpoint health, the
// overview, a source's refused requests and the test event.

forEachEngine((engine) => {
  let k: EngineApp;
  let admin: string;
  let acme: string;
  let reader: string;
  let failing: { id: string };
  let healthy: { id: string };
  let globexEndpoint: { id: string };
  let source: { id: string; ingestPath: string; secrets: string[] };
  let globexSource: { id: string };

  const call = async (method: 'GET' | 'POST', url: string, key: string, payload?: object) => {
    const response = await k.app.inject({
      method,
      url,
      headers: k.auth(key),
      ...(payload === undefined ? {} : { payload }),
    });
    return { status: response.statusCode, body: response.json() };
  };

  before(async () => {
    k = await createEngineApp(engine);
    admin = await k.createKey(['admin']);
    acme = await k.createKey(['admin'], 'acme');
    reader = await k.createKey(['read']);
    const globex = await k.createKey(['admin'], 'globex');
    const endpoint = async (key: string, body: object) => {
      const created = await call('POST', '/v1/endpoints', key, body);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as { id: string };
    };
    failing = await endpoint(acme, { url: 'https://acme.example.com/hooks', eventTypes: ['invoice.*'] });
    healthy = await endpoint(admin, { url: 'https://all.example.com/hooks', description: 'catch-all' });
    globexEndpoint = await endpoint(globex, { url: 'https://globex.example.com/hooks' });
    const created = await call('POST', '/v1/sources', acme, {
      name: 'github',
      verification: { scheme: 'github' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    source = created.body;
    globexSource = (
      await call('POST', '/v1/sources', globex, { name: 'stripe', verification: { scheme: 'github' } })
    ).body;

    // Traffic: three acme invoices reach both acme's endpoint and the catch-all one.
    for (let i = 0; i < 3; i++) {
      const published = await call('POST', '/v1/messages', acme, {
        eventType: 'invoice.paid',
        payload: { i },
      });
      assert.equal(published.status, 202);
    }
    const { store, clock } = k.t;
    const claims = await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 60_000 });
    assert.equal(claims.length, 6);
    clock.advance(1000);
    for (const claim of claims) {
      const ok = claim.delivery.endpointId === healthy.id;
      const outcome = ok
        ? { kind: 'succeeded' as const }
        : { kind: 'retry' as const, nextAttemptAt: clock.now() + 60_000 };
      const r = result(claim.delivery, claim.leaseToken, outcome, {
        endpoint: { effect: ok ? 'success' : 'failure' },
      });
      r.attempt.durationMs = ok ? 40 : 15_000;
      if (!ok) {
        r.attempt.errorKind = 'timeout';
        r.attempt.responseStatus = null;
        r.attempt.errorMessage = 'no answer within 15 s';
      }
      await store.completeAttempts([r]);
    }
  });
  after(() => k.close());

  test('endpoint health: window counts, last error, backlog; tenant keys see only their own', async () => {
    const now = new Date(k.t.clock.now()).toISOString();
    const bad = await call('GET', `/v1/endpoints/${failing.id}/health`, reader);
    assert.equal(bad.status, 200, JSON.stringify(bad.body));
    assert.deepEqual(bad.body, {
      endpointId: failing.id,
      window: '24h',
      attempts: 3,
      succeeded: 0,
      failed: 3,
      successRate: 0,
      lastAttemptAt: now,
      lastSuccessAt: null,
      lastError: { at: now, status: null, errorKind: 'timeout', message: 'no answer within 15 s' },
      failingSince: now,
      disabled: false,
      disabledReason: null,
      pending: 3,
    });
    const good = await call('GET', `/v1/endpoints/${healthy.id}/health?window=1h`, admin);
    assert.equal(good.body.window, '1h');
    assert.equal(good.body.successRate, 1);
    assert.equal(good.body.lastSuccessAt, now);
    assert.equal(good.body.lastError, null);
    assert.equal(good.body.pending, 0);
    k.t.clock.advance(2 * 3_600_000);
    const later = await call('GET', `/v1/endpoints/${healthy.id}/health?window=1h`, admin);
    assert.equal(later.body.attempts, 0);
    assert.equal(later.body.successRate, null, 'no attempts is no rate, not 0 %');
    assert.equal(later.body.lastSuccessAt, now, 'the last success is not limited to the window');
    k.t.clock.advance(-2 * 3_600_000);

    assert.equal((await call('GET', `/v1/endpoints/${globexEndpoint.id}/health`, acme)).status, 404);
    assert.equal((await call('GET', `/v1/endpoints/${failing.id}/health`, acme)).status, 200);
    const wrong = await call('GET', `/v1/endpoints/${failing.id}/health?window=7d`, admin);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'validation_failed');
    assert.equal((await call('GET', '/v1/endpoints/ep_NOPE/health', admin)).body.error.code, 'not_found');
  });

  test('source failures: refusals by reason and the latest ones, in memory, 24 h, per tenant', async () => {
    const body = '{"zen":"hi"}';
    const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const post = (headers: Record<string, string>) =>
      k.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json', 'x-github-event': 'ping', ...headers },
        payload: body,
        remoteAddress: '203.0.113.9',
      });
    assert.equal((await post({ 'x-hub-signature-256': sign('wrong') })).statusCode, 401);
    assert.equal((await post({ 'x-hub-signature-256': sign('wrong') })).statusCode, 401);
    k.t.clock.advance(1000);
    assert.equal((await post({})).statusCode, 401);
    assert.equal((await post({ 'x-hub-signature-256': sign(source.secrets[0] ?? '') })).statusCode, 202);

    const got = await call('GET', `/v1/sources/${source.id}/failures`, reader);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.sourceId, source.id);
    assert.equal(got.body.since, new Date(k.t.clock.now() - 86_400_000).toISOString());
    assert.equal(got.body.total, 3);
    assert.deepEqual(got.body.reasons, { invalid_signature: 2, signature_missing: 1 });
    assert.deepEqual(
      got.body.recent.map((r: { code: string; status: number; clientIp: string }) => [
        r.code,
        r.status,
        r.clientIp,
      ]),
      [
        ['signature_missing', 401, '203.0.113.9'],
        ['invalid_signature', 401, '203.0.113.9'],
        ['invalid_signature', 401, '203.0.113.9'],
      ],
    );
    assert.equal(got.body.recent[0].at, new Date(k.t.clock.now()).toISOString());

    assert.equal((await call('GET', `/v1/sources/${source.id}/failures`, acme)).status, 200);
    const other = await call('GET', `/v1/sources/${globexSource.id}/failures`, acme);
    assert.equal(other.status, 404);
    assert.equal(other.body.error.code, 'not_found');
    const quiet = await call('GET', `/v1/sources/${globexSource.id}/failures`, admin);
    assert.deepEqual([quiet.body.total, quiet.body.reasons, quiet.body.recent], [0, {}, []]);
  });

  test('overview: buckets, totals, what is failing; 1h and 24h; a tenant key sees its tenant only', async () => {
    const hour = await call('GET', '/v1/stats/overview', reader);
    assert.equal(hour.status, 200, JSON.stringify(hour.body));
    const o = hour.body;
    assert.equal(o.window, '1h');
    assert.equal(o.bucketMs, 60_000);
    assert.equal(o.buckets.length, 60);
    assert.equal(Date.parse(o.until) - Date.parse(o.since), 3_600_000);
    assert.ok(Date.parse(o.until) > k.t.clock.now() && Date.parse(o.until) % 60_000 === 0);
    // The three invoices and the one accepted ingest request of the source test.
    assert.deepEqual(o.totals, { messages: 4, succeeded: 3, failed: 3, successRate: 0.5, p95DurationMs: 40 });
    const busy = o.buckets.filter((b: { messages: number; failed: number }) => b.messages + b.failed > 0);
    assert.ok(busy.length >= 1);
    assert.deepEqual(
      o.failingEndpoints.map((e: { id: string }) => e.id),
      [failing.id],
    );
    assert.deepEqual(o.failingEndpoints[0], {
      id: failing.id,
      url: 'https://acme.example.com/hooks',
      description: '',
      tenant: 'acme',
      disabled: false,
      failingSince: o.failingEndpoints[0].failingSince,
      disabledReason: null,
      lastError: { ...o.failingEndpoints[0].lastError, status: null, errorKind: 'timeout' },
    });
    assert.ok(o.failingEndpoints[0].failingSince);
    assert.deepEqual(o.failingSources, [
      { id: source.id, name: 'github', failures: 3, reasons: { invalid_signature: 2, signature_missing: 1 } },
    ]);

    const day = await call('GET', '/v1/stats/overview?window=24h', admin);
    assert.equal(day.body.buckets.length, 48);
    assert.equal(day.body.bucketMs, 1_800_000);

    // A tenant key: its own figures (the catch-all endpoint's successes were for acme's messages too).
    const globex = await k.createKey(['read'], 'globex');
    const theirs = await call('GET', '/v1/stats/overview', globex);
    assert.deepEqual(theirs.body.totals, {
      messages: 0,
      succeeded: 0,
      failed: 0,
      successRate: null,
      p95DurationMs: null,
    });
    assert.deepEqual([theirs.body.failingEndpoints, theirs.body.failingSources], [[], []]);
    const mine = await call('GET', '/v1/stats/overview', acme);
    assert.equal(mine.body.totals.messages, 4);
    assert.equal(mine.body.failingEndpoints.length, 1);

    const wrong = await call('GET', '/v1/stats/overview?window=2h', admin);
    assert.equal(wrong.body.error.code, 'validation_failed');
  });

  test('test event: delivered to that endpoint only, filters ignored; disabled is 409; scopes and tenants', async () => {
    const sent = await call('POST', `/v1/endpoints/${failing.id}/test`, acme);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const message = await k.t.store.getMessage(sent.body.messageId);
    assert.equal(message?.eventType, 'hookline.test', 'not invoice.*: the endpoint filter does not apply');
    assert.equal(message?.tenant, 'acme');
    assert.deepEqual(JSON.parse(Buffer.from(message?.body ?? []).toString()), {
      test: true,
      sentAt: new Date(k.t.clock.now()).toISOString(),
    });
    const deliveries = await k.t.store.listDeliveries({ messageId: sent.body.messageId });
    assert.deepEqual(
      deliveries.data.map((d) => [d.id, d.endpointId, d.status]),
      [[sent.body.deliveryId, failing.id, 'pending']],
      'the catch-all endpoint does not get it',
    );

    const custom = await call('POST', `/v1/endpoints/${healthy.id}/test`, admin, {
      eventType: 'order.shipped',
      payload: { order: 7 },
    });
    assert.equal(custom.status, 202);
    const customMessage = await k.t.store.getMessage(custom.body.messageId);
    assert.equal(customMessage?.eventType, 'order.shipped');
    assert.equal(Buffer.from(customMessage?.body ?? []).toString(), '{"order":7}');

    const publisher = await k.createKey(['publish']);
    assert.equal((await call('POST', `/v1/endpoints/${healthy.id}/test`, publisher, {})).status, 202);
    const denied = await call('POST', `/v1/endpoints/${healthy.id}/test`, reader, {});
    assert.deepEqual([denied.status, denied.body.error.code], [403, 'forbidden']);
    assert.equal((await call('POST', `/v1/endpoints/${globexEndpoint.id}/test`, acme, {})).status, 404);
    const invalid = await call('POST', `/v1/endpoints/${healthy.id}/test`, admin, { payload: [1] });
    assert.deepEqual([invalid.status, invalid.body.error.code], [400, 'validation_failed']);

    assert.equal((await call('POST', `/v1/endpoints/${globexEndpoint.id}/disable`, admin, {})).status, 200);
    const disabled = await call('POST', `/v1/endpoints/${globexEndpoint.id}/test`, admin, {});
    assert.deepEqual([disabled.status, disabled.body.error.code], [409, 'endpoint_disabled']);
  });
});
