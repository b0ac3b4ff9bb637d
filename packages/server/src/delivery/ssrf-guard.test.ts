import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkAddress,
  checkHostname,
  createSsrfPolicy,
  SsrfConfigError,
  validateDestinationUrl,
} from './ssrf-guard.ts';

const strict = createSsrfPolicy();

test('save-time validation refuses literal hosts in blocked ranges, in every URL spelling', () => {
  const blocked = [
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'http://127。0。0。1/',
    'http://0/',
    'http://0x/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[2002:7f00:1::]/',
    'http://[64:ff9b::10.0.0.1]/',
    'http://[fd00:ec2::254]/',
    'http://169.254.169.254/latest/meta-data/',
    'https://10.0.0.1:8443/x',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://ⓛocalhost/',
    'http://api.localhost/',
  ];
  for (const url of blocked) {
    const result = validateDestinationUrl(url, strict);
    assert.equal(result.ok, false, url);
    assert.equal(result.ok === false && result.code, 'ssrf_blocked', url);
  }
});

test('save-time validation explains what is wrong', () => {
  const cases: [string, string][] = [
    ['not a url', 'invalid_url'],
    ['/relative/path', 'invalid_url'],
    ['ftp://example.com/', 'unsupported_scheme'],
    ['file:///etc/passwd', 'unsupported_scheme'],
    ['javascript:alert(1)', 'unsupported_scheme'],
    ['https://user:pass@example.com/', 'credentials_in_url'],
    ['https://user@example.com/', 'credentials_in_url'],
    ['http://[fe80::1%25eth0]/', 'invalid_url'],
  ];
  for (const [url, code] of cases) {
    const result = validateDestinationUrl(url, strict);
    assert.equal(result.ok === false && result.code, code, url);
    assert.ok(result.ok === false && result.message.length > 10);
  }
  const loop = validateDestinationUrl('http://0x7f.1/hook', strict);
  assert.equal(
    loop.ok === false && loop.message,
    'destination address 127.0.0.1 is a loopback address and may not be contacted',
  );
  const mapped = validateDestinationUrl('http://[::ffff:10.0.0.1]/', strict);
  assert.match(
    mapped.ok === false ? mapped.message : '',
    /::ffff:a00:1 \(10\.0\.0\.1, IPv4-mapped\) is a private network address/,
  );
});

test('public literals and names pass save-time validation; names are checked at connect time', () => {
  for (const url of [
    'https://example.com/hook',
    'http://8.8.8.8:8080/',
    'https://[2606:4700:4700::1111]/',
    'https://internal.corp/',
  ]) {
    const result = validateDestinationUrl(url, strict);
    assert.equal(result.ok, true, url);
  }
  assert.deepEqual(checkHostname('example.com', strict), { kind: 'resolve' });
  assert.deepEqual(checkHostname('[2606:4700:4700::1111]', strict), {
    kind: 'ip',
    address: '2606:4700:4700::1111',
  });
});

test('the allow-list admits CIDRs and host names, nothing more', () => {
  const policy = createSsrfPolicy({
    allowCidrs: ['10.1.0.0/16', 'fd12::/16'],
    allowHostnames: ['Billing.Internal.', '*.svc.cluster'],
  });
  assert.deepEqual(checkAddress('10.1.2.3', policy), { allowed: true });
  assert.deepEqual(checkAddress('fd12::9', policy), { allowed: true });
  assert.equal(checkAddress('10.2.0.1', policy).allowed, false);
  assert.equal(checkAddress('127.0.0.1', policy).allowed, false);
  assert.deepEqual(checkHostname('billing.internal', policy), { kind: 'allowed_name' });
  assert.deepEqual(checkHostname('a.b.svc.cluster.', policy), { kind: 'allowed_name' });
  assert.deepEqual(checkHostname('svc.cluster', policy), { kind: 'resolve' });
  assert.deepEqual(checkHostname('evilsvc.cluster', policy), { kind: 'resolve' });
  assert.equal(validateDestinationUrl('http://10.1.0.5/', policy).ok, true);
  assert.throws(() => createSsrfPolicy({ allowCidrs: ['10.0.0.0/40'] }), SsrfConfigError);
  assert.throws(() => createSsrfPolicy({ allowHostnames: ['bad name'] }), SsrfConfigError);
});

test('development mode allows loopback and localhost, and only that', () => {
  const dev = createSsrfPolicy({ allowLoopback: true });
  assert.deepEqual(checkAddress('127.0.0.1', dev), { allowed: true });
  assert.deepEqual(checkAddress('::1', dev), { allowed: true });
  assert.deepEqual(checkAddress('::ffff:127.0.0.2', dev), { allowed: true });
  assert.deepEqual(checkHostname('localhost', dev), { kind: 'resolve' });
  assert.equal(checkAddress('10.0.0.1', dev).allowed, false);
  assert.equal(checkAddress('169.254.169.254', dev).allowed, false);
  assert.equal(validateDestinationUrl('http://localhost:3000/hook', dev).ok, true);
});

test('connect-time address checks refuse anything that is not a public address', () => {
  const blocked = checkAddress('0:0:0:0:0:ffff:7f00:1', strict);
  assert.equal(blocked.allowed, false);
  assert.equal(blocked.allowed === false && blocked.range, 'loopback');
  const garbage = checkAddress('not-an-ip', strict);
  assert.equal(garbage.allowed === false && garbage.range, 'invalid_address');
  assert.deepEqual(checkAddress('93.184.215.14', strict), { allowed: true });
});
