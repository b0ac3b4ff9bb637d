import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SigningScheme } from '../store/types.ts';
import { validateEndpointHeaders } from './endpoint-headers.ts';

const sw: SigningScheme = { scheme: 'standard-webhooks-v1' };
const hmac: SigningScheme = {
  scheme: 'hmac',
  header: 'X-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  timestampHeader: 'X-Timestamp',
};
const token: SigningScheme = { scheme: 'token', header: 'X-Webhook-Token' };

function refusal(headers: Record<string, string>, signing = sw) {
  const result = validateEndpointHeaders(headers, signing);
  assert.equal(result.ok, false, JSON.stringify(headers));
  return result.ok ? assert.fail('accepted') : result;
}

test('ordinary custom headers are accepted, values trimmed', () => {
  const result = validateEndpointHeaders(
    { 'X-Team': ' payments ', Authorization: 'Bearer abc', 'X-Empty': '' },
    sw,
  );
  assert.deepEqual(result, {
    ok: true,
    headers: { 'X-Team': 'payments', Authorization: 'Bearer abc', 'X-Empty': '' },
  });
  assert.equal(validateEndpointHeaders({ 'X-Signature': 'mine' }, sw).ok, true);
});

test('CR, LF, NUL and other control characters in values are refused, naming the header', () => {
  for (const value of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b', 'a\x7fb', 'a\x1bb']) {
    const r = refusal({ 'X-Note': value });
    assert.equal(r.code, 'invalid_header_value');
    assert.equal(r.header, 'X-Note');
    assert.match(r.message, /X-Note.*control character/);
  }
  assert.equal(validateEndpointHeaders({ 'X-Tab': 'a\tb' }, sw).ok, true);
});

test('names must be tokens', () => {
  for (const name of ['', 'X Space', 'X:Colon', 'X\r\nY', 'Ünicode', '(x)', 'a'.repeat(300)]) {
    const r = refusal({ [name]: 'v' });
    assert.equal(r.code, 'invalid_header_name');
    assert.equal(r.header, name);
  }
});

test('reserved names are refused in any case, including the endpoint signing headers', () => {
  for (const name of [
    'Host',
    'content-length',
    'Transfer-Encoding',
    'Connection',
    'Content-Type',
    'webhook-id',
    'Webhook-Timestamp',
    'WEBHOOK-SIGNATURE',
    'Proxy-Foo',
    'Sec-Fetch-Mode',
    'Expect',
    'TE',
  ]) {
    const r = refusal({ [name]: 'v' });
    assert.equal(r.code, 'reserved_header', name);
    assert.equal(r.header, name);
    assert.match(r.message, new RegExp(`${name} is set by Hookline`));
  }
  assert.equal(refusal({ 'x-signature': 'v' }, hmac).code, 'reserved_header');
  assert.equal(refusal({ 'X-TIMESTAMP': 'v' }, hmac).code, 'reserved_header');
  assert.equal(refusal({ 'x-webhook-token': 'v' }, token).code, 'reserved_header');
  assert.equal(validateEndpointHeaders({ 'X-Webhook-Token': 'v' }, hmac).ok, true);
});

test('duplicates by case and too many headers are refused', () => {
  assert.equal(refusal({ 'X-A': '1', 'x-a': '2' }).code, 'duplicate_header');
  const many: Record<string, string> = {};
  for (let i = 0; i < 33; i++) many[`X-H${i}`] = 'v';
  assert.equal(refusal(many).code, 'too_many_headers');
  assert.equal(refusal({ 'X-Big': 'v'.repeat(9000) }).code, 'invalid_header_value');
});
