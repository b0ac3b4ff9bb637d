import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { hmacScheme } from './hmac.ts';

const body = '{"event":"order.created","id":"ord_1"}';
const at = (seconds: number) => () => seconds * 1000;

test('hmac: defaults are X-Signature, hex HMAC-SHA256 of the body', async () => {
  const expected = createHmac('sha256', 'k').update(body).digest('hex');
  assert.deepEqual(await hmacScheme.sign({ body }, { secret: 'k' }), { 'x-signature': expected });
  assert.deepEqual(await hmacScheme.verify({ headers: { 'X-Signature': expected }, body }, { secret: 'k' }), {
    ok: true,
    secretIndex: 0,
  });
});

test('hmac: every algorithm, encoding and prefix combination matches node:crypto', async () => {
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    for (const encoding of ['hex', 'base64'] as const) {
      const config = { secret: 'k', header: 'X-Hub', algorithm, encoding, prefix: `${algorithm}=` };
      const expected = `${algorithm}=${createHmac(algorithm, 'k').update(body).digest(encoding)}`;
      assert.deepEqual(await hmacScheme.sign({ body }, config), { 'x-hub': expected });
      assert.equal(
        (await hmacScheme.verify({ headers: { 'x-hub': expected }, body }, config)).ok,
        true,
        `${algorithm}/${encoding}`,
      );
    }
  }
});

test('hmac: a timestamp header is signed as {timestamp}.{body} and held to the tolerance', async () => {
  const config = {
    secret: 'seed-secret',
    header: 'X-Signature',
    timestampHeader: 'X-Timestamp',
    now: at(2000),
  };
  const expected = createHmac('sha256', 'seed-secret').update(`2000.${body}`).digest('hex');
  const headers = await hmacScheme.sign({ body }, config);
  assert.deepEqual(headers, { 'x-timestamp': '2000', 'x-signature': expected });
  assert.deepEqual(await hmacScheme.verify({ headers, body }, config), {
    ok: true,
    secretIndex: 0,
    timestamp: 2000,
  });
  const code = async (h: Record<string, string>, now = 2000) => {
    const r = await hmacScheme.verify({ headers: h, body }, { ...config, now: at(now) });
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code(headers, 2301), 'timestamp_too_old');
  assert.equal(await code(headers, 1699), 'timestamp_in_future');
  assert.equal(await code({ ...headers, 'x-timestamp': '2001' }, 2001), 'invalid_signature');
  assert.equal(await code({ 'x-signature': expected }), 'missing_header');
  assert.equal(await code({ ...headers, 'x-timestamp': 'soon' }), 'invalid_timestamp');
});

test('hmac: the signed-content template is configurable and must contain {body} once', async () => {
  const config = { secret: 'k', timestampHeader: 'X-Ts', signedContent: 'v1:{timestamp}:{body}', now: at(5) };
  const expected = createHmac('sha256', 'k').update(`v1:5:${body}`).digest('hex');
  const headers = await hmacScheme.sign({ body }, config);
  assert.equal(headers['x-signature'], expected);
  assert.equal((await hmacScheme.verify({ headers, body }, config)).ok, true);
  for (const signedContent of ['{timestamp}', '{body}', '{timestamp}{body}{body}']) {
    const bad = { ...config, signedContent };
    const r = await hmacScheme.verify({ headers, body }, bad);
    assert.equal(r.ok ? 'ok' : r.code, 'invalid_config', signedContent);
    await assert.rejects(hmacScheme.sign({ body }, bad), { code: 'invalid_config' });
  }
});

test('hmac: typed failures and describe', async () => {
  const code = async (value: string, config: object = { secret: 'k', prefix: 'sha256=' }) => {
    const r = await hmacScheme.verify({ headers: { 'x-signature': value }, body }, config);
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code('sha1=abcd'), 'unsupported_version');
  assert.equal(await code('sha256=abcd'), 'malformed_header');
  assert.equal(await code(`sha256=${'0'.repeat(64)}`), 'invalid_signature');
  assert.equal(await code(`sha256=${'0'.repeat(64)}`, {}), 'invalid_secret');
  assert.deepEqual(hmacScheme.describe({ headers: {}, body }), { id: 'ord_1', eventType: 'order.created' });
  assert.deepEqual(hmacScheme.describe({ headers: {}, body: '' }, { id: 7, type: 'a.b' }), {
    id: '7',
    eventType: 'a.b',
  });
});
