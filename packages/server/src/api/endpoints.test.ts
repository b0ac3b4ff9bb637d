import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
let strict: TestApp;
before(async () => {
  t = await createTestApp();
  strict = await createTestApp({ allowLoopback: false });
});
after(async () => {
  await t.close();
  await strict.close();
});

const create = (app: TestApp, payload: Record<string, unknown>) =>
  app.app.inject({ method: 'POST', url: '/v1/endpoints', headers: app.auth(app.adminKey), payload });

test('create returns the secret once; get and list never show it', async () => {
  const created = await create(t, {
    url: 'https://hooks.example.com/in',
    description: 'billing',
    eventTypes: ['invoice.*'],
    payloadFilter: { 'data.amount': { $gte: 100 } },
    headers: { 'X-Team': ' billing ' },
    timeoutMs: 5000,
    retrySchedule: [1000, 60_000],
    rateLimitPerSecond: 10,
    maxConcurrency: 4,
    metadata: { owner: 'ops' },
  });
  assert.equal(created.statusCode, 201);
  const body = bodyOf<Record<string, unknown> & { id: string; secret: string }>(created);
  assert.match(body.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(body.signing, { scheme: 'standard-webhooks-v1' });
  assert.deepEqual(body.headers, { 'X-Team': 'billing' });
  assert.equal(body.secretCount, 1);
  const stored = await t.store.getEndpoint(body.id);
  assert.equal(stored?.secrets[0]?.secret, body.secret);
  assert.deepEqual(body.payloadFilter, { 'data.amount': { $gte: 100 } });

  const got = await t.app.inject({
    method: 'GET',
    url: `/v1/endpoints/${body.id}`,
    headers: t.auth(t.adminKey),
  });
  assert.equal(got.statusCode, 200);
  assert.equal(bodyOf(got).url, 'https://hooks.example.com/in');
  const list = await t.app.inject({ method: 'GET', url: '/v1/endpoints', headers: t.auth(t.adminKey) });
  for (const response of [got, list]) {
    assert.ok(!response.body.includes(body.secret));
    assert.doesNotMatch(response.body, /whsec_|"secrets?"/);
  }
});

test('v1a endpoints get an ed25519 key pair; a given secret must fit the scheme', async () => {
  const v1a = await create(t, { url: 'https://example.com/a', signing: { scheme: 'standard-webhooks-v1a' } });
  assert.equal(v1a.statusCode, 201);
  const body = bodyOf<{ secret: string; publicKey: string }>(v1a);
  assert.match(body.secret, /^whsk_/);
  assert.match(body.publicKey, /^whpk_/);
  const bad = await create(t, { url: 'https://example.com/a', secret: 'not-a-whsec' });
  assert.equal(bad.statusCode, 400);
  assert.equal(errorCode(bad), 'invalid_secret');
  // Base64 the signing library cannot decode (padding missing): refused here, not on every delivery.
  const unpadded = `whsec_${Buffer.alloc(25, 7).toString('base64').replace(/=+$/, '')}`;
  const misfit = await create(t, { url: 'https://example.com/a', secret: unpadded });
  assert.equal(errorCode(misfit), 'invalid_secret');
  const legacy = await create(t, {
    url: 'https://example.com/a',
    signing: {
      scheme: 'hmac',
      header: 'X-Signature',
      algorithm: 'sha256',
      encoding: 'hex',
      timestampHeader: 'X-Timestamp',
    },
    secret: 'my-shared-secret-123',
  });
  assert.equal(legacy.statusCode, 201);
  assert.equal(bodyOf(legacy).secret, 'my-shared-secret-123');
  const id = bodyOf<{ id: string }>(legacy).id;
  const got = bodyOf(
    await t.app.inject({ method: 'GET', url: `/v1/endpoints/${id}`, headers: t.auth(t.adminKey) }),
  );
  assert.deepEqual(got.signing, {
    scheme: 'hmac',
    header: 'X-Signature',
    algorithm: 'sha256',
    encoding: 'hex',
    timestampHeader: 'X-Timestamp',
  });
});

test('bad endpoints are refused with a precise code', async () => {
  const cases: [Record<string, unknown>, number, string][] = [
    [{ url: 'not a url' }, 400, 'invalid_url'],
    [{ url: 'ftp://example.com/x' }, 400, 'invalid_url'],
    [{ url: 'https://user:pw@example.com/x' }, 400, 'invalid_url'],
    [{ url: 'https://example.com', headers: { Host: 'evil' } }, 400, 'reserved_header'],
    [{ url: 'https://example.com', headers: { 'webhook-signature': 'v1,x' } }, 400, 'reserved_header'],
    [{ url: 'https://example.com', headers: { 'X-A': 'a\r\nX-B: b' } }, 400, 'reserved_header'],
    [
      {
        url: 'https://example.com',
        signing: { scheme: 'token', header: 'X-Webhook-Token' },
        headers: { 'x-webhook-token': 'forged' },
      },
      400,
      'reserved_header',
    ],
    [{ url: 'https://example.com', payloadFilter: { a: { $regex: 'x' } } }, 400, 'invalid_filter'],
    [{ url: 'https://example.com', eventTypes: ['in voice'] }, 400, 'validation_failed'],
    [{ url: 'https://example.com', timeoutMs: 30_001 }, 400, 'validation_failed'],
    [{ url: 'https://example.com', timeoutMs: 10 }, 400, 'validation_failed'],
    [{ url: 'https://example.com', retrySchedule: Array(21).fill(1000) }, 400, 'validation_failed'],
    [{ url: 'https://example.com', retrySchedule: [8 * 86_400_000] }, 400, 'validation_failed'],
    [{ url: 'https://example.com', signing: { scheme: 'md5' } }, 400, 'validation_failed'],
    [{ url: 'https://example.com', colour: 'blue' }, 400, 'validation_failed'],
    [{}, 400, 'validation_failed'],
  ];
  for (const [payload, status, code] of cases) {
    const response = await create(t, payload);
    assert.equal(response.statusCode, status, JSON.stringify(payload));
    assert.equal(errorCode(response), code, JSON.stringify(payload));
  }
});

test('signing header names and prefix follow the custom-header rules, on create and update', async () => {
  const hmac = (extra: Record<string, unknown>) => ({
    scheme: 'hmac',
    header: 'X-Signature',
    algorithm: 'sha256',
    encoding: 'hex',
    ...extra,
  });
  const cases: [Record<string, unknown>, string][] = [
    [{ scheme: 'token', header: 'Host' }, 'reserved_header'],
    [{ scheme: 'token', header: 'webhook-id' }, 'reserved_header'],
    [{ scheme: 'token', header: 'Content-Length' }, 'reserved_header'],
    [{ scheme: 'token', header: 'Proxy-Token' }, 'reserved_header'],
    [{ scheme: 'token', header: 'X-Tok\r\nX-Evil: 1' }, 'invalid_header_name'],
    [hmac({ header: 'content-type' }), 'reserved_header'],
    [hmac({ header: 'X Sig' }), 'invalid_header_name'],
    [hmac({ timestampHeader: 'Webhook-Timestamp' }), 'reserved_header'],
    [hmac({ timestampHeader: 'X-Time:' }), 'invalid_header_name'],
    [hmac({ timestampHeader: 'x-signature' }), 'duplicate_header'],
    [hmac({ prefix: 'sha256=\r\nX-Evil: 1' }), 'invalid_header_value'],
    [hmac({ prefix: 'v1\u0000' }), 'invalid_header_value'],
  ];
  for (const [signing, reason] of cases) {
    const response = await create(t, { url: 'https://example.com/s', signing });
    assert.equal(response.statusCode, 400, JSON.stringify(signing));
    assert.equal(errorCode(response), 'reserved_header', JSON.stringify(signing));
    assert.equal(bodyOf<{ error: { details: { reason: string } } }>(response).error.details.reason, reason);
  }

  // A template delivery could not sign with is refused too, as sources refuse theirs.
  for (const signing of [
    hmac({ timestampHeader: 'X-Ts', signedContent: 'v0:{body}' }),
    hmac({ timestampHeader: 'X-Ts', signedContent: '{timestamp}{body}{body}' }),
    hmac({ signedContent: '{timestamp}.{body}' }),
  ]) {
    const response = await create(t, { url: 'https://example.com/s', signing });
    assert.equal(response.statusCode, 400, JSON.stringify(signing));
    assert.equal(errorCode(response), 'validation_failed', JSON.stringify(signing));
  }
  const templated = await create(t, {
    url: 'https://example.com/s',
    signing: hmac({ timestampHeader: 'X-Ts', signedContent: 'v0:{timestamp}:{body}' }),
  });
  assert.equal(templated.statusCode, 201, templated.body);

  const good = hmac({ prefix: 'sha256=', timestampHeader: 'X-Signature-Timestamp' });
  const created = await create(t, {
    url: 'https://example.com/s',
    signing: good,
    headers: { 'X-Team': 'a' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const { id } = bodyOf<{ id: string }>(created);
  const patch = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: t.auth(t.adminKey), payload });
  assert.equal(errorCode(await patch({ signing: hmac({ header: 'Host' }) })), 'reserved_header');
  assert.equal(errorCode(await patch({ signing: hmac({ prefix: 'a\nb' }) })), 'reserved_header');
  // The endpoint's own signing headers are reserved for its custom headers, whichever side changes.
  assert.equal(errorCode(await patch({ headers: { 'x-signature-timestamp': '1' } })), 'reserved_header');
  assert.equal(errorCode(await patch({ signing: hmac({ header: 'X-Team' }) })), 'reserved_header');
  const renamed = await patch({ signing: hmac({ header: 'X-Hub-Signature-256', prefix: 'sha256=' }) });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.equal((await t.store.getEndpoint(id))?.signing.scheme, 'hmac');
});

test('URLs the parser would silently repair are refused; the stored url is the one called', async () => {
  for (const url of [
    'http:///path',
    'http:/example.com/x',
    'http:example.com/x',
    'http://example.com/a\nb',
    'http://example.com/a\r\nHost: evil',
    'http://example.com/a\tb',
    ' https://example.com/x',
    'https://example.com/x ',
    'https://example.com/a b',
    'http:\\\\example.com:1\\bs',
    'https://example.com\\@evil.example/',
    'https://example.com:0/x',
    'https://exa\u0000mple.com/',
  ]) {
    const response = await create(t, { url });
    assert.equal(response.statusCode, 400, JSON.stringify(url));
    assert.equal(errorCode(response), 'invalid_url', JSON.stringify(url));
  }
  const created = await create(t, { url: 'HTTPS://Example.COM:443/a/./b/../c?q=é#frag' });
  assert.equal(created.statusCode, 201, created.body);
  const { id, url } = bodyOf<{ id: string; url: string }>(created);
  assert.equal(url, 'https://example.com/a/c?q=%C3%A9#frag');
  assert.equal((await t.store.getEndpoint(id))?.url, url);
  const patched = await t.app.inject({
    method: 'PATCH',
    url: `/v1/endpoints/${id}`,
    headers: t.auth(t.adminKey),
    payload: { url: 'http://EXAMPLE.com:80' },
  });
  assert.equal(bodyOf(patched).url, 'http://example.com/');
  const refused = await t.app.inject({
    method: 'PATCH',
    url: `/v1/endpoints/${id}`,
    headers: t.auth(t.adminKey),
    payload: { url: 'http:///x' },
  });
  assert.equal(errorCode(refused), 'invalid_url');
  assert.equal((await t.store.getEndpoint(id))?.url, 'http://example.com/');
});

test('event-type patterns use the event type name characters; sources must exist and be visible', async () => {
  for (const pattern of ['invoice?', 'invoice.[ab]', 'invoice.p\u0000', 'in voice', 'inv*']) {
    const response = await create(t, { url: 'https://example.com/p', eventTypes: ['ok.*', pattern] });
    assert.equal(response.statusCode, 400, JSON.stringify(pattern));
    assert.equal(errorCode(response), 'validation_failed', JSON.stringify(pattern));
  }
  const patterns = ['stripe:charge.*', 'a/b.*.c-d', 'x_y', '*'];
  assert.equal((await create(t, { url: 'https://example.com/p', eventTypes: patterns })).statusCode, 201);

  const source = await t.app.inject({
    method: 'POST',
    url: '/v1/sources',
    headers: t.auth(t.adminKey),
    payload: { name: 'gh-for-endpoints', verification: { scheme: 'github' }, tenant: 'acme' },
  });
  assert.equal(source.statusCode, 201, source.body);
  const sourceId = bodyOf<{ id: string }>(source).id;
  const missing = await create(t, { url: 'https://example.com/p', sources: [sourceId, 'src_NOPE'] });
  assert.equal(missing.statusCode, 400);
  assert.equal(errorCode(missing), 'validation_failed');
  assert.deepEqual(
    bodyOf<{ error: { details: { path: string }[] } }>(missing).error.details[0]?.path,
    '/body/sources/1',
  );
  const created = await create(t, { url: 'https://example.com/p', sources: [sourceId] });
  assert.equal(created.statusCode, 201, created.body);

  // Another tenant's source is as unknown as a missing one, on create and on update.
  const globex = await t.createKey(['admin'], 'globex');
  const foreign = await t.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: t.auth(globex),
    payload: { url: 'https://example.com/p', sources: [sourceId] },
  });
  assert.equal(errorCode(foreign), 'validation_failed');
  const own = bodyOf<{ id: string }>(
    await t.app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: t.auth(globex),
      payload: { url: 'https://example.com/p' },
    }),
  );
  const patched = await t.app.inject({
    method: 'PATCH',
    url: `/v1/endpoints/${own.id}`,
    headers: t.auth(globex),
    payload: { sources: [sourceId] },
  });
  assert.equal(errorCode(patched), 'validation_failed');

  // A deleted source's id stays in the filter (the endpoint must not widen to every source), and an update
  // sending the filter back unchanged passes; a new unknown id next to it is still refused.
  const endpointId = bodyOf<{ id: string }>(created).id;
  const deleted = await t.app.inject({
    method: 'DELETE',
    url: `/v1/sources/${sourceId}`,
    headers: t.auth(t.adminKey),
  });
  assert.equal(deleted.statusCode, 204, deleted.body);
  const unchanged = await t.app.inject({
    method: 'PATCH',
    url: `/v1/endpoints/${endpointId}`,
    headers: t.auth(t.adminKey),
    payload: { sources: [sourceId], description: 'renamed' },
  });
  assert.equal(unchanged.statusCode, 200, unchanged.body);
  assert.deepEqual(bodyOf<{ sources: string[] }>(unchanged).sources, [sourceId]);
  const added = await t.app.inject({
    method: 'PATCH',
    url: `/v1/endpoints/${endpointId}`,
    headers: t.auth(t.adminKey),
    payload: { sources: [sourceId, 'src_NOPE'] },
  });
  assert.equal(errorCode(added), 'validation_failed');
});

