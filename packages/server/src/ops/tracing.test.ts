import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type RunningServer, runServer } from '../main.ts';
import { createTestDatabase, pgSkip } from '../store/postgres/test-database.ts';
import { startReceiver } from '../test-support/delivery-kit.ts';
import { type OtlpSink, type SinkSpan, startOtlpSink } from '../test-support/otlp-sink.ts';
import { startWorker } from '../worker.ts';
import { tracingSdkLoaded } from './tracing.ts';

// The real process wiring (runServer, the worker, the OTLP/HTTP JSON exporter) against a local sink that
// stands in for a collector. Spans reach the sink when a server closes (the provider flushes on shutdown).

const ADMIN_KEY = 'hk_tracing_test_admin_key_0123456789';
const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let dir: string;
let sink: OtlpSink;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-tracing-'));
  sink = await startOtlpSink();
});
after(async () => {
  await sink.close();
  await rm(dir, { recursive: true, force: true });
});

function serve(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  return runServer({
    argv: ['--port', '0', '--dev', '--log-level', 'silent', ...args],
    env: { HOOKLINE_ADMIN_API_KEY: ADMIN_KEY, ...env },
    cwd: dir,
    print: () => {},
    logStream: { write: () => true },
    startWorker: (context) => startWorker(context, { maintenanceEveryMs: 0, pollIntervalMs: 50 }),
  });
}

