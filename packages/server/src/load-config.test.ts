import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_RETRY_SCHEDULE,
  defaultConfig,
  envName,
  flagName,
  ingestOptionsOf,
  maskConfig,
} from './config.ts';
import { loadConfig } from './load-config.ts';

const files = (entries: Record<string, string>) => (path: string) => entries[path] ?? null;

test('defaults apply when nothing is set', () => {
  const result = loadConfig({ argv: [], env: {}, cwd: '/srv', readTextFile: files({}) });
  assert.ok(result.ok);
  assert.deepEqual(result.config, defaultConfig());
  assert.equal(result.configFile, null);
  assert.equal(result.config.attemptTimeoutMs, 15_000);
  assert.deepEqual(result.config.retrySchedule, DEFAULT_RETRY_SCHEDULE);
});

test('flags beat env, env beats the config file, the file beats defaults', () => {
  const result = loadConfig({
    argv: ['--port', '9001', '--dev', '--log-level=debug'],
    env: {
      HOOKLINE_PORT: '9002',
      HOOKLINE_HOST: '0.0.0.0',
      HOOKLINE_ATTEMPT_TIMEOUT_MS: '20s',
      PATH: '/bin',
    },
    cwd: '/srv',
    readTextFile: files({
      '/srv/hookline.config.json': JSON.stringify({
        $schema: './schema.json',
        port: 9003,
        host: '::1',
        role: 'api',
        retrySchedule: ['1s', '1m', 3_600_000],
      }),
    }),
  });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.config.port, 9001);
  assert.equal(result.config.host, '0.0.0.0');
  assert.equal(result.config.role, 'api');
  assert.equal(result.config.dev, true);
  assert.equal(result.config.logLevel, 'debug');
  assert.equal(result.config.attemptTimeoutMs, 20_000);
  assert.deepEqual(result.config.retrySchedule, [1000, 60_000, 3_600_000]);
  assert.equal(result.layers.port, 'flag');
  assert.equal(result.layers.host, 'env');
  assert.equal(result.layers.role, 'file');
  assert.equal(result.layers.database, 'default');
  assert.equal(result.configFile, '/srv/hookline.config.json');
});

test('an explicit --config file must exist; --no-flag negates a boolean', () => {
  const missing = loadConfig({
    argv: ['--config', 'prod.json'],
    env: {},
    cwd: '/srv',
    readTextFile: files({}),
  });
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? (missing.errors[0] ?? '') : '', /prod\.json: config file not found/);

  const negated = loadConfig({
    argv: ['--no-dev'],
    env: { HOOKLINE_DEV: 'true', HOOKLINE_CONFIG: 'h.json' },
    cwd: '/srv',
    readTextFile: files({ '/srv/h.json': '{"dev": true}' }),
  });
  assert.ok(negated.ok);
  assert.equal(negated.config.dev, false);
});

test('every bad option is reported with where it came from, secrets never echoed', () => {
  const result = loadConfig({
    argv: ['--port', 'eighty', '--bogus', '1', 'serve'],
    env: { HOOKLINE_ATTEMPT_TIMEOUT_MS: '31s', HOOKLINE_ADMIN_API_KEY: 'not-a-key-secret' },
    cwd: '/srv',
    readTextFile: files({ '/srv/hookline.config.json': '{"role": "everything", "colour": "blue"}' }),
  });
  assert.equal(result.ok, false);
  const errors = result.ok ? [] : result.errors;
  const all = errors.join('\n');
  assert.match(all, /--port: expected an integer from 0 to 65535, got "eighty"/);
  assert.match(all, /unknown flag --bogus/);
  assert.match(all, /unexpected argument "serve"/);
  assert.match(all, /HOOKLINE_ATTEMPT_TIMEOUT_MS: expected a duration from 1s to 30s/);
  assert.match(all, /HOOKLINE_ADMIN_API_KEY: expected hk_.*got \(hidden\)/);
  assert.match(all, /"role": expected one of all, api, worker/);
  assert.match(all, /unknown option "colour"/);
  assert.doesNotMatch(all, /not-a-key-secret/);
  assert.equal(errors.length, 7);
});

test('cross-option checks: the lease must outlive an attempt', () => {
  const result = loadConfig({
    argv: ['--worker-lease-ms', '10s'],
    env: {},
    cwd: '/srv',
    readTextFile: files({}),
  });
  assert.equal(result.ok, false);
  assert.deepEqual(result.ok ? [] : result.errors, ['workerLeaseMs must be longer than attemptTimeoutMs']);
});

test('names and masking', () => {
  assert.equal(flagName('attemptTimeoutMs'), '--attempt-timeout-ms');
  assert.equal(envName('adminApiKey'), 'HOOKLINE_ADMIN_API_KEY');
  const masked = maskConfig({ ...defaultConfig(), adminApiKey: 'hk_secretsecretsecretsecret' });
  assert.equal(masked.adminApiKey, '********');
  assert.equal(maskConfig(defaultConfig()).adminApiKey, null);
});

test('ingest options: validated, and handed to the ingest path in its own shape', () => {
  const result = loadConfig({
    argv: ['--default-source-alias=', '--public-base-url', 'https://hooks.example.com'],
    env: { HOOKLINE_INGEST_SOURCE_RATE_PER_SECOND: '0' },
    cwd: '/srv',
    readTextFile: files({}),
  });
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.config.defaultSourceAlias, null);
  assert.deepEqual(ingestOptionsOf(result.config).perSourceRate, { ratePerSecond: 0, burst: 0 });
  assert.equal(ingestOptionsOf(result.config).publicBaseUrl, 'https://hooks.example.com');
  const bad = loadConfig({
    argv: ['--public-base-url', 'https://x.example.com/path', '--ingest-default-max-body-bytes', '999999999'],
    env: {},
    cwd: '/srv',
    readTextFile: files({}),
  });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.errors.join('\n'), /--public-base-url: expected an http\(s\) origin/);
});
