import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { generateKeyPair, generateSecret, publicKeyOf } from './keys.ts';
import { sign, verify } from './standard-webhooks.ts';

// Published in the Standard Webhooks and Svix library tests and docs.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => () => seconds * 1000;

describe('Standard Webhooks v1', () => {
  test('sign reproduces the published vector', async () => {
    const headers = await sign({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
      secrets: [VECTOR.secret],
    });
    assert.deepEqual(headers, {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  test('verify accepts the published vector, from bytes, text and a Headers object', async () => {
    const headers = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    };
    const bytes = new TextEncoder().encode(VECTOR.body);
    for (const body of [VECTOR.body, bytes, bytes.buffer]) {
      const result = await verify({ headers, body }, { secret: VECTOR.secret, now: at(VECTOR.timestamp) });
      assert.deepEqual(result, { ok: true, id: VECTOR.id, timestamp: VECTOR.timestamp, secretIndex: 0 });
    }
    const web = await verify(
      { headers: new Headers(headers), body: VECTOR.body },
      { secret: VECTOR.secret, now: at(VECTOR.timestamp) },
    );
    assert.equal(web.ok, true);
  });

  test('a bare base64 secret works like its whsec_ form, as in the reference library', async () => {
    const bare = VECTOR.secret.slice('whsec_'.length);
    const headers = await sign({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
      body: VECTOR.body,
      secrets: [bare],
    });
    assert.equal(headers['webhook-signature'], VECTOR.signature);
  });

  test('rotation: one signature per secret, and any configured secret verifies', async () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const headers = await sign({ id: 'msg_1', timestamp: 1000, body: '{}', secrets: [newSecret, oldSecret] });
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    const onlyOld = await verify({ headers, body: '{}' }, { secrets: [oldSecret], now: at(1000) });
    assert.deepEqual(onlyOld, { ok: true, id: 'msg_1', timestamp: 1000, secretIndex: 0 });
    const receiverRotated = await verify(
      { headers: await sign({ id: 'msg_2', timestamp: 1000, body: '{}', secrets: [oldSecret] }), body: '{}' },
      { secrets: [newSecret, oldSecret], now: at(1000) },
    );
    assert.deepEqual(receiverRotated, { ok: true, id: 'msg_2', timestamp: 1000, secretIndex: 1 });
  });

  test('default id and timestamp come from the injected clock', async () => {
    const headers = await sign({ body: 'x', secrets: [VECTOR.secret], now: () => 1_700_000_000_999 });
    assert.equal(headers['webhook-timestamp'], '1700000000');
    assert.match(headers['webhook-id'] ?? '', /^msg_[A-Za-z0-9_-]{22}$/);
  });

  test('tolerance holds in both directions, inclusive at the edge, configurable', async () => {
    const headers = await sign({ id: 'm', timestamp: 10_000, body: 'b', secrets: [VECTOR.secret] });
    const check = (now: number, toleranceSeconds?: number) =>
      verify(
        { headers, body: 'b' },
        {
          secret: VECTOR.secret,
          now: at(now),
          ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
        },
      );
    assert.equal((await check(10_300)).ok, true);
    assert.equal((await check(9_700)).ok, true);
    assert.deepEqual(pick(await check(10_301)), { ok: false, code: 'timestamp_too_old' });
    assert.deepEqual(pick(await check(9_699)), { ok: false, code: 'timestamp_in_future' });
    assert.equal((await check(10_301, 301)).ok, true);
    assert.deepEqual(pick(await check(10_011, 10)), { ok: false, code: 'timestamp_too_old' });
  });

  test('typed failures: wrong secret, changed body, missing and malformed headers', async () => {
    const config = { secret: VECTOR.secret, now: at(VECTOR.timestamp) };
    const good = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    };
    const cases: [Record<string, string>, string, string][] = [
      [good, VECTOR.body.replace('2', '3'), 'invalid_signature'],
      [{ ...good, 'webhook-id': '' }, VECTOR.body, 'missing_header'],
      [{ ...good, 'webhook-id': 'x'.repeat(300) }, VECTOR.body, 'malformed_header'],
      [{ 'webhook-id': VECTOR.id, 'webhook-signature': VECTOR.signature }, VECTOR.body, 'missing_header'],
      [{ ...good, 'webhook-timestamp': '1614265330.5' }, VECTOR.body, 'invalid_timestamp'],
      [{ ...good, 'webhook-timestamp': '+1614265330' }, VECTOR.body, 'invalid_timestamp'],
      [{ ...good, 'webhook-signature': 'v2,abcd' }, VECTOR.body, 'unsupported_version'],
      [{ ...good, 'webhook-signature': 'v1,not base64!' }, VECTOR.body, 'malformed_header'],
      [{ ...good, 'webhook-signature': 'garbage' }, VECTOR.body, 'malformed_header'],
      [{ ...good, 'webhook-signature': 'v1,AAAA' }, VECTOR.body, 'invalid_signature'],
      [{ ...good, 'webhook-signature': `v1,AAAA ${VECTOR.signature}` }, VECTOR.body, 'ok'],
    ];
    for (const [headers, body, code] of cases) {
      const result = await verify({ headers, body }, config);
      assert.equal(result.ok ? 'ok' : result.code, code, JSON.stringify(headers));
      if (!result.ok) {
        assert.ok(result.message.startsWith('@hookline/webhooks: '));
        assert.ok(
          !result.message.includes(VECTOR.secret.slice(6)),
          'a message must never contain the secret',
        );
      }
    }
  });

  test('invalid secrets are reported as invalid_secret, and signing with them throws a coded error', async () => {
    const headers = { 'webhook-id': 'a', 'webhook-timestamp': '1', 'webhook-signature': 'v1,AAAA' };
    for (const config of [
      {},
      { secrets: [] },
      { secret: 'whsec_!!!' },
      { secret: 'whsk_AAAA' },
      { secrets: Array(17).fill(VECTOR.secret) },
    ]) {
      const result = await verify({ headers, body: '' }, config);
      assert.equal(result.ok ? 'ok' : result.code, 'invalid_secret');
    }
    await assert.rejects(sign({ body: '', secrets: ['whsec_%%%'] }), {
      name: 'WebhookError',
      code: 'invalid_secret',
    });
    await assert.rejects(sign({ body: '', secrets: [] }), { code: 'invalid_secret' });
    await assert.rejects(sign({ body: '', secrets: [(await generateKeyPair()).publicKey] }), {
      code: 'invalid_secret',
    });
    await assert.rejects(sign({ body: '', timestamp: 1.5, secrets: [VECTOR.secret] }), {
      code: 'invalid_timestamp',
    });
    await assert.rejects(sign({ body: {} as unknown as string, secrets: [VECTOR.secret] }), {
      code: 'body_not_raw',
    });
  });

  test('a parsed body is refused with body_not_raw and a message that says how to get the raw body', async () => {
    const result = await verify({ headers: {}, body: { test: 2432232314 } }, { secret: VECTOR.secret });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.code === 'body_not_raw');
    for (const hint of ['express.raw', 'parseAs', 'req.text()', 'isBase64Encoded']) {
      assert.ok(!result.ok && result.message.includes(hint), hint);
    }
    for (const body of [null, undefined, 42, ['a']]) {
      const r = await verify({ headers: {}, body }, { secret: VECTOR.secret });
      assert.equal(r.ok ? 'ok' : r.code, 'body_not_raw');
    }
  });
});