test('SSRF: private, loopback and metadata addresses are refused at save time', async () => {
  for (const url of [
    'http://127.0.0.1/x',
    'http://localhost:8080/x',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.1/',
    'http://[::1]/',
    'http://0x7f.1/',
    'http://[::ffff:192.168.0.1]/',
  ]) {
    const response = await create(strict, { url });
    assert.equal(response.statusCode, 400, url);
    assert.equal(errorCode(response), 'ssrf_blocked_url', url);
  }
  assert.equal((await create(strict, { url: 'https://93.184.215.14/x' })).statusCode, 201);
});

test('update changes only the given fields and re-validates them', async () => {
  const { id } = bodyOf<{ id: string }>(
    await create(t, { url: 'https://example.com/u', description: 'before' }),
  );
  const patch = (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/v1/endpoints/${id}`, headers: t.auth(t.adminKey), payload });
  const updated = await patch({ description: 'after', channels: ['eu'], retrySchedule: null });
  assert.equal(updated.statusCode, 200);
  const body = bodyOf(updated);
  assert.equal(body.description, 'after');
  assert.deepEqual(body.channels, ['eu']);
  assert.equal(body.url, 'https://example.com/u');
  assert.equal(errorCode(await patch({ url: 'gopher://x' })), 'invalid_url');
  assert.equal(errorCode(await patch({ headers: { 'Content-Length': '1' } })), 'reserved_header');
  assert.equal(errorCode(await patch({ signing: { scheme: 'token', header: 'X-T' } })), 'validation_failed');
  assert.equal(errorCode(await patch({})), 'validation_failed');
});

test('disable, enable, rotate with grace, delete', async () => {
  const created = bodyOf<{ id: string; secret: string }>(await create(t, { url: 'https://example.com/r' }));
  const post = (path: string, payload?: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/endpoints/${created.id}${path}`,
      headers: t.auth(t.adminKey),
      ...(payload ? { payload } : {}),
    });
  const disabled = bodyOf(await post('/disable', { reason: 'maintenance' }));
  assert.equal(disabled.disabled, true);
  assert.equal(disabled.disabledReason, 'maintenance');
  const enabled = bodyOf(await post('/enable'));
  assert.equal(enabled.disabled, false);
  assert.equal(enabled.disabledReason, null);

  const rotated = await post('/secret/rotate', { graceMs: 3_600_000 });
  assert.equal(rotated.statusCode, 200);
  const rotation = bodyOf<{ secret: string; previousSecretExpiresAt: string }>(rotated);
  assert.notEqual(rotation.secret, created.secret);
  assert.equal(rotation.previousSecretExpiresAt, new Date(t.clock() + 3_600_000).toISOString());
  const stored = await t.store.getEndpoint(created.id);
  assert.deepEqual(
    stored?.secrets.map((secret) => [secret.secret, secret.expiresAt]),
    [
      [rotation.secret, null],
      [created.secret, t.clock() + 3_600_000],
    ],
  );
  const got = bodyOf(
    await t.app.inject({ method: 'GET', url: `/v1/endpoints/${created.id}`, headers: t.auth(t.adminKey) }),
  );
  assert.equal(got.secretCount, 2);
  assert.equal(errorCode(await post('/secret/rotate', { graceMs: 8 * 86_400_000 })), 'validation_failed');

  const deleted = await t.app.inject({
    method: 'DELETE',
    url: `/v1/endpoints/${created.id}`,
    headers: t.auth(t.adminKey),
  });
  assert.equal(deleted.statusCode, 204);
  const gone = await t.app.inject({
    method: 'GET',
    url: `/v1/endpoints/${created.id}`,
    headers: t.auth(t.adminKey),
  });
  assert.equal(gone.statusCode, 404);
  assert.equal(errorCode(gone), 'not_found');
});

