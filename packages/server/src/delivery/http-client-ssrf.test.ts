import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { ResolvedAddress } from './guarded-connector.ts';
import { createHttpClient } from './http-client.ts';
import { checkAddress, createSsrfPolicy, validateDestinationUrl } from './ssrf-guard.ts';

interface Canary {
  server: Server;
  port: number;
  connections: number;
}

async function canary(host: string): Promise<Canary> {
  const c: Canary = { server: createServer((_req, res) => res.end('reached')), port: 0, connections: 0 };
  c.server.on('connection', () => {
    c.connections++;
  });
  c.server.listen(0, host);
  await once(c.server, 'listening');
  c.port = (c.server.address() as AddressInfo).port;
  after(() => {
    c.server.closeAllConnections();
    c.server.close();
  });
  return c;
}

/** Literal URLs; `P4`/`P6` become the IPv4/IPv6 loopback canaries' ports. */
const LITERALS = [
  'http://127.0.0.1:P4/',
  'http://2130706433:P4/',
  'http://0177.0.0.1:P4/',
  'http://0x7f.1:P4/',
  'http://0x7f000001:P4/',
  'http://127.1:P4/',
  'http://127.0.1:P4/',
  'http://127.0.0.1.:P4/',
  'http://017700000001:P4/',
  'http://%31%32%37.0.0.1:P4/',
  'http://127。0。0。1:P4/',
  'http://127.255.255.254:P4/',
  'http://0:P4/',
  'http://0.0.0.0:P4/',
  'http://0x:P4/',
  'https://127.0.0.1:P4/',
  'http://[::1]:P6/',
  'http://[0:0:0:0:0:0:0:1]:P6/',
  'http://[::]:P6/',
  'http://[::ffff:127.0.0.1]:P4/',
  'http://[::ffff:7f00:1]:P4/',
  'http://[0:0:0:0:0:ffff:127.0.0.1]:P4/',
  'http://[::127.0.0.1]:P4/',
  'http://[2002:7f00:1::]:P4/',
  'http://[64:ff9b::127.0.0.1]:P4/',
  'http://localhost:P4/',
  'http://LOCALHOST.:P4/',
  'http://api.localhost:P4/',
  'http://ⓛocalhost:P4/',
  'http://10.0.0.1/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.168.1.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://0xa9fea9fe/',
  'http://2852039166/',
  'http://[::ffff:169.254.169.254]/',
  'http://[fd00:ec2::254]/',
  'http://100.64.0.1/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://192.0.2.1/',
  'http://198.51.100.1/',
  'http://203.0.113.1/',
  'http://198.18.0.1/',
  'http://240.0.0.1/',
  'http://192.0.0.1/',
  'http://[fe80::1]/',
  'http://[fc00::1]/',
  'http://[fec0::1]/',
  'http://[ff02::1]/',
  'http://[2001:db8::1]/',
  'http://[2001::1]/',
  'http://[64:ff9b:1::1]/',
  'https://[::ffff:10.0.0.1]/',
  'http://[2002:c0a8:101::]/',
];

/** Names and what the injected resolver answers for them. */
const NAMES: Record<string, string[]> = {
  'loopback.example': ['127.0.0.1'],
  'loopback-dot.example.': ['127.0.0.1'],
  'v6-loopback.example': ['::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'octal-answer.example': ['0177.0.0.1'],
  'zero.example': ['0.0.0.0'],
  'metadata.example': ['169.254.169.254'],
  'private.example': ['10.1.2.3'],
  'cgnat.example': ['100.100.100.100'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'ula.example': ['fd12:3456::1'],
  'link-local6.example': ['fe80::1234'],
  // One public and one refused address: the whole name is refused, whichever comes first.
  'public-then-loopback.example': ['93.184.215.14', '127.0.0.1'],
  'loopback-then-public.example': ['127.0.0.1', '93.184.215.14'],
  'public6-then-loopback6.example': ['2606:4700:4700::1111', '::1'],
  'public-then-private.example': ['8.8.8.8', '192.168.0.10'],
};

test('SSRF corpus: every address and spelling is refused and no connection reaches a canary', async () => {
  const v4 = await canary('127.0.0.1');
  const v6 = await canary('::1');
  const policy = createSsrfPolicy();
  const lookup = async (hostname: string): Promise<ResolvedAddress[]> =>
    (NAMES[hostname] ?? NAMES[`${hostname}.`] ?? []).map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  const client = createHttpClient({ policy, lookup, connectTimeoutMs: 500 });
  after(() => client.close());
  const withPorts = (url: string) => url.replace('P4', String(v4.port)).replace('P6', String(v6.port));

  // Pure checks first: a non-loopback address may only ever reach the client once the guard refuses it,
  // so a guard bug fails here instead of sending a packet off this machine.
  for (const url of LITERALS) {
    assert.equal(
      validateDestinationUrl(withPorts(url), policy).ok,
      false,
      `save-time check let ${url} through`,
    );
  }
  for (const [name, addresses] of Object.entries(NAMES)) {
    assert.ok(
      addresses.some((address) => !checkAddress(address, policy).allowed),
      `connect-time check lets every address of ${name} through`,
    );
  }

  const corpus = [
    ...LITERALS.map(withPorts),
    ...Object.keys(NAMES).map((name) => `http://${name}:${name.includes('6') ? v6.port : v4.port}/hook`),
  ];
  assert.ok(corpus.length >= 60, `corpus has ${corpus.length} entries`);
  for (const url of corpus) {
    const result = await client.send({ url, body: '{}', timeoutMs: 2_000 });
    assert.equal(result.type, 'error', `${url} was sent`);
    assert.equal(
      result.type === 'error' && result.errorKind,
      'ssrf_blocked',
      `${url}: ${JSON.stringify(result)}`,
    );
  }
  assert.equal(v4.connections, 0);
  assert.equal(v6.connections, 0);

  // Control: the canaries do count, and loopback is reachable when the operator allows it.
  const dev = createHttpClient({ policy: createSsrfPolicy({ allowLoopback: true }), lookup });
  after(() => dev.close());
  for (const url of [
    `http://127.0.0.1:${v4.port}/`,
    `http://[::1]:${v6.port}/`,
    `http://loopback.example:${v4.port}/`,
  ]) {
    const result = await dev.send({ url, body: '{}' });
    assert.equal(result.type === 'response' && result.status, 200, url);
  }
  assert.ok(v4.connections >= 1);
  assert.equal(v6.connections, 1);
});

test('an allow-listed host name may resolve to private addresses; other names may not', async () => {
  const internal = await canary('127.0.0.1');
  const lookup = async (): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }];
  const client = createHttpClient({
    policy: createSsrfPolicy({ allowHostnames: ['*.svc.internal'] }),
    lookup,
  });
  after(() => client.close());
  const allowed = await client.send({ url: `http://billing.svc.internal:${internal.port}/`, body: '{}' });
  assert.equal(allowed.type === 'response' && allowed.status, 200);
  const refused = await client.send({
    url: `http://billing.svc.internal.evil:${internal.port}/`,
    body: '{}',
  });
  assert.equal(refused.type === 'error' && refused.errorKind, 'ssrf_blocked');
  assert.equal(internal.connections, 1);
});
