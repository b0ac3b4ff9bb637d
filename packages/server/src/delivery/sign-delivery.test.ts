import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { generateKeyPair, generateSecret, hmacScheme, verify } from '@hookline/webhooks';
import { Webhook } from 'standardwebhooks';
import type { EndpointSecret, SigningScheme } from '../store/types.ts';
import { createHttpClient } from './http-client.ts';
import { redactRequestHeaders, signDelivery, validSecrets } from './sign-delivery.ts';
import { createSsrfPolicy } from './ssrf-guard.ts';

const body = new TextEncoder().encode('{"type":"invoice.paid","data":{"amount":150}}');
const DAY = 86_400_000;

function secret(value: string, createdAt: number, expiresAt: number | null = null): EndpointSecret {
  return { secret: value, createdAt, expiresAt };
}

async function signed(signing: SigningScheme, secrets: EndpointSecret[], now: number, messageId = 'msg_1') {
  const result = await signDelivery({ endpoint: { signing, secrets }, messageId, body, now });
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.headers;
}

test('Standard Webhooks v1: the official standardwebhooks library verifies our headers', async () => {
  const key = generateSecret();
  const now = Date.now(); // the official library checks against the real clock
  const headers = await signed({ scheme: 'standard-webhooks-v1' }, [secret(key, now - DAY)], now);
  assert.equal(headers['webhook-id'], 'msg_1');
  assert.equal(headers['webhook-timestamp'], String(Math.floor(now / 1000)));
  assert.match(headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/=]+$/);
  const payload = new Webhook(key).verify(Buffer.from(body).toString(), headers);
  assert.deepEqual(payload, { type: 'invoice.paid', data: { amount: 150 } });
  assert.throws(() => new Webhook(generateSecret()).verify(Buffer.from(body).toString(), headers));
});

test('during rotation every unexpired secret signs; expired ones do not', async () => {
  const now = Date.now();
  const current = generateSecret();
  const previous = generateSecret();
  const expired = generateSecret();
  const secrets = [
    secret(expired, now - 3 * DAY, now - 1),
    secret(current, now - 1000),
    secret(previous, now - 2 * DAY, now + DAY),
  ];
  const headers = await signed({ scheme: 'standard-webhooks-v1' }, secrets, now);
  assert.equal((headers['webhook-signature'] ?? '').split(' ').length, 2);
  const text = Buffer.from(body).toString();
  assert.ok(new Webhook(current).verify(text, headers));
  assert.ok(new Webhook(previous).verify(text, headers));
  assert.throws(() => new Webhook(expired).verify(text, headers));
  assert.deepEqual(validSecrets(secrets, now), [current, previous]);
});

test('the same webhook-id on every attempt, a fresh timestamp and signature each time', async () => {
  const key = generateSecret();
  const t0 = 1_800_000_000_000;
  const first = await signed({ scheme: 'standard-webhooks-v1' }, [secret(key, 0)], t0, 'msg_42');
  const retry = await signed({ scheme: 'standard-webhooks-v1' }, [secret(key, 0)], t0 + 5_000, 'msg_42');
  assert.equal(first['webhook-id'], 'msg_42');
  assert.equal(retry['webhook-id'], 'msg_42');
  assert.equal(Number(retry['webhook-timestamp']) - Number(first['webhook-timestamp']), 5);
  assert.notEqual(first['webhook-signature'], retry['webhook-signature']);
  const ok = await verify({ headers: retry, body }, { secret: key, now: () => t0 + 5_000 });
  assert.equal(ok.ok, true);
});

test('Standard Webhooks v1a: signed with the whsk_ key, verified with its whpk_ public key', async () => {
  const pair = await generateKeyPair();
  const now = 1_800_000_000_000;
  const headers = await signed({ scheme: 'standard-webhooks-v1a' }, [secret(pair.secretKey, 0)], now);
  assert.match(headers['webhook-signature'] ?? '', /^v1a,/);
  const result = await verify({ headers, body }, { secret: pair.publicKey, now: () => now });
  assert.equal(result.ok, true);
});

