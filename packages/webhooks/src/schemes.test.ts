import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VerifyErrorCode } from './errors.ts';
import type { SchemeConfig, SchemeName } from './scheme.ts';
import { isSchemeName, schemes } from './schemes.ts';

const NOW = 1_700_000_000;
const now = () => NOW * 1000;
const body = '{"id":"evt_1","type":"invoice.paid","action":"opened"}';
const url = 'https://hooks.example.test/in/abc?x=1';

// A valid configuration per scheme, so each hostile input below is the only thing wrong.
const CONFIGS: Record<SchemeName, SchemeConfig> = {
  'standard-webhooks': { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], now },
  github: { secret: 'gh-secret-1f3a', allowSha1: true, now },
  stripe: { secret: 'whsec_stripe', now },
  shopify: { secret: 'shp-secret-9a8b', now },
  slack: { secret: 'slk-secret-77c1', now },
  svix: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', now },
  twilio: { secret: 'tw-token-5e5e', now },
  hmac: {
    secret: 'hmac-secret-0c0c',
    header: 'X-Signature',
    timestampHeader: 'X-Timestamp',
    prefix: 'sha256=',
    now,
  },
  token: { secret: 'tok-secret-a1a1', now },
  basic: { secret: 'hook:pass-b2b2', now },
  none: { now },
};

const CODES = new Set<VerifyErrorCode>([
  'missing_header',
  'malformed_header',
  'invalid_signature',
  'invalid_timestamp',
  'timestamp_too_old',
  'timestamp_in_future',
  'unsupported_version',
  'invalid_secret',
  'invalid_config',
  'body_not_raw',
  'body_too_large',
  'missing_url',
  'invalid_json',
]);

const HOSTILE: [string, string][] = [
  ['empty', ''],
  ['blank', '   '],
  ['1 MB', 'v1,'.padEnd(1024 * 1024, 'A')],
  ['bad base64', 'v1,@@@@'],
  [
    '50 signatures',
    Array.from({ length: 50 }, () => 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=').join(' '),
  ],
  ['50 stripe signatures', `t=${NOW},${Array.from({ length: 50 }, () => `v1=${'0'.repeat(64)}`).join(',')}`],
  ['wrong version', 'v9,AAAA'],
  ['non-ASCII', 'sha256=ü€😀'],
  ['NUL bytes', '\0\0\0'],
  ['only commas', ',,,,'],
  ['huge timestamp', '99999999999999999999999'],
  ['negative', '-1'],
  ['equals only', '='],
];

describe('every scheme', () => {
  test('is registered under its own name', () => {
    for (const [name, scheme] of Object.entries(schemes)) {
      assert.equal(scheme.name, name);
      assert.ok(isSchemeName(name));
    }
    assert.equal(isSchemeName('toString'), false);
    assert.equal(isSchemeName('nope'), false);
  });

  test('verifies what it signs, and refuses it once the body changes', async () => {
    for (const [name, scheme] of Object.entries(schemes) as [SchemeName, (typeof schemes)[SchemeName]][]) {
      const config = CONFIGS[name];
      const headers = await scheme.sign({ body, url, id: 'msg_1' }, config);
      const ok = await scheme.verify({ headers, body, url }, config);
      assert.equal(ok.ok, true, `${name}: ${JSON.stringify(ok)}`);
      if (name === 'none' || name === 'token' || name === 'basic') continue;
      const changed = await scheme.verify({ headers, body: body.replace('paid', 'void'), url }, config);
      assert.equal(changed.ok ? 'ok' : changed.code, 'invalid_signature', name);
    }
  });

  test('turns hostile header values into typed failures, never exceptions', async () => {
    for (const [name, scheme] of Object.entries(schemes) as [SchemeName, (typeof schemes)[SchemeName]][]) {
      if (name === 'none') continue;
      const config = CONFIGS[name];
      const signed = await scheme.sign({ body, url, id: 'msg_1' }, config);
      for (const header of Object.keys(signed)) {
        // The legacy SHA-1 header is only read when the SHA-256 one is absent.
        if (header === 'x-hub-signature') continue;
        for (const [label, value] of HOSTILE) {
          const headers = { ...signed, [header]: value };
          const result = await scheme.verify({ headers, body, url }, config);
          assert.equal(result.ok, false, `${name} ${header} ${label} was accepted`);
          if (result.ok) continue;
          assert.ok(CODES.has(result.code), `${name} ${header} ${label}: ${result.code}`);
          assert.ok(result.message.startsWith('@hookline/webhooks: '));
          assert.ok(result.message.length < 600, `${name} ${header} ${label}: the message echoes the input`);
          if (label === '1 MB') assert.equal(result.code, 'malformed_header', `${name} ${header}`);
        }
        const repeated = await scheme.verify(
          { headers: { ...signed, [header]: ['a', 'b'] }, body, url },
          config,
        );
        assert.equal(repeated.ok, false, `${name} ${header} repeated`);
      }
    }
  });

  test('never puts a secret in a failure message', async () => {
    for (const [name, scheme] of Object.entries(schemes) as [SchemeName, (typeof schemes)[SchemeName]][]) {
      const config = CONFIGS[name];
      const secret = config.secret ?? config.secrets?.[0];
      if (secret === undefined) continue;
      const signed = await scheme.sign({ body, url }, config);
      const other = name === 'basic' ? 'other:configured-secret' : 'whsec_b3RoZXItY29uZmlndXJlZC1zZWNyZXQ=';
      const result = await scheme.verify({ headers: signed, body, url }, { ...config, secrets: [other] });
      assert.equal(result.ok ? 'ok' : result.code, 'invalid_signature', name);
      for (const value of [secret, other, ...Object.values(signed)]) {
        assert.ok(!result.ok && !result.message.includes(value), `${name}: ${value}`);
      }
    }
  });
});
