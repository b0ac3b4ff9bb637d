import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenScheme } from './token.ts';

const body = '{"type":"ping"}';

test('token: X-Webhook-Token compared in constant time, several tokens for rotation', async () => {
  const headers = await tokenScheme.sign({ body }, { secret: 'tok_new' });
  assert.deepEqual(headers, { 'x-webhook-token': 'tok_new' });
  assert.deepEqual(await tokenScheme.verify({ headers, body }, { secrets: ['tok_old', 'tok_new'] }), {
    ok: true,
    secretIndex: 1,
  });
  const code = async (h: Record<string, string>, config: object = { secret: 'tok_new' }) => {
    const r = await tokenScheme.verify({ headers: h, body }, config);
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code({ 'x-webhook-token': 'tok_ne' }), 'invalid_signature');
  assert.equal(await code({ 'x-webhook-token': 'tok_new_and_more' }), 'invalid_signature');
  assert.equal(await code({}), 'missing_header');
  const bearer = { secret: 'abc', header: 'Authorization', prefix: 'Bearer ' };
  assert.deepEqual(await tokenScheme.sign({ body }, bearer), { authorization: 'Bearer abc' });
  assert.equal(await code({ authorization: 'Bearer abc' }, bearer), 'ok');
  assert.equal(await code({ authorization: 'Basic abc' }, bearer), 'malformed_header');
  assert.deepEqual(tokenScheme.describe({ headers: {}, body }), { eventType: 'ping' });
});