describe('Standard Webhooks v1a (Ed25519)', () => {
  test('whsk_ signs, whpk_ and whsk_ verify; a seeded key pair is deterministic', async () => {
    const seeded = await generateKeyPair((n) => new Uint8Array(n).fill(7));
    assert.deepEqual(seeded, await generateKeyPair((n) => new Uint8Array(n).fill(7)));
    assert.equal(await publicKeyOf(seeded.secretKey), seeded.publicKey);
    const headers = await sign({ id: 'msg_a', timestamp: 500, body: 'hello', secrets: [seeded.secretKey] });
    assert.match(headers['webhook-signature'] ?? '', /^v1a,[A-Za-z0-9+/]{86}==$/);
    for (const secret of [seeded.publicKey, seeded.secretKey]) {
      assert.deepEqual(await verify({ headers, body: 'hello' }, { secret, now: at(500) }), {
        ok: true,
        id: 'msg_a',
        timestamp: 500,
        secretIndex: 0,
      });
    }
    const other = await generateKeyPair();
    const wrong = await verify({ headers, body: 'hello' }, { secret: other.publicKey, now: at(500) });
    assert.equal(wrong.ok ? 'ok' : wrong.code, 'invalid_signature');
    const changed = await verify({ headers, body: 'hellO' }, { secret: seeded.publicKey, now: at(500) });
    assert.equal(changed.ok ? 'ok' : changed.code, 'invalid_signature');
    assert.equal(((await publicKeyOf(VECTOR.secret)) as { code: string }).code, 'invalid_secret');
    assert.equal(((await publicKeyOf('whsk_@@')) as { code: string }).code, 'invalid_secret');
  });

  test('mixed v1 and v1a signatures in one header, verified by either kind of key', async () => {
    const pair = await generateKeyPair();
    const secret = generateSecret();
    const headers = await sign({ id: 'm', timestamp: 1, body: 'x', secrets: [secret, pair.secretKey] });
    assert.match(headers['webhook-signature'] ?? '', /^v1,\S+ v1a,\S+$/);
    assert.deepEqual(await verify({ headers, body: 'x' }, { secrets: [pair.publicKey], now: at(1) }), {
      ok: true,
      id: 'm',
      timestamp: 1,
      secretIndex: 0,
    });
    assert.deepEqual(await verify({ headers, body: 'x' }, { secrets: [secret], now: at(1) }), {
      ok: true,
      id: 'm',
      timestamp: 1,
      secretIndex: 0,
    });
  });

  test('a 64-byte libsodium-style whsk_ key signs with its seed', async () => {
    const pair = await generateKeyPair();
    const seed = Buffer.from(pair.secretKey.slice(5), 'base64');
    const pub = Buffer.from(pair.publicKey.slice(5), 'base64');
    const long = `whsk_${Buffer.concat([seed, pub]).toString('base64')}`;
    const headers = await sign({ id: 'm', timestamp: 1, body: 'x', secrets: [long] });
    assert.equal((await verify({ headers, body: 'x' }, { secret: pair.publicKey, now: at(1) })).ok, true);
  });
});

