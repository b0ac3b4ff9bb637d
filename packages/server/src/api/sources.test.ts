// The /v1/sources API through the real app: CRUD, validation codes, scopes and tenants, secrets shown
// only on create/rotate, token rotation (old URL stops at once) and secret rotation with a grace period.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { mintApiKey } from '../auth/api-key-token.ts';
import { createIngestKit, type IngestKit } from '../ingest/ingest-test-kit.ts';
import { engines } from '../store/conformance/engines.ts';

const sqlite = engines.find((e) => e.name === 'sqlite');
if (sqlite === undefined) throw new TypeError('no sqlite engine');

async function withKit(fn: (kit: IngestKit) => Promise<void>): Promise<void> {
  const kit = await createIngestKit(sqlite as NonNullable<typeof sqlite>);
  try {
    await fn(kit);
  } finally {
    await kit.close();
  }
}

async function keyFor(
  kit: IngestKit,
  scopes: ('admin' | 'read' | 'publish')[],
  tenant: string | null = null,
) {
  const minted = mintApiKey();
  await kit.store.createApiKey({ name: 'k', hash: minted.hash, prefix: minted.prefix, scopes, tenant });
  return { authorization: `Bearer ${minted.key}` };
}

function githubSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

test('create, get, list, update and delete; secrets appear only in the create response', async () => {
  await withKit(async (kit) => {
    const created = await kit.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: kit.auth,
      payload: { name: 'github', verification: { scheme: 'github' }, tenant: 'acme' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const source = created.json();
    assert.equal(source.secrets.length, 1);
    assert.ok(source.secrets[0].length >= 40, 'a generated secret');
    assert.match(source.ingestPath, /^\/in\/[A-Za-z0-9_-]{22}$/);
    assert.equal(source.maxBodyBytes, 1024 * 1024);
    assert.deepEqual(source.response, {
      status: 202,
      body: '{"ok":true}',
      contentType: 'application/json; charset=utf-8',
    });
    assert.equal(source.secretCount, 1);

    const got = await kit.app.inject({ method: 'GET', url: `/v1/sources/${source.id}`, headers: kit.auth });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().secrets, undefined);
    assert.ok(!got.body.includes(source.secrets[0]));
    const list = await kit.app.inject({ method: 'GET', url: '/v1/sources?limit=10', headers: kit.auth });
    assert.deepEqual(
      list.json().data.map((s: { id: string }) => s.id),
      [source.id],
    );
    assert.ok(!list.body.includes(source.secrets[0]));

    const patched = await kit.app.inject({
      method: 'PATCH',
      url: `/v1/sources/${source.id}`,
      headers: kit.auth,
      payload: {
        maxBodyBytes: 25 * 1024 * 1024,
        response: { status: 200, body: 'thanks', contentType: 'text/plain' },
      },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().maxBodyBytes, 25 * 1024 * 1024);
    const body = '{"zen":"hi"}';
    const ingest = await kit.app.inject({
      method: 'POST',
      url: source.ingestPath,
      headers: { 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature(source.secrets[0], body) },
      payload: body,
    });
    assert.equal(ingest.statusCode, 200);
    assert.equal(ingest.body, 'thanks');
    assert.equal(ingest.headers['content-type'], 'text/plain');

    const deleted = await kit.app.inject({
      method: 'DELETE',
      url: `/v1/sources/${source.id}`,
      headers: kit.auth,
    });
    assert.equal(deleted.statusCode, 204);
    const gone = await kit.app.inject({ method: 'GET', url: `/v1/sources/${source.id}`, headers: kit.auth });
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.json().error.code, 'not_found');
    assert.equal(
      (await kit.app.inject({ method: 'POST', url: source.ingestPath, payload: body })).statusCode,
      404,
    );
  });
});