async function call(url: string, path: string, body: unknown, auth = true) {
  const response = await request(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(auth ? { authorization: `Bearer ${ADMIN_KEY}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const named = (name: string, messageId: string) => (span: SinkSpan) =>
  span.name === name && span.attributes['hookline.message.id'] === messageId;

function one(spans: SinkSpan[], predicate: (span: SinkSpan) => boolean, what: string): SinkSpan {
  const found = spans.filter(predicate);
  assert.equal(
    found.length,
    1,
    `${what}: ${found.length} spans among ${spans.map((s) => s.name).join(', ')}`,
  );
  return found[0] as SinkSpan;
}

test('ingest → store → delivery attempt is one trace, and so is publish → store → attempt', async () => {
  const receiver = await startReceiver();
  const server = await serve(['--database', join(dir, 'on.db'), '--otlp-endpoint', sink.url], {
    OTEL_SERVICE_NAME: 'hookline-test',
  });
  let ingested = '';
  let published = '';
  let endpointId = '';
  try {
    assert.equal(tracingSdkLoaded(), true);
    const url = server.url ?? assert.fail('no url');
    const endpoint = await call(url, '/v1/endpoints', { url: receiver.url });
    assert.equal(endpoint.status, 201, endpoint.body);
    endpointId = (JSON.parse(endpoint.body) as { id: string }).id;

    const inbound = await call(url, '/webhook', { event: 'user_signed_up', user: 'john_doe' }, false);
    assert.ok(inbound.status < 300, inbound.body);
    ingested = String(inbound.headers['x-hookline-message-id']);
    const publish = await call(url, '/v1/messages', { eventType: 'order.paid', payload: { n: 1 } });
    assert.equal(publish.status, 202, publish.body);
    published = (JSON.parse(publish.body) as { id: string }).id;
    await until('both deliveries', () => receiver.requests.length >= 2);

    // The message keeps its request span's context: what lets another process continue the trace.
    const stored = await server.store.getMessage(ingested);
    assert.match(stored?.traceParent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  } finally {
    await server.close();
    await receiver.close();
  }

  const spans = sink.spans;
  const ingest = one(spans, named('ingest', ingested), 'ingest span');
  assert.equal(ingest.kind, SERVER);
  assert.equal(ingest.parentSpanId, '');
  assert.equal(ingest.attributes['hookline.ingest.outcome'], 'accepted');
  assert.match(String(ingest.attributes['hookline.source.id']), /^src_/);
  assert.equal(ingest.attributes['http.route'], '/:alias');
  assert.ok(Number(ingest.attributes['http.response.status_code']) < 300);
  assert.equal(ingest.resource['service.name'], 'hookline-test');

  const insert = one(spans, named('store.insert_message', ingested), 'ingest store span');
  assert.equal(insert.traceId, ingest.traceId);
  assert.equal(insert.parentSpanId, ingest.spanId);
  assert.equal(insert.attributes['db.system.name'], 'sqlite');

  const attempt = one(spans, named('delivery.attempt', ingested), 'ingest attempt span');
  assert.equal(attempt.kind, CLIENT);
  assert.equal(attempt.traceId, ingest.traceId);
  assert.equal(attempt.parentSpanId, ingest.spanId);
  assert.equal(attempt.attributes['hookline.endpoint.id'], endpointId);
  assert.match(String(attempt.attributes['hookline.delivery.id']), /^dlv_/);
  assert.equal(attempt.attributes['hookline.attempt.number'], 1);
  assert.equal(attempt.attributes['http.response.status_code'], 200);
  assert.equal(attempt.attributes['error.type'], undefined);
  assert.equal(attempt.attributes['hookline.attempt.outcome'], 'succeeded');
  assert.equal(typeof attempt.attributes['hookline.attempt.duration_ms'], 'number');

  const publish = one(spans, named('publish', published), 'publish span');
  assert.equal(publish.kind, SERVER);
  assert.equal(publish.attributes['hookline.event_type'], 'order.paid');
  assert.notEqual(publish.traceId, ingest.traceId);
  const publishInsert = one(spans, named('store.insert_message', published), 'publish store span');
  assert.equal(publishInsert.parentSpanId, publish.spanId);
  const publishAttempt = one(spans, named('delivery.attempt', published), 'publish attempt span');
  assert.equal(publishAttempt.traceId, publish.traceId);
  assert.equal(publishAttempt.parentSpanId, publish.spanId);
});

test('a failed attempt is an error span with its error kind and status', async () => {
  const receiver = await startReceiver((_request, response) => response.writeHead(503).end('down'));
  const server = await serve([
    '--database',
    join(dir, 'failing.db'),
    '--otlp-endpoint',
    `${sink.url}/v1/traces`,
    '--retry-schedule',
    '1h',
  ]);
  let messageId = '';
  try {
    const url = server.url ?? assert.fail('no url');
    assert.equal((await call(url, '/v1/endpoints', { url: receiver.url })).status, 201);
    const publish = await call(url, '/v1/messages', { eventType: 'order.paid', payload: { n: 2 } });
    messageId = (JSON.parse(publish.body) as { id: string }).id;
    await until('the failed attempt', () => receiver.requests.length >= 1);
  } finally {
    await server.close();
    await receiver.close();
  }
  const attempt = one(sink.spans, named('delivery.attempt', messageId), 'attempt span');
  assert.equal(attempt.status, ERROR);
  assert.equal(attempt.attributes['http.response.status_code'], 503);
  assert.equal(attempt.attributes['error.type'], 'http_status');
  assert.equal(attempt.attributes['hookline.attempt.outcome'], 'retry');
});

test('an API process and a worker process on PostgreSQL: the attempt joins the publish trace', {
  skip: pgSkip,
}, async () => {
  const database = await createTestDatabase();
  const receiver = await startReceiver();
  const common = ['--database', database.url, '--otlp-endpoint', sink.url, '--default-source-alias', ''];
  // Processes sharing PostgreSQL share one secrets key (ignored where secrets are not encrypted).
  const env = { HOOKLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  const servers: RunningServer[] = [];
  let messageId = '';
  try {
    const api = await serve([...common, '--role', 'api'], env);
    servers.push(api);
    servers.push(await serve([...common, '--role', 'worker'], env));
    const url = api.url ?? assert.fail('no url');
    assert.equal((await call(url, '/v1/endpoints', { url: receiver.url })).status, 201);
    const publish = await call(url, '/v1/messages', { eventType: 'order.paid', payload: { n: 3 } });
    messageId = (JSON.parse(publish.body) as { id: string }).id;
    await until('the delivery', () => receiver.requests.length >= 1);
  } finally {
    for (const server of servers.reverse()) await server.close();
    await receiver.close();
    await database.drop();
  }
  const publish = one(sink.spans, named('publish', messageId), 'publish span');
  assert.equal(publish.resource['hookline.role'], 'api');
  const insert = one(sink.spans, named('store.insert_message', messageId), 'store span');
  assert.equal(insert.attributes['db.system.name'], 'postgres');
  assert.equal(insert.parentSpanId, publish.spanId);
  const attempt = one(sink.spans, named('delivery.attempt', messageId), 'attempt span');
  assert.equal(attempt.resource['hookline.role'], 'worker');
  assert.equal(attempt.traceId, publish.traceId);
  assert.equal(attempt.parentSpanId, publish.spanId);
});

test('a trace not sampled stays unsampled across the store: no spans, the stored flags say 00', async () => {
  const receiver = await startReceiver();
  const server = await serve(['--database', join(dir, 'unsampled.db'), '--otlp-endpoint', sink.url], {
    OTEL_TRACES_SAMPLER: 'parentbased_always_off',
  });
  let messageId = '';
  try {
    const url = server.url ?? assert.fail('no url');
    assert.equal((await call(url, '/v1/endpoints', { url: receiver.url })).status, 201);
    const publish = await call(url, '/v1/messages', { eventType: 'order.paid', payload: { n: 4 } });
    messageId = (JSON.parse(publish.body) as { id: string }).id;
    await until('the delivery', () => receiver.requests.length >= 1);
    const stored = await server.store.getMessage(messageId);
    assert.match(stored?.traceParent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  } finally {
    await server.close();
    await receiver.close();
  }
  assert.deepEqual(
    sink.spans.filter((span) => span.attributes['hookline.message.id'] === messageId),
    [],
  );
});

test('an OTLP endpoint that is not a URL stops the start with exit code 2', async () => {
  await assert.rejects(
    serve(['--database', join(dir, 'bad.db')], { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }),
    (error: Error & { exitCode?: number }) =>
      error.exitCode === 2 && /tracing: .*not a url/.test(error.message),
  );
});
