import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createReceiver,
  generateKeyPair,
  generateSecret,
  schemes,
  sign,
  toRequestHandler,
  twilioBodyUrl,
} from './index.ts';

// The README's examples, run as written (modulo framework setup), so the documentation cannot rot.

test('README: a receiver built from an unset environment variable reports invalid_secret with 500', async () => {
  const hooks = createReceiver({ scheme: 'standard-webhooks', secret: process.env.HOOKLINE_UNSET_FOR_TEST });
  const response = await toRequestHandler(hooks)(
    new Request('https://a.test/', { method: 'POST', body: '{}' }),
  );
  assert.equal(response.status, 500);
  assert.equal((await response.json()).error.code, 'invalid_secret');
});

test('README: sign examples produce headers the matching verify accepts', async () => {
  const secret = generateSecret();
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'in_1' } });
  const headers = await sign({ id: 'msg_2b8', body, secrets: [secret] });
  assert.deepEqual(Object.keys(headers), ['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  const { secretKey, publicKey } = await generateKeyPair();
  const signed = await sign({ body, secrets: [secretKey] });
  assert.match(signed['webhook-signature'] ?? '', /^v1a,/);
  assert.equal(
    (await schemes['standard-webhooks'].verify({ headers: signed, body }, { secret: publicKey })).ok,
    true,
  );
  const url = 'https://example.test/twilio';
  const twilioUrl = await twilioBodyUrl(url, body);
  const twilio = await schemes.twilio.sign({ body, url: twilioUrl }, { secret: 'auth-token' });
  assert.equal(
    (await schemes.twilio.verify({ headers: twilio, body, url: twilioUrl }, { secret: 'auth-token' })).ok,
    true,
  );
  const hmac = await schemes.hmac.sign(
    { body },
    { secret: 's', header: 'X-Signature', timestampHeader: 'X-Timestamp' },
  );
  assert.deepEqual(Object.keys(hmac).sort(), ['x-signature', 'x-timestamp']);
});

test('README: rotation reports which secret matched', async () => {
  const [newSecret, oldSecret] = [generateSecret(), generateSecret()];
  const body = '{"type":"ping"}';
  const headers = await sign({ body, secrets: [oldSecret] });
  const result = await schemes['standard-webhooks'].verify(
    { headers, body },
    { secrets: [newSecret, oldSecret] },
  );
  assert.deepEqual(result.ok && result.secretIndex, 1);
});