describe('interoperability with the official libraries', () => {
  const now = Math.floor(Date.now() / 1000);

  test('what we sign verifies with standardwebhooks and svix', async () => {
    const secret = generateSecret();
    const body = JSON.stringify({ type: 'invoice.paid', data: { amount: 100 } });
    const headers = await sign({ id: 'msg_interop', timestamp: now, body, secrets: [secret] });
    assert.deepEqual(new StandardWebhook(secret).verify(body, headers), JSON.parse(body));
    const svixHeaders = {
      'svix-id': headers['webhook-id'],
      'svix-timestamp': headers['webhook-timestamp'],
      'svix-signature': headers['webhook-signature'],
    };
    assert.deepEqual(
      new SvixWebhook(secret).verify(body, svixHeaders as Record<string, string>),
      JSON.parse(body),
    );
    assert.throws(() => new StandardWebhook(secret).verify(`${body} `, headers));
  });

  test('what standardwebhooks and svix sign verifies with ours', async () => {
    const secret = generateSecret();
    const body = '{"type":"user.created"}';
    const date = new Date(now * 1000);
    const theirs = new StandardWebhook(secret).sign('msg_theirs', date, body);
    const headers = {
      'webhook-id': 'msg_theirs',
      'webhook-timestamp': String(now),
      'webhook-signature': theirs,
    };
    assert.equal((await verify({ headers, body }, { secret })).ok, true);
    const svixSignature = new SvixWebhook(secret).sign('msg_svix', date, body);
    const svixHeaders = {
      'webhook-id': 'msg_svix',
      'webhook-timestamp': String(now),
      'webhook-signature': svixSignature,
    };
    assert.equal((await verify({ headers: svixHeaders, body }, { secret })).ok, true);
    assert.equal((await verify({ headers, body }, { secret: generateSecret() })).ok, false);
  });
});

function pick(result: { ok: boolean; code?: string }) {
  return result.ok ? { ok: true } : { ok: false, code: result.code };
}