test('validation: every bad field is validation_failed or invalid_secret, naming the field', async () => {
  await withKit(async (kit) => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ verification: { scheme: 'none' } }, 'validation_failed', 'name'],
      [{ name: 'x' }, 'validation_failed', 'verification'],
      [{ name: 'x', verification: { scheme: 'md5' } }, 'validation_failed', 'verification.scheme'],
      [
        { name: 'x', verification: { scheme: 'hmac', algorithm: 'md5' } },
        'validation_failed',
        'verification.algorithm',
      ],
      [{ name: 'x', verification: { scheme: 'hmac', bogus: 1 } }, 'validation_failed', 'verification.bogus'],
      // Options are per scheme: one the scheme ignores is refused rather than saved and silently unused.
      ...(
        [
          [{ scheme: 'github', header: 'X-Sig' }, 'verification.header'],
          [{ scheme: 'github', algorithm: 'sha1' }, 'verification.algorithm'],
          [{ scheme: 'standard-webhooks', allowSha1: true }, 'verification.allowSha1'],
          [{ scheme: 'token', algorithm: 'sha256' }, 'verification.algorithm'],
          [{ scheme: 'stripe', timestampHeader: 'X-Ts' }, 'verification.timestampHeader'],
          [{ scheme: 'hmac', allowSha1: true }, 'verification.allowSha1'],
          [
            { scheme: 'hmac', timestampHeader: 'X-Ts', signedContent: '{body}' },
            'verification.signedContent',
          ],
          [
            { scheme: 'hmac', timestampHeader: 'X-Ts', signedContent: '{timestamp}{body}{body}' },
            'verification.signedContent',
          ],
          [{ scheme: 'hmac', signedContent: '{timestamp}.{body}' }, 'verification.signedContent'],
        ] as const
      ).map(([verification, field]): [Record<string, unknown>, string, string] => [
        { name: 'x', verification, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
        'validation_failed',
        field,
      ]),
      [
        { name: 'x', verification: { scheme: 'none' }, maxBodyBytes: 26 * 1024 * 1024 },
        'validation_failed',
        'maxBodyBytes',
      ],
      [
        { name: 'x', verification: { scheme: 'none' }, toleranceSeconds: 0 },
        'validation_failed',
        'toleranceSeconds',
      ],
      [
        { name: 'x', verification: { scheme: 'none' }, response: { status: 500 } },
        'validation_failed',
        'response.status',
      ],
      [
        { name: 'x', verification: { scheme: 'none' }, response: { contentType: 'a\r\nb: c' } },
        'validation_failed',
        'response.contentType',
      ],
      ...['text/plain; charset=é', 'application/json ☃', ' text/plain', 'text/\u007f'].map(
        (contentType): [Record<string, unknown>, string, string] => [
          { name: 'x', verification: { scheme: 'none' }, response: { contentType } },
          'validation_failed',
          'response.contentType',
        ],
      ),
      // Entries that could never equal a request's bare type/subtype are refused.
      ...['application/json; charset=utf-8', 'not a type!!', 'application/*', 'json', 'a/b/c'].map(
        (type): [Record<string, unknown>, string, string] => [
          { name: 'x', verification: { scheme: 'none' }, contentTypes: ['text/plain', type] },
          'validation_failed',
          'contentTypes[1]',
        ],
      ),
      [{ name: 'x', verification: { scheme: 'none' }, alias: '/a/b' }, 'validation_failed', 'alias'],
      [
        { name: 'x', verification: { scheme: 'none' }, response: { status: 204, body: 'x' } },
        'validation_failed',
        'response.body',
      ],
      [
        { name: 'x', verification: { scheme: 'none' }, eventTypeRule: { kind: 'none' } },
        'validation_failed',
        'eventTypeRule.kind',
      ],
      // A fixed event type follows the event type name rule, as it would be replaced by `unknown` otherwise.
      ...['a\nb', 'has space', 'é', ''].map((eventType): [Record<string, unknown>, string, string] => [
        { name: 'x', verification: { scheme: 'none' }, eventTypeRule: { kind: 'fixed', eventType } },
        'validation_failed',
        'eventTypeRule.eventType',
      ]),
      [
        { name: 'x', verification: { scheme: 'none' }, dedupRule: { kind: 'pointer', pointer: 'id' } },
        'validation_failed',
        'dedupRule.pointer',
      ],
      [{ name: 'x', verification: { scheme: 'none' }, extra: true }, 'validation_failed', 'extra'],
      // Unknown keys inside nested objects are refused too, and secret with secrets is ambiguous.
      [
        { name: 'x', verification: { scheme: 'none' }, response: { status: 200, contentTyp: 'text/plain' } },
        'validation_failed',
        'response.contentTyp',
      ],
      [
        {
          name: 'x',
          verification: { scheme: 'none' },
          eventTypeRule: { kind: 'header', name: 'X', pointer: '/a' },
        },
        'validation_failed',
        'eventTypeRule.pointer',
      ],
      [
        { name: 'x', verification: { scheme: 'none' }, dedupRule: { kind: 'provider', name: 'x-id' } },
        'validation_failed',
        'dedupRule.name',
      ],
      [
        { name: 'x', verification: { scheme: 'github' }, secret: 'a', secrets: ['b'] },
        'validation_failed',
        'secret',
      ],
      [{ name: 'x', verification: { scheme: 'stripe' } }, 'invalid_secret', 'stripe'],
      [
        { name: 'x', verification: { scheme: 'basic' }, secret: 'nocolon' },
        'invalid_secret',
        'user:password',
      ],
      [
        { name: 'x', verification: { scheme: 'standard-webhooks' }, secret: 'plain' },
        'invalid_secret',
        'whsec_',
      ],
    ];
    for (const [payload, code, mention] of cases) {
      const response = await kit.app.inject({
        method: 'POST',
        url: '/v1/sources',
        headers: kit.auth,
        payload,
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().error.code, code, JSON.stringify(payload));
      assert.ok(response.json().error.message.includes(mention), response.body);
    }
    // A custom signed-content template that passes validation is one the scheme verifies with.
    const custom = await kit.createSource({
      name: 'custom',
      verification: { scheme: 'hmac', timestampHeader: 'X-Ts', signedContent: 'v0:{timestamp}:{body}' },
      secret: 'custom-secret',
    });
    const ts = String(Math.floor(kit.clock.now() / 1000));
    const signature = createHmac('sha256', 'custom-secret').update(`v0:${ts}:{}`).digest('hex');
    const verified = await kit.app.inject({
      method: 'POST',
      url: custom.ingestPath,
      headers: { 'x-signature': signature, 'x-ts': ts },
      payload: '{}',
    });
    assert.equal(verified.statusCode, 202, verified.body);
    // A content type Node cannot send would make every accepted request a 500: refused on PATCH too.
    const plain = await kit.createSource({
      name: 'plain',
      verification: { scheme: 'none' },
      response: { status: 200, body: 'ok', contentType: 'text/plain;\tcharset=us-ascii' },
    });
    const badPatch = await kit.app.inject({
      method: 'PATCH',
      url: `/v1/sources/${plain.id}`,
      headers: kit.auth,
      payload: { response: { contentType: 'text/plain; charset=ü' } },
    });
    assert.equal(badPatch.statusCode, 400);
    assert.equal(badPatch.json().error.code, 'validation_failed');
    const served = await fetch(`${await kit.listen()}${plain.ingestPath}`, { method: 'POST', body: '{}' });
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'text/plain;\tcharset=us-ascii');
    await kit.createSource({ name: 'dup', verification: { scheme: 'none' }, alias: '/hooks' });
    // Conflicts name the clash in plain words, never the engine's SQL.
    const other = await kit.createSource({ name: 'other', verification: { scheme: 'none' } });
    for (const [method, url, payload, message] of [
      [
        'POST',
        '/v1/sources',
        { name: 'dup', verification: { scheme: 'none' } },
        'A source named "dup" already exists.',
      ],
      [
        'POST',
        '/v1/sources',
        { name: 'new', verification: { scheme: 'none' }, alias: '/hooks' },
        'Another source already answers on the alias /hooks.',
      ],
      ['PATCH', `/v1/sources/${other.id}`, { name: 'dup' }, 'A source named "dup" already exists.'],
      [
        'PATCH',
        `/v1/sources/${other.id}`,
        { alias: '/hooks' },
        'Another source already answers on the alias /hooks.',
      ],
    ] as const) {
      const clash = await kit.app.inject({ method, url, headers: kit.auth, payload });
      assert.equal(clash.statusCode, 409);
      assert.deepEqual(clash.json(), { error: { code: 'conflict', message } });
    }
    // Renaming a source to its own name is no clash.
    const same = await kit.app.inject({
      method: 'PATCH',
      url: `/v1/sources/${other.id}`,
      headers: kit.auth,
      payload: { name: 'other' },
    });
    assert.equal(same.statusCode, 200);
  });
});