test('disable, rotate and test take no body at all, as enable does; the OpenAPI says so', async () => {
  const { id } = bodyOf<{ id: string }>(await create(t, { url: 'https://example.com/nobody' }));
  const bare = (path: string) =>
    t.app.inject({ method: 'POST', url: `/v1/endpoints/${id}${path}`, headers: t.auth(t.adminKey) });
  const disabled = await bare('/disable');
  assert.equal(disabled.statusCode, 200, disabled.body);
  assert.equal(bodyOf(disabled).disabledReason, 'disabled by API');
  assert.equal((await bare('/enable')).statusCode, 200);
  const rotated = await bare('/secret/rotate');
  assert.equal(rotated.statusCode, 200, rotated.body);
  assert.match(bodyOf<{ secret: string }>(rotated).secret, /^whsec_/);
  assert.equal((await bare('/test')).statusCode, 202);

  const doc = bodyOf<{ paths: Record<string, { post: { requestBody: { required: boolean } } }> }>(
    await t.app.inject({ method: 'GET', url: '/openapi.json' }),
  );
  for (const path of ['disable', 'secret/rotate', 'test']) {
    assert.equal(doc.paths[`/v1/endpoints/{id}/${path}`]?.post.requestBody.required, false, path);
  }
  assert.equal(doc.paths['/v1/endpoints/{id}/recover']?.post.requestBody.required, true);
});

test('recover validates its window and reports the count', async () => {
  const { id } = bodyOf<{ id: string }>(await create(t, { url: 'https://example.com/rec' }));
  const recover = (payload: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/endpoints/${id}/recover`,
      headers: t.auth(t.adminKey),
      payload,
    });
  const ok = await recover({ since: '2025-12-01T00:00:00Z' });
  assert.equal(ok.statusCode, 202);
  assert.deepEqual(bodyOf(ok), { recovered: 0 });
  assert.equal(errorCode(await recover({ since: 'yesterday' })), 'validation_failed');
  assert.equal(
    errorCode(await recover({ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' })),
    'validation_failed',
  );
});
