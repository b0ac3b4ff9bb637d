// Every bad or hostile input on the ingest path answered with its code; the quick start; rate limits;
// a store that cannot take the message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engines } from '../store/conformance/engines.ts';
import { ensureDefaultSource } from './default-source.ts';
import { createIngestKit, type IngestKit } from './ingest-test-kit.ts';

const sqlite = engines.find((e) => e.name === 'sqlite');
if (sqlite === undefined) throw new TypeError('no sqlite engine');

async function withKit(fn: (kit: IngestKit) => Promise<void>, config = {}): Promise<void> {
  const kit = await createIngestKit(sqlite as NonNullable<typeof sqlite>, { config });
  try {
    await fn(kit);
  } finally {
    await kit.close();
  }
}

function post(kit: IngestKit, url: string, payload: string, headers: Record<string, string> = {}) {
  return kit.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

test('quick start: the default source answers POST /webhook like the seeds, and is created once', async () => {
  await withKit(async (kit) => {
    const source = await ensureDefaultSource(kit.store);
    assert.ok(source);
    assert.equal((await ensureDefaultSource(kit.store))?.id, source.id);
    assert.equal(source.alias, '/webhook');
    const body = '{"event": "user_signed_up", "user": "john_doe"}';
    const response = await post(kit, '/webhook', body);
    assert.equal(response.statusCode, 202);
    assert.deepEqual(response.json(), { ok: true });
    const message = await kit.store.getMessage(String(response.headers['x-hookline-message-id']));
    assert.equal(message?.eventType, 'user_signed_up');
    assert.equal(Buffer.from(message?.body ?? []).toString(), body);
    // No dedup on the unsigned default source: a second identical event is a second message.
    assert.equal((await post(kit, '/webhook', body)).statusCode, 202);
    assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 2);
    assert.equal((await post(kit, `/in/${source.token}`, body)).statusCode, 202);
  });
});

test('unknown token, unknown alias and disabled source are source_not_found', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({ name: 's', verification: { scheme: 'none' }, disabled: true });
    for (const url of ['/in/AAAAAAAAAAAAAAAAAAAAAA', '/in/short', '/nowhere', source.ingestPath]) {
      const response = await post(kit, url, '{}');
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'source_not_found');
    }
  });
});

test('hostile JSON: 100,000 nesting levels, __proto__ keys and huge numbers are stored, never crash', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({
      name: 's',
      verification: { scheme: 'none' },
      maxBodyBytes: 1024 * 1024,
    });
    const endpoint = await kit.createEndpoint({ payloadFilter: { type: { $eq: 'x' } } });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepResponse = await post(kit, source.ingestPath, deep);
    assert.equal(deepResponse.statusCode, 202);
    const stored = await kit.store.getMessage(String(deepResponse.headers['x-hookline-message-id']));
    assert.equal(stored?.body?.length, deep.length);
    assert.equal(stored?.eventType, 'unknown');

    const proto = '{"type":"x","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const protoResponse = await post(kit, source.ingestPath, proto);
    assert.equal(protoResponse.statusCode, 202);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const protoMessage = String(protoResponse.headers['x-hookline-message-id']);
    assert.equal((await kit.store.getMessage(protoMessage))?.eventType, 'x');
    assert.deepEqual(
      (await kit.store.listDeliveries({ messageId: protoMessage })).data.map((d) => d.endpointId),
      [endpoint.id],
    );

    const huge = `{"type":"n","big":1e999999,"long":${'9'.repeat(200_000)},"neg":-1e-999999}`;
    const hugeResponse = await post(kit, source.ingestPath, huge);
    assert.equal(hugeResponse.statusCode, 202);
    assert.equal(
      (await kit.store.getMessage(String(hugeResponse.headers['x-hookline-message-id'])))?.eventType,
      'n',
    );
  });
});

