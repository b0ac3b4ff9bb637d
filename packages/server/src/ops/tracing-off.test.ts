import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

// Its own file (its own process): whether the SDK was imported is a per-process fact. Every module that
// resolves from here on is watched, so a static import of the SDK anywhere in the app would show up even
// if tracing.ts's own flag stayed false; the app is therefore imported dynamically, after the hook.
const otelModules: string[] = [];
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (/@opentelemetry\/(sdk-|exporter-|resources|otlp-)/.test(resolved.url)) otelModules.push(resolved.url);
    return resolved;
  },
});
const { request } = await import('undici');
const { defaultConfig } = await import('../config.ts');
const { runServer } = await import('../main.ts');
const { startReceiver } = await import('../test-support/delivery-kit.ts');
const { startWorker } = await import('../worker.ts');
const { tracesUrl, tracingSdkLoaded, tracingSettings } = await import('./tracing.ts');

const config = { ...defaultConfig(), role: 'all' as const };

test('tracing settings: Hookline option first, then the standard OTEL_* variables; off without any', () => {
  assert.equal(tracingSettings(config, {}), null);
  const own = tracingSettings({ ...config, otlpEndpoint: 'http://collector:4318/' }, {});
  assert.equal(own?.url, 'http://collector:4318/v1/traces');
  assert.equal(own?.serviceName, 'hookline');
  assert.equal(own?.sampleRatio, 1);
  assert.deepEqual(own?.resource, { 'hookline.role': 'all' });
  assert.equal(
    tracingSettings(config, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' })?.url,
    'http://otel:4318/v1/traces',
  );
  const both = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom/path',
    OTEL_SERVICE_NAME: 'gateway-eu',
  };
  assert.equal(tracingSettings(config, both)?.url, 'http://traces:4318/custom/path');
  assert.equal(tracingSettings(config, both)?.serviceName, 'gateway-eu');
  assert.equal(
    tracingSettings({ ...config, otlpEndpoint: 'http://mine:4318' }, both)?.url,
    'http://mine:4318/v1/traces',
  );
  assert.equal(tracingSettings(config, { ...both, OTEL_SDK_DISABLED: 'true' }), null);
  assert.equal(tracingSettings(config, { ...both, OTEL_TRACES_EXPORTER: 'none' }), null);
  const sampled = {
    ...both,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.25',
  };
  assert.equal(tracingSettings(config, sampled)?.sampleRatio, 0.25);
  assert.equal(tracingSettings(config, { ...both, OTEL_TRACES_SAMPLER: 'always_off' })?.sampleRatio, 0);
  assert.equal(tracesUrl('http://c:4318/v1/traces'), 'http://c:4318/v1/traces');
});

test('tracing off: ingest and delivery work, no trace context is stored, the SDK is never imported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-tracing-off-'));
  const receiver = await startReceiver();
  const key = 'hk_tracing_off_admin_key_0123456789';
  const server = await runServer({
    argv: ['--port', '0', '--dev', '--log-level', 'silent', '--database', join(dir, 'off.db')],
    env: { HOOKLINE_ADMIN_API_KEY: key },
    cwd: dir,
    print: () => {},
    logStream: { write: () => true },
    startWorker: (context) => startWorker(context, { maintenanceEveryMs: 0, pollIntervalMs: 50 }),
  });
  try {
    const post = async (path: string, body: unknown, auth: boolean) => {
      const response = await request(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify(body),
      });
      await response.body.text();
      return response;
    };
    assert.equal((await post('/v1/endpoints', { url: receiver.url }, true)).statusCode, 201);
    const inbound = await post('/webhook', { event: 'user_signed_up' }, false);
    assert.ok(inbound.statusCode < 300);
    const deadline = Date.now() + 10_000;
    while (receiver.requests.length < 1) {
      if (Date.now() > deadline) assert.fail('no delivery');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const message = await server.store.getMessage(String(inbound.headers['x-hookline-message-id']));
    assert.equal(message?.traceParent, null);
    assert.equal(receiver.requests[0]?.headers.traceparent, undefined);
    assert.equal(tracingSdkLoaded(), false, 'the OpenTelemetry SDK was imported with tracing off');
    assert.deepEqual(otelModules, [], 'OpenTelemetry SDK modules resolved with tracing off');
  } finally {
    await server.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
});
