import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { githubScheme } from './github.ts';

// Published in GitHub's "Validating webhook deliveries" documentation.
const DOC = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  header: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

test('GitHub: the documented vector verifies, and sign reproduces it', async () => {
  const result = await githubScheme.verify(
    { headers: { 'X-Hub-Signature-256': DOC.header }, body: DOC.body },
    { secret: DOC.secret },
  );
  assert.deepEqual(result, { ok: true, secretIndex: 0 });
  assert.deepEqual(await githubScheme.sign({ body: DOC.body }, { secret: DOC.secret }), {
    'x-hub-signature-256': DOC.header,
  });
});

test('GitHub: round trips with @octokit/webhooks-methods both ways', async () => {
  const body = JSON.stringify({ action: 'opened', issue: { number: 1 } });
  const theirs = await octokitSign('s3cret', body);
  assert.equal(
    (await githubScheme.verify({ headers: { 'x-hub-signature-256': theirs }, body }, { secret: 's3cret' }))
      .ok,
    true,
  );
  const ours = await githubScheme.sign({ body }, { secret: 's3cret' });
  assert.equal(await octokitVerify('s3cret', body, ours['x-hub-signature-256'] as string), true);
});

test('GitHub: rotation, legacy SHA-1 only when allowed, typed failures', async () => {
  const body = '{"zen":"Keep it logically awesome."}';
  const headers = await githubScheme.sign({ body }, { secret: 'old' });
  assert.deepEqual(await githubScheme.verify({ headers, body }, { secrets: ['new', 'old'] }), {
    ok: true,
    secretIndex: 1,
  });
  const sha1 = `sha1=${createHmac('sha1', 'k').update(body).digest('hex')}`;
  const legacy = await githubScheme.verify(
    { headers: { 'x-hub-signature': sha1 }, body },
    { secret: 'k', allowSha1: true },
  );
  assert.deepEqual(legacy, { ok: true, secretIndex: 0 });
  const signedBoth = await githubScheme.sign({ body }, { secret: 'k', allowSha1: true });
  assert.equal(signedBoth['x-hub-signature'], sha1);
  const codes = async (h: Record<string, string>, config: object = { secret: 'k' }) => {
    const r = await githubScheme.verify({ headers: h, body }, config);
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await codes({ 'x-hub-signature': sha1 }), 'missing_header');
  assert.equal(await codes({ 'x-hub-signature-256': sha1 }), 'unsupported_version');
  assert.equal(await codes({ 'x-hub-signature-256': 'sha256=zz' }), 'malformed_header');
  assert.equal(await codes({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }), 'invalid_signature');
  assert.equal(await codes(headers, {}), 'invalid_secret');
  const notRaw = await githubScheme.verify({ headers, body: JSON.parse(body) }, { secret: 'old' });
  assert.equal(notRaw.ok ? 'ok' : notRaw.code, 'body_not_raw');
});

test('GitHub: describe gives the delivery id and event.action', () => {
  const headers = { 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'X-GitHub-Event': 'issues' };
  assert.deepEqual(githubScheme.describe({ headers, body: '{"action":"opened"}' }), {
    id: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    eventType: 'issues.opened',
  });
  assert.deepEqual(githubScheme.describe({ headers: { 'x-github-event': 'ping' }, body: 'not json' }), {
    eventType: 'ping',
  });
  assert.deepEqual(githubScheme.describe({ headers: {}, body: '' }), {});
});
