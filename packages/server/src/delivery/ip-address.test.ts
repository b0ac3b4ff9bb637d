import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, classifyIp, formatIp, type IpAddress, parseCidr, parseIp } from './ip-address.ts';

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  assert.ok(parsed, `${text} should parse`);
  return parsed;
}

test('IPv4 spellings accepted by URL parsers all land on the same address', () => {
  for (const spelling of [
    '127.0.0.1',
    '2130706433',
    '0177.0.0.1',
    '0x7f.1',
    '0x7f000001',
    '127.1',
    '127.0.1',
    '127.0.0.1.',
    '0x7F.0.0.01',
  ]) {
    assert.equal(formatIp(ip(spelling)), '127.0.0.1', spelling);
  }
  assert.equal(formatIp(ip('0')), '0.0.0.0');
  assert.equal(formatIp(ip('017700000001')), '127.0.0.1');
});

test('malformed addresses are not addresses', () => {
  for (const bad of [
    '',
    '256.0.0.1',
    '1.2.3.4.5',
    '08.0.0.1',
    'example.com',
    '1..2',
    '4294967296',
    ':::1',
    '1::2::3',
    '12345::',
    'g::1',
    '::1.2.3',
    '1:2:3:4:5:6:7:8:9',
    '::256.0.0.1',
  ]) {
    assert.equal(parseIp(bad), null, bad);
  }
  // A bare `0x` is zero in WHATWG URL parsing (the URL parser turns http://0x/ into 0.0.0.0).
  assert.equal(formatIp(ip('0x')), '0.0.0.0');
  assert.equal(formatIp(ip('0x.0x.0x.1')), '0.0.0.1');
});

test('IPv6 parsing and canonical formatting', () => {
  assert.equal(formatIp(ip('::1')), '::1');
  assert.equal(formatIp(ip('[::]')), '::');
  assert.equal(formatIp(ip('2001:DB8:0:0:0:0:0:1')), '2001:db8::1');
  assert.equal(formatIp(ip('::ffff:127.0.0.1')), '::ffff:7f00:1');
  assert.equal(formatIp(ip('fe80::1%eth0')), 'fe80::1');
  assert.equal(formatIp(ip('1:2:3:4:5:6:7:8')), '1:2:3:4:5:6:7:8');
  assert.equal(formatIp(ip('1:0:0:2:0:0:0:3')), '1:0:0:2::3');
});

test('CIDR containment respects the prefix length', () => {
  const block = parseCidr('172.16.0.0/12');
  assert.ok(block);
  assert.equal(cidrContains(block, ip('172.31.255.255')), true);
  assert.equal(cidrContains(block, ip('172.32.0.0')), false);
  assert.equal(cidrContains(block, ip('::ffff:172.16.0.1')), false);
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(parseCidr('10.0.0.0/x'), null);
  const v6 = parseCidr('fd00::/8');
  assert.ok(v6);
  assert.equal(cidrContains(v6, ip('fd12::1')), true);
  assert.equal(cidrContains(v6, ip('fe00::1')), false);
});

test('special-purpose ranges are classified, embedded IPv4 included', () => {
  const cases: [string, string, string?][] = [
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['127.5.6.7', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'cloud_metadata'],
    ['169.254.1.1', 'link_local'],
    ['100.64.0.1', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.5', 'documentation'],
    ['198.51.100.5', 'documentation'],
    ['203.0.113.5', 'documentation'],
    ['198.19.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'ietf_protocol'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd00:ec2::254', 'cloud_metadata'],
    ['fec0::1', 'site_local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['2001::1', 'teredo'],
    ['64:ff9b:1::1', 'nat64_local'],
    ['100::1', 'discard'],
    ['4000::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:127.0.0.1', 'loopback', 'ipv4_mapped'],
    ['::ffff:169.254.169.254', 'cloud_metadata', 'ipv4_mapped'],
    ['::ffff:8.8.8.8', 'public', 'ipv4_mapped'],
    ['::127.0.0.1', 'loopback', 'ipv4_compatible'],
    ['::10.0.0.1', 'private', 'ipv4_compatible'],
    ['2002:7f00:1::', 'loopback', '6to4'],
    ['2002:a9fe:a9fe::1', 'cloud_metadata', '6to4'],
    ['2002:0808:0808::1', 'public', '6to4'],
    ['64:ff9b::7f00:1', 'loopback', 'nat64'],
    ['64:ff9b::192.168.0.1', 'private', 'nat64'],
  ];
  for (const [text, range, via] of cases) {
    const cls = classifyIp(ip(text));
    assert.equal(cls.range, range, text);
    assert.equal(cls.via, via, text);
  }
});
