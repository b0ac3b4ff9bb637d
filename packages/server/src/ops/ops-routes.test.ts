import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createOpsTestApp } from './ops-test-app.ts';

const METRICS_TOKEN = 'scrape-token-0123456789';
const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** The value of one sample line (`name{labels} value`) in a Prometheus text exposition. */
function sample(text: string, series: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}

test('GET /readyz: 200 with checks when ready; 503 in the catalog shape with the reason when not', async (t) => {
  let running = true;
  const ops = await createOpsTestApp({ workerRunning: () => running });
  t.after(() => ops.close());
  const ready = await ops.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.deepEqual(ready.json(), { status: 'ready', checks: { store: 'ok', worker: 'ok' } });

  running = false;
  const stopped = await ops.app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(stopped.statusCode, 503);
  assert.deepEqual(stopped.json(), {
    error: {
      code: 'unavailable',
      message: 'not ready (worker: stopped)',
      details: { store: 'ok', worker: 'stopped' },
    },
  });
  const health = await ops.app.inject({ method: 'GET', url: '/healthz' });
  assert.deepEqual([health.statusCode, health.json()], [200, { status: 'ok' }]);
});

test('metrics off: no /metrics route and no registry', async (t) => {
  const ops = await createOpsTestApp();
  t.after(() => ops.close());
  assert.equal(ops.metrics, null);
  const response = await ops.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(response.statusCode, 404);
});

test('/metrics behind its token counts ingest outcomes by source, stored messages and queue depth', async (t) => {
  const ops = await createOpsTestApp({
    config: { metrics: true, metricsToken: METRICS_TOKEN },
    ingest: { perSourceRate: { ratePerSecond: 1, burst: 5 } },
  });
  t.after(() => ops.close());
  const auth = { authorization: `Bearer ${ops.adminKey}` };
  for (const headers of [{}, { authorization: `Bearer ${METRICS_TOKEN}x` }, auth]) {
    const refused = await ops.app.inject({ method: 'GET', url: '/metrics', headers });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'unauthorized');
  }

  const endpoint = await ops.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: auth,
    payload: { url: 'https://hooks.example.com/in' },
  });
  assert.equal(endpoint.statusCode, 201, endpoint.body);
  const createSource = async (payload: Record<string, unknown>) => {
    const response = await ops.app.inject({ method: 'POST', url: '/v1/sources', headers: auth, payload });
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as { id: string; ingestPath: string };
  };
  const open = await createSource({
    name: 'open',
    verification: { scheme: 'none' },
    dedupRule: { kind: 'header', name: 'idempotency-key' },
    maxBodyBytes: 1024,
  });
  const signed = await createSource({
    name: 'signed',
    verification: { scheme: 'standard-webhooks' },
    secret: WHSEC,
  });
  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    ops.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', ...headers },
    });
  assert.equal((await post(open.ingestPath, '{"a":1}', { 'idempotency-key': 'k1' })).statusCode, 202);
  assert.equal((await post(open.ingestPath, '{"a":1}', { 'idempotency-key': 'k1' })).statusCode, 202);
  assert.equal((await post(open.ingestPath, '{"a":2}', { 'idempotency-key': 'k2' })).statusCode, 202);
  assert.equal((await post(open.ingestPath, JSON.stringify({ pad: 'x'.repeat(2000) }))).statusCode, 413);
  assert.equal((await post(signed.ingestPath, '{}')).statusCode, 401);
  // Correctly signed, but 10 minutes old: outside the 300 s window.
  const stale = new Webhook(WHSEC).sign('msg_stale', new Date(ops.clock() - 600_000), '{}');
  const old = await post(signed.ingestPath, '{}', {
    'webhook-id': 'msg_stale',
    'webhook-timestamp': String(Math.floor((ops.clock() - 600_000) / 1000)),
    'webhook-signature': stale,
  });
  assert.equal(old.statusCode, 400, old.body);
  // The open source has used its burst of 5 (4 requests above + this one); the next is refused.
  assert.equal((await post(open.ingestPath, '{"a":3}')).statusCode, 202);
  assert.equal((await post(open.ingestPath, '{"a":4}')).statusCode, 429);
  assert.equal((await post('/in/AAAAAAAAAAAAAAAAAAAAAA', '{}')).statusCode, 404);
  const published = await ops.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: auth,
    payload: { eventType: 'order.paid', payload: { id: 1 } },
  });
  assert.equal(published.statusCode, 202, published.body);
  ops.clock.advance(90_000);

  const response = await ops.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = response.body;
  const ingest = (source: string, outcome: string) =>
    sample(text, `hookline_ingest_requests_total{source="${source}",outcome="${outcome}"}`);
  assert.equal(ingest(open.id, 'accepted'), 3);
  assert.equal(ingest(open.id, 'rate_limited'), 1);
  assert.equal(ingest(signed.id, 'expired'), 1);
  assert.equal(ingest(open.id, 'duplicate'), 1);
  assert.equal(ingest(open.id, 'too_large'), 1);
  assert.equal(ingest(signed.id, 'bad_signature'), 1);
  assert.equal(ingest('unknown', 'not_found'), 1);
  assert.equal(sample(text, 'hookline_messages_stored_total{origin="ingest"}'), 3);
  assert.equal(sample(text, 'hookline_messages_stored_total{origin="api"}'), 1);
  // Four messages × one endpoint, none claimed (no worker here), all due since the clock moved 90 s.
  assert.equal(sample(text, 'hookline_queue_due_deliveries'), 4);
  assert.equal(sample(text, 'hookline_queue_oldest_due_age_seconds'), 90);
  assert.ok(
    (sample(text, 'hookline_store_commit_duration_seconds_count{operation="insert_message"}') ?? 0) >= 3,
    text,
  );
});