test('scopes and tenants: read keys read, tenant keys see only their sources', async () => {
  await withKit(async (kit) => {
    const read = await keyFor(kit, ['read']);
    const acme = await keyFor(kit, ['admin'], 'acme');
    const other = await kit.createSource({
      name: 'other',
      verification: { scheme: 'none' },
      tenant: 'globex',
    });
    const anonymous = await kit.app.inject({ method: 'GET', url: '/v1/sources' });
    assert.equal(anonymous.statusCode, 401);
    const forbidden = await kit.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: read,
      payload: { name: 'n', verification: { scheme: 'none' } },
    });
    assert.equal(forbidden.statusCode, 403);
    assert.equal(
      (await kit.app.inject({ method: 'GET', url: '/v1/sources', headers: read })).statusCode,
      200,
    );
    const mine = await kit.app.inject({
      method: 'POST',
      url: '/v1/sources',
      headers: acme,
      payload: { name: 'mine', verification: { scheme: 'none' } },
    });
    assert.equal(mine.json().tenant, 'acme');
    assert.equal(
      (await kit.app.inject({ method: 'GET', url: `/v1/sources/${other.id}`, headers: acme })).statusCode,
      404,
    );
    const listed = await kit.app.inject({ method: 'GET', url: '/v1/sources', headers: acme });
    assert.deepEqual(
      listed.json().data.map((s: { name: string }) => s.name),
      ['mine'],
    );
  });
});

