import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicScheme } from './basic.ts';

const body = '{"type":"ping"}';

test('basic: user:password in Authorization, typed failures', async () => {
  const headers = await basicScheme.sign({ body }, { secret: 'hook:s3cret' });
  assert.deepEqual(headers, { authorization: `Basic ${Buffer.from('hook:s3cret').toString('base64')}` });
  assert.deepEqual(await basicScheme.verify({ headers, body }, { secret: 'hook:s3cret' }), {
    ok: true,
    secretIndex: 0,
  });
  const code = async (h: Record<string, string>, config: object = { secret: 'hook:s3cret' }) => {
    const r = await basicScheme.verify({ headers: h, body }, config);
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code({ authorization: `basic ${Buffer.from('hook:s3cret').toString('base64')}` }), 'ok');
  assert.equal(
    await code({ authorization: `Basic ${Buffer.from('hook:wrong').toString('base64')}` }),
    'invalid_signature',
  );
  assert.equal(await code({ authorization: 'Bearer x' }), 'unsupported_version');
  assert.equal(await code({ authorization: 'Basic' }), 'unsupported_version');
  assert.equal(await code({ authorization: 'Basic !!' }), 'malformed_header');
  assert.equal(await code(headers, { secret: 'no-colon' }), 'invalid_secret');
  await assert.rejects(basicScheme.sign({ body }, { secret: 'no-colon' }), { code: 'invalid_secret' });
});