test('legacy hmac as in the seeds: their receiver logic accepts our delivery over real HTTP', async () => {
  const key = 'your_secret_key';
  // The seeds' Flask receiver, in Node: hex HMAC-SHA256 of the raw body in X-Signature, X-Timestamp within 300 s.
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(chunks);
      const expected = createHmac('sha256', key).update(payload).digest('hex');
      const given = String(req.headers['x-signature'] ?? '');
      if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
        return res.writeHead(403).end('{"error":"Invalid signature"}');
      }
      if (Math.abs(Date.now() / 1000 - Number(req.headers['x-timestamp'])) > 300) {
        return res.writeHead(400).end('{"error":"Request expired"}');
      }
      res.writeHead(200).end('{"message":"Webhook received"}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  const client = createHttpClient({ policy: createSsrfPolicy({ allowLoopback: true }) });
  after(() => client.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const signing: SigningScheme = {
    scheme: 'hmac',
    header: 'X-Signature',
    algorithm: 'sha256',
    encoding: 'hex',
    timestampHeader: 'X-Timestamp',
  };

  const headers = await signed(signing, [secret(key, 0)], Date.now());
  assert.deepEqual(Object.keys(headers).sort(), ['x-signature', 'x-timestamp']);
  const accepted = await client.send({
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  assert.equal(accepted.type === 'response' && accepted.status, 200);
  const tampered = await client.send({ url, headers, body: new TextEncoder().encode('{"type":"forged"}') });
  assert.equal(tampered.type === 'response' && tampered.status, 403);
  const stale = await signed(signing, [secret(key, 0)], Date.now() - 600_000);
  const replayed = await client.send({ url, headers: stale, body });
  assert.equal(replayed.type === 'response' && replayed.status, 400);
});

test('legacy hmac options: algorithm, base64, prefix, and only the newest secret signs', async () => {
  const signing: SigningScheme = {
    scheme: 'hmac',
    header: 'X-Hub-Signature',
    algorithm: 'sha512',
    encoding: 'base64',
    prefix: 'sha512=',
  };
  const headers = await signed(signing, [secret('old', 1, Date.now() + DAY), secret('new', 2)], Date.now());
  assert.deepEqual(Object.keys(headers), ['x-hub-signature']);
  assert.equal(
    headers['x-hub-signature'],
    `sha512=${createHmac('sha512', 'new').update(body).digest('base64')}`,
  );
});

test('token scheme sends the newest valid secret; stored headers redact it', async () => {
  const signing: SigningScheme = { scheme: 'token', header: 'X-Webhook-Token' };
  const headers = await signed(signing, [secret('tok_old', 1, 10), secret('tok_new', 2)], 1000);
  assert.deepEqual(headers, { 'x-webhook-token': 'tok_new' });
  const stored = redactRequestHeaders(
    { ...headers, Authorization: 'Bearer x', 'webhook-signature': 'v1,abc', 'X-Team': 'a' },
    signing,
  );
  assert.deepEqual(stored, {
    'x-webhook-token': '[redacted]',
    Authorization: '[redacted]',
    'webhook-signature': 'v1,abc',
    'X-Team': 'a',
  });
});

test('no usable secret is a typed failure, not an exception', async () => {
  const none = await signDelivery({
    endpoint: { signing: { scheme: 'standard-webhooks-v1' }, secrets: [secret('whsec_x', 0, 5)] },
    messageId: 'm',
    body,
    now: 10,
  });
  assert.deepEqual(none, {
    ok: false,
    code: 'no_valid_secret',
    message: 'the endpoint has no unexpired signing secret',
  });
  const bad = await signDelivery({
    endpoint: { signing: { scheme: 'standard-webhooks-v1' }, secrets: [secret('not-a-secret', 0)] },
    messageId: 'm',
    body,
    now: 10,
  });
  assert.equal(bad.ok === false && bad.code, 'invalid_secret');
});

test('a hmac scheme carrying a signedContent template signs the timestamp too, as @hookline/webhooks verifies', async () => {
  const withTemplate = {
    scheme: 'hmac',
    header: 'X-Signature',
    algorithm: 'sha256',
    encoding: 'hex',
    timestampHeader: 'X-Timestamp',
    signedContent: '{timestamp}.{body}',
  } as const;
  const signing: SigningScheme = withTemplate;
  const now = 1_800_000_000_000;
  const headers = await signed(signing, [secret('k', 0)], now);
  assert.equal(
    headers['x-signature'],
    createHmac('sha256', 'k')
      .update(`${now / 1000}.`)
      .update(body)
      .digest('hex'),
  );
  const result = await hmacScheme.verify({ headers, body }, { ...withTemplate, secret: 'k', now: () => now });
  assert.equal(result.ok, true);
});