test('requireJson: invalid or too deep JSON is 400 invalid_json and not stored; otherwise non-JSON is kept', async () => {
  await withKit(async (kit) => {
    const strict = await kit.createSource({
      name: 'strict',
      verification: { scheme: 'none' },
      requireJson: true,
    });
    const lax = await kit.createSource({
      name: 'lax',
      verification: { scheme: 'none' },
      eventTypeRule: { kind: 'header', name: 'X-Event' },
    });
    for (const body of ['not json', '{"a":', `${'['.repeat(1000)}${']'.repeat(1000)}`, '\uFFFF'.repeat(2)]) {
      const response = await post(kit, strict.ingestPath, body);
      assert.equal(response.statusCode, 400, body.slice(0, 10));
      assert.equal(response.json().error.code, 'invalid_json');
    }
    assert.equal((await kit.store.listMessages({ sourceId: strict.id })).data.length, 0);
    const kept = await post(kit, lax.ingestPath, 'plain text body', {
      'content-type': 'text/plain',
      'x-event': 'note',
    });
    assert.equal(kept.statusCode, 202);
    const message = await kit.store.getMessage(String(kept.headers['x-hookline-message-id']));
    assert.equal(message?.eventType, 'note');
    assert.equal(message?.contentType, 'text/plain');
    const binary = await kit.app.inject({
      method: 'POST',
      url: lax.ingestPath,
      payload: Buffer.from([0xff, 0x00, 0xfe]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(binary.statusCode, 202);
    const empty = await kit.app.inject({ method: 'POST', url: lax.ingestPath });
    assert.equal(empty.statusCode, 202);
  });
});

test('event type and dedup by JSON pointer and fixed rules; form bodies feed pointers too', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({
      name: 'p',
      verification: { scheme: 'none' },
      eventTypeRule: { kind: 'pointer', pointer: '/meta/kind' },
      dedupRule: { kind: 'pointer', pointer: '/meta/id' },
    });
    const a = await post(kit, source.ingestPath, '{"meta":{"kind":"order.created","id":7}}');
    const b = await post(kit, source.ingestPath, '{"meta":{"kind":"order.created","id":7},"again":true}');
    assert.equal(a.headers['x-hookline-message-id'], b.headers['x-hookline-message-id']);
    const message = await kit.store.getMessage(String(a.headers['x-hookline-message-id']));
    assert.equal(message?.eventType, 'order.created');
    assert.equal(message?.dedupKey, '7');
    const fixed = await kit.createSource({
      name: 'f',
      verification: { scheme: 'none' },
      eventTypeRule: { kind: 'fixed', eventType: 'twilio.sms' },
      dedupRule: { kind: 'header', name: 'x-request-id' },
    });
    const form = await post(kit, fixed.ingestPath, 'From=%2B1555&Body=hi', {
      'content-type': 'application/x-www-form-urlencoded',
      'x-request-id': 'r1',
    });
    assert.equal(form.statusCode, 202);
    const formMessage = await kit.store.getMessage(String(form.headers['x-hookline-message-id']));
    assert.equal(formMessage?.eventType, 'twilio.sms');
    assert.equal(formMessage?.dedupKey, 'r1');
  });
});

test('token, basic and hmac schemes: 403 for a wrong token, 401 + WWW-Authenticate for Basic', async () => {
  await withKit(async (kit) => {
    const token = await kit.createSource({
      name: 't',
      verification: { scheme: 'token', header: 'X-Webhook-Token' },
      secret: 's3cr3t-token',
    });
    const ok = await post(kit, token.ingestPath, '{}', { 'x-webhook-token': 's3cr3t-token' });
    assert.equal(ok.statusCode, 202);
    const stored = await kit.store.getMessage(String(ok.headers['x-hookline-message-id']));
    assert.equal(stored?.headers['x-webhook-token'], undefined, 'the token is a credential, not stored');
    const wrong = await post(kit, token.ingestPath, '{}', { 'x-webhook-token': 'guess' });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().error.code, 'invalid_token');
    assert.ok(!wrong.body.includes('s3cr3t'));

    const basic = await kit.createSource({
      name: 'b',
      verification: { scheme: 'basic' },
      secret: 'user:pass',
    });
    const noAuth = await post(kit, basic.ingestPath, '{}');
    assert.equal(noAuth.statusCode, 401);
    assert.equal(noAuth.json().error.code, 'signature_missing');
    assert.match(String(noAuth.headers['www-authenticate']), /^Basic/);
    const good = await post(kit, basic.ingestPath, '{}', {
      authorization: `Basic ${Buffer.from('user:pass').toString('base64')}`,
    });
    assert.equal(good.statusCode, 202);

    // The seeds' scheme: X-Signature hex HMAC over "{timestamp}.{body}" with X-Timestamp.
    const hmac = await kit.createSource({
      name: 'h',
      verification: { scheme: 'hmac', header: 'X-Signature', timestampHeader: 'X-Timestamp' },
      secret: 'seed-secret',
    });
    const { createHmac } = await import('node:crypto');
    const ts = String(Math.floor(kit.clock.now() / 1000));
    const body = '{"event":"user_signed_up"}';
    const signature = createHmac('sha256', 'seed-secret').update(`${ts}.${body}`).digest('hex');
    const signed = await post(kit, hmac.ingestPath, body, { 'x-signature': signature, 'x-timestamp': ts });
    assert.equal(signed.statusCode, 202, signed.body);
    const old = String(Number(ts) - 3600);
    const oldSig = createHmac('sha256', 'seed-secret').update(`${old}.${body}`).digest('hex');
    const replay = await post(kit, hmac.ingestPath, body, { 'x-signature': oldSig, 'x-timestamp': old });
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error.code, 'timestamp_out_of_window');
  });
});