test('token rotation: the old URL stops at once, the new one works', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({ name: 's', verification: { scheme: 'none' } });
    const rotated = await kit.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/token/rotate`,
      headers: kit.auth,
    });
    assert.equal(rotated.statusCode, 200);
    const path = rotated.json().ingestPath;
    assert.notEqual(path, source.ingestPath);
    assert.equal(
      (await kit.app.inject({ method: 'POST', url: source.ingestPath, payload: '{}' })).statusCode,
      404,
    );
    assert.equal((await kit.app.inject({ method: 'POST', url: path, payload: '{}' })).statusCode, 202);
  });
});

test('secret rotation: the old secret verifies during the grace period only', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({
      name: 'gh',
      verification: { scheme: 'github' },
      secret: 'old-secret',
    });
    const rotated = await kit.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/secrets/rotate`,
      headers: kit.auth,
      payload: { secret: 'new-secret', graceSeconds: 3600 },
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal(rotated.json().secret, 'new-secret');
    assert.equal(rotated.json().secretCount, 2);
    const body = '{"a":1}';
    const send = (secret: string) =>
      kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'x-github-event': 'ping', 'x-hub-signature-256': githubSignature(secret, body) },
        payload: body,
      });
    assert.equal((await send('old-secret')).statusCode, 202);
    assert.equal((await send('new-secret')).statusCode, 202);
    kit.clock.advance(3600 * 1000);
    assert.equal((await send('old-secret')).statusCode, 401);
    assert.equal((await send('new-secret')).statusCode, 202);
    const tooLong = await kit.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/secrets/rotate`,
      headers: kit.auth,
      payload: { graceSeconds: 8 * 86400 },
    });
    assert.equal(tooLong.statusCode, 400);
    const generated = await kit.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/secrets/rotate`,
      headers: kit.auth,
      payload: {},
    });
    assert.ok(generated.json().secret.length >= 40);
    // Unknown fields (a typo of "secret" included) are refused instead of rotating to a generated secret.
    for (const payload of [{ foo: 1 }, { secrte: 'typo-secret' }, [], { secret: 'x', graceSeconds: '60' }]) {
      const refused = await kit.app.inject({
        method: 'POST',
        url: `/v1/sources/${source.id}/secrets/rotate`,
        headers: kit.auth,
        payload,
      });
      assert.equal(refused.statusCode, 400, JSON.stringify(payload));
      assert.equal(refused.json().error.code, 'validation_failed', refused.body);
    }
    const after = await kit.app.inject({ method: 'GET', url: `/v1/sources/${source.id}`, headers: kit.auth });
    assert.equal(after.json().secretCount, generated.json().secretCount, 'nothing was rotated');
  });
});