test('content types outside the source list are 415', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({
      name: 'j',
      verification: { scheme: 'none' },
      // Saved as written by people: trimmed and lower-cased, then compared with the bare request type.
      contentTypes: [' Application/JSON ', 'application/vnd.api+json'],
    });
    assert.deepEqual(source.contentTypes, ['application/json', 'application/vnd.api+json']);
    assert.equal(
      (await post(kit, source.ingestPath, '{}', { 'content-type': 'application/json; charset=utf-8' }))
        .statusCode,
      202,
    );
    const vendor = await post(kit, source.ingestPath, '{}', {
      'content-type': 'application/vnd.api+json; ext=x',
    });
    assert.equal(vendor.statusCode, 202);
    const refused = await post(kit, source.ingestPath, 'x', { 'content-type': 'text/plain' });
    assert.equal(refused.statusCode, 415);
    assert.equal(refused.json().error.code, 'unsupported_media_type');
    const lax = await kit.createSource({ name: 'any', verification: { scheme: 'none' } });
    const malformed = await post(kit, lax.ingestPath, '{}', { 'content-type': 'not a/media type;;' });
    assert.equal(malformed.statusCode, 415);
    assert.equal(malformed.json().error.code, 'unsupported_media_type');
  });
});

test('rate limits: a flooded source gets 429 + Retry-After while another source is unaffected', async () => {
  await withKit(
    async (kit) => {
      const flooded = await kit.createSource({ name: 'a', verification: { scheme: 'github' }, secret: 'x' });
      const calm = await kit.createSource({ name: 'b', verification: { scheme: 'none' } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await post(kit, flooded.ingestPath, '{}')).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      const limited = await post(kit, flooded.ingestPath, '{}');
      assert.equal(limited.json().error.code, 'rate_limited');
      assert.equal(limited.headers['retry-after'], '1');
      assert.equal((await post(kit, calm.ingestPath, '{}')).statusCode, 202);
      kit.clock.advance(1000);
      assert.equal((await post(kit, flooded.ingestPath, '{}')).statusCode, 401);
    },
    { perSourceRate: { ratePerSecond: 1, burst: 3 }, perClientRate: { ratePerSecond: 0, burst: 0 } },
  );
});

test('rate limits: one client address is limited across sources', async () => {
  await withKit(
    async (kit) => {
      const a = await kit.createSource({ name: 'a', verification: { scheme: 'none' } });
      const b = await kit.createSource({ name: 'b', verification: { scheme: 'none' } });
      assert.equal((await post(kit, a.ingestPath, '{}')).statusCode, 202);
      assert.equal((await post(kit, b.ingestPath, '{}')).statusCode, 202);
      const third = await post(kit, a.ingestPath, '{}');
      assert.equal(third.statusCode, 429);
      assert.equal(third.headers['retry-after'], '10');
      const other = await kit.app.inject({
        method: 'POST',
        url: b.ingestPath,
        payload: '{}',
        remoteAddress: '127.0.0.2',
      });
      assert.equal(other.statusCode, 202);
    },
    { perClientRate: { ratePerSecond: 0.1, burst: 2 } },
  );
});

test('a store that cannot take the message answers 503 with Retry-After, never 2xx', async () => {
  await withKit(
    async (kit) => {
      const source = await kit.createSource({ name: 's', verification: { scheme: 'none' } });
      assert.equal((await post(kit, source.ingestPath, '{}')).statusCode, 202);
      // The source is cached from the first request; the closed store then fails every write (and the
      // router's refresh) with StoreError('closed').
      await kit.store.close();
      const refused = await post(kit, source.ingestPath, '{}');
      assert.equal(refused.statusCode, 503);
      assert.equal(refused.json().error.code, 'unavailable');
      assert.equal(refused.headers['retry-after'], '5');
    },
    { sourceCacheMs: 60_000 },
  );
});

test('sub-path and query string are kept the same way on token URLs (percent-encoded too) and aliases', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({ name: 's', verification: { scheme: 'none' }, alias: '/hooks' });
    const token = source.ingestPath.slice('/in/'.length);
    const encoded = `%${token.charCodeAt(0).toString(16).toUpperCase()}${token.slice(1)}`;
    const cases: [string, string | null][] = [
      [`/in/${token}`, null],
      [`/in/${token}/orders/7?x=1`, '/orders/7?x=1'],
      [`/in/${encoded}/orders/7`, '/orders/7'],
      [`/in/${encoded}?x=1`, '?x=1'],
      [`/in/${token}?x=1`, '?x=1'],
      ['/hooks', null],
      ['/hooks?x=1', '?x=1'],
    ];
    for (const [url, subPath] of cases) {
      const response = await post(kit, url, '{}');
      assert.equal(response.statusCode, 202, url);
      const message = await kit.store.getMessage(String(response.headers['x-hookline-message-id']));
      assert.equal(message?.subPath, subPath, url);
    }
  });
});
