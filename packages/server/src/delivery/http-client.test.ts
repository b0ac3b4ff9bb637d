import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import * as zlib from 'node:zlib';
import { expectError, expectResponse, receiver } from '../test-support/recording-receiver.ts';
import { createHttpClient, type HttpClient } from './http-client.ts';
import { createSsrfPolicy } from './ssrf-guard.ts';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './tls-test-certificate.ts';

const loopbackAllowed = createSsrfPolicy({ allowCidrs: ['127.0.0.1/32', '::1/128'] });

function client(overrides: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const c = createHttpClient({
    policy: loopbackAllowed,
    lookup: async () => [{ address: '127.0.0.1', family: 4 }],
    ...overrides,
  });
  after(() => c.close());
  return c;
}

test('200: sends method, headers and body to the resolved address with Host kept as the name', async () => {
  const r = await receiver((_req, res) => res.writeHead(200, { 'x-reply': 'yes' }).end('thanks'));
  const c = client();
  const result = expectResponse(
    await c.send({
      url: `http://hooks.example.test:${r.port}/in?x=1`,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      body: '{"a":1}',
    }),
  );
  assert.equal(result.status, 200);
  assert.equal(result.body, 'thanks');
  assert.equal(result.bodyTruncated, false);
  assert.equal(result.headers['x-reply'], 'yes');
  assert.ok(result.durationMs >= 0);
  const seen = r.requests[0];
  assert.ok(seen);
  assert.equal(seen.method, 'POST');
  assert.equal(seen.url, '/in?x=1');
  assert.equal(seen.headers.host, `hooks.example.test:${r.port}`);
  assert.equal(seen.headers['webhook-id'], 'msg_1');
  assert.equal(seen.body, '{"a":1}');
});

test('500 is a response, not an error, and connections are kept alive between sends', async () => {
  const r = await receiver((_req, res) => res.writeHead(500).end('boom'));
  const c = client();
  for (let i = 0; i < 6; i++) {
    const result = expectResponse(await c.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
    assert.equal(result.status, 500);
    assert.equal(result.body, 'boom');
  }
  assert.equal(r.requests.length, 6);
  // undici sees the body end a tick before it frees the socket, so the second send may open a second
  // connection; after that both are reused.
  assert.ok(r.connections <= 2, `${r.connections} connections for 6 sends`);
});

test('a receiver that never answers hits the total deadline', async () => {
  const r = await receiver(() => {});
  const error = expectError(
    await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x', timeoutMs: 200 }),
    'timeout',
  );
  assert.match(error.message, /200 ms deadline/);
});

test('time spent waiting for a pooled connection counts against the deadline', async () => {
  const r = await receiver((req, res) => {
    if (req.url === '/hang') return;
    res.writeHead(204).end();
  });
  const c = client({ connectionsPerOrigin: 1 });
  // The only connection is held by a request that hangs for 1.5 s; the second waits in undici's queue.
  const holder = c.send({ url: `http://127.0.0.1:${r.port}/hang`, body: 'x', timeoutMs: 1_500 });
  await waitUntil(() => r.requests.length === 1);
  const queued = c.send({ url: `http://127.0.0.1:${r.port}/ok`, body: 'x', timeoutMs: 200 });
  const first = await Promise.race([holder.then(() => 'holder'), queued.then(() => 'queued')]);
  assert.equal(
    first,
    'queued',
    'the queued attempt ended at its own deadline, not when the connection freed',
  );
  expectError(await queued, 'timeout');
  expectError(await holder, 'timeout');
  // The abandoned request was never sent: the receiver saw only the hanging one.
  assert.deepEqual(
    r.requests.map((request) => request.url),
    ['/hang'],
  );
});

async function waitUntil(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !probe(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(probe(), 'condition not reached within 5 s');
}

test('a receiver trickling its body forever hits the same deadline', async () => {
  const r = await receiver((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('.'), 20);
    res.on('close', () => clearInterval(timer));
  });
  expectError(
    await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x', timeoutMs: 300 }),
    'timeout',
  );
});

test('a connection reset by the receiver is a reset', async () => {
  const r = await receiver((req) => req.socket.destroy());
  expectError(await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }), 'reset');
});

test('a closed port is a connect error, an unknown name a dns error', async () => {
  const r = await receiver(() => {});
  const port = r.port;
  r.server.close();
  await once(r.server, 'close');
  expectError(await client().send({ url: `http://127.0.0.1:${port}/`, body: 'x' }), 'connect');
  const noDns = client({
    lookup: async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    },
  });
  const error = expectError(await noDns.send({ url: 'http://nowhere.test/', body: 'x' }), 'dns');
  assert.match(error.message, /nowhere\.test.*ENOTFOUND/);
});

test('speaking TLS to a plain HTTP port is a tls error', async () => {
  const r = await receiver((_req, res) => res.end('plain'));
  expectError(await client().send({ url: `https://127.0.0.1:${r.port}/`, body: 'x' }), 'tls');
});

test('when the first resolved address refuses, the next checked one is used', async () => {
  const r = await receiver((_req, res) => res.end('ok'), '127.0.0.1');
  const c = client({
    lookup: async () => [
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ],
  });
  assert.equal(
    expectResponse(await c.send({ url: `http://dual.example.test:${r.port}/`, body: 'x' })).status,
    200,
  );
});

test('a redirect is a failure and its target is never contacted', async () => {
  const canary = await receiver((_req, res) => res.end('should not happen'));
  const r = await receiver((_req, res) =>
    res.writeHead(302, { location: `http://127.0.0.1:${canary.port}/steal` }).end(),
  );
  for (const status of [301, 302, 303, 307, 308]) {
    r.server.removeAllListeners('request');
    r.server.on('request', (_req: IncomingMessage, res: ServerResponse) =>
      res.writeHead(status, { location: `http://127.0.0.1:${canary.port}/steal` }).end(),
    );
    const error = expectError(
      await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }),
      'redirect',
    );
    assert.equal(error.response?.status, status);
    assert.equal(error.response?.headers.location, `http://127.0.0.1:${canary.port}/steal`);
  }
  assert.equal(canary.connections, 0);
});

test('a 1 GB streamed body is capped at 64 KiB and never read past the cap', async () => {
  let written = 0;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const r = await receiver((_req, res) => {
    res.writeHead(200, { 'content-length': String(1024 ** 3) });
    const pump = () => {
      while (written < 1024 ** 3 && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  const result = expectResponse(await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
  assert.equal(result.body.length, 64 * 1024);
  assert.equal(result.bodyTruncated, true);
  // Socket buffers hold a few MiB at most; reading the body through would have pushed all of it.
  assert.ok(written < 64 * 1024 ** 2, `receiver wrote ${written} bytes`);
});

test('a gzip bomb (1 GiB of zeros, ~1 MiB on the wire) costs 64 KiB of output', async () => {
  // Concatenated gzip members are one valid gzip stream: 100 members of 10 MiB of zeros each.
  const member = zlib.gzipSync(Buffer.alloc(10 * 1024 ** 2), { level: 9 });
  let membersSent = 0;
  const r = await receiver((_req, res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    const pump = () => {
      while (membersSent < 100 && !res.destroyed) {
        membersSent++;
        if (!res.write(member)) return void res.once('drain', pump);
      }
      if (membersSent === 100) res.end();
    };
    pump();
  });
  const result = expectResponse(await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
  assert.equal(result.body.length, 64 * 1024);
  assert.equal(result.body, '\0'.repeat(64 * 1024));
  assert.equal(result.bodyTruncated, true);
});

test('gzip, deflate (zlib and raw) and br bodies are decoded; a body of exactly the cap is not truncated', async () => {
  const text = 'héllo wörld '.repeat(50);
  const encodings: [string, (b: Buffer) => Buffer][] = [
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['deflate', zlib.deflateRawSync],
    ['br', zlib.brotliCompressSync],
    ['zstd', zlib.zstdCompressSync],
    ['deflate, gzip', (b) => zlib.gzipSync(zlib.deflateSync(b))],
    ['identity', (b) => b],
  ];
  const c = client();
  for (const [encoding, encode] of encodings) {
    const r = await receiver((_req, res) =>
      res.writeHead(200, { 'content-encoding': encoding }).end(encode(Buffer.from(text))),
    );
    const result = expectResponse(await c.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
    assert.equal(result.body, text, encoding);
  }
  const exact = Buffer.byteLength(text);
  const small = client({ maxResponseBytes: exact });
  const r = await receiver((_req, res) =>
    res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(Buffer.from(text))),
  );
  const result = expectResponse(await small.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
  assert.equal(result.body, text);
  assert.equal(result.bodyTruncated, false);
  const smaller = client({ maxResponseBytes: exact - 1 });
  const cut = expectResponse(await smaller.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
  assert.equal(cut.bodyTruncated, true);
});

test('an announced plain body is read whole up to the cap, and cut at the cap past it, as a chunked one', async () => {
  // A BOM, an invalid byte and a multi-byte character: both ways of reading decode them alike.
  const bytes = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('ok '),
    Buffer.from([0xff]),
    Buffer.from(' é!'),
  ]);
  const answer = (chunked: boolean) =>
    receiver((_req, res) => {
      if (chunked) {
        res.writeHead(200);
        res.write(bytes.subarray(0, 5));
        res.end(bytes.subarray(5));
      } else res.writeHead(200, { 'content-length': String(bytes.length) }).end(bytes);
    });
  const announced = await answer(false);
  const chunked = await answer(true);
  const exact = client({ maxResponseBytes: bytes.length });
  const whole = expectResponse(await exact.send({ url: `http://127.0.0.1:${announced.port}/`, body: 'x' }));
  const streamed = expectResponse(await exact.send({ url: `http://127.0.0.1:${chunked.port}/`, body: 'x' }));
  assert.equal(whole.headers['content-length'], String(bytes.length));
  assert.equal(streamed.headers['transfer-encoding'], 'chunked');
  assert.equal(whole.body, 'ok \ufffd é!');
  assert.equal(whole.bodyTruncated, false);
  assert.deepEqual([streamed.body, streamed.bodyTruncated], [whole.body, false]);
  const short = client({ maxResponseBytes: bytes.length - 1 });
  const cut = expectResponse(await short.send({ url: `http://127.0.0.1:${announced.port}/`, body: 'x' }));
  const cutStreamed = expectResponse(
    await short.send({ url: `http://127.0.0.1:${chunked.port}/`, body: 'x' }),
  );
  assert.deepEqual([cut.body, cut.bodyTruncated], ['ok \ufffd é', true]);
  assert.deepEqual([cutStreamed.body, cutStreamed.bodyTruncated], [cut.body, true]);
});

test('a corrupt gzip body keeps the status and reports nothing worse than an odd body', async () => {
  const r = await receiver((_req, res) =>
    res.writeHead(503, { 'content-encoding': 'gzip' }).end('not gzip at all'),
  );
  const result = expectResponse(await client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
  assert.equal(result.status, 503);
  assert.match(result.bodyDecodeError ?? '', /gzip body could not be decoded/);
});

test('an abort from the caller ends the attempt as internal, not as a receiver timeout', async () => {
  const r = await receiver(() => {});
  const controller = new AbortController();
  const pending = client().send({ url: `http://127.0.0.1:${r.port}/`, body: 'x', signal: controller.signal });
  await new Promise((resolve) => setImmediate(resolve));
  controller.abort();
  expectError(await pending, 'internal');
});

test('TLS: connects to the checked IP while SNI and certificate checks use the host name', async () => {
  const server = createHttpsServer({ cert: TEST_TLS_CERT, key: TEST_TLS_KEY }, (_req, res) =>
    res.end('secure'),
  );
  const servernames: (string | false | null)[] = [];
  server.on('secureConnection', (socket: TLSSocket) => servernames.push(socket.servername));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  const trusting = client({ tls: { ca: TEST_TLS_CERT } });
  const ok = expectResponse(await trusting.send({ url: `https://hooks.example.test:${port}/`, body: 'x' }));
  assert.equal(ok.body, 'secure');
  assert.deepEqual(servernames, ['hooks.example.test']);
  // The certificate names hooks.example.test, not the IP, and an untrusting client refuses it.
  expectError(await trusting.send({ url: `https://127.0.0.1:${port}/`, body: 'x' }), 'tls');
  expectError(await client().send({ url: `https://hooks.example.test:${port}/`, body: 'x' }), 'tls');
});

test('a resolver that never answers is bounded by the same deadline', async () => {
  const stuck = client({ lookup: () => new Promise(() => {}), connectTimeoutMs: 300 });
  expectError(
    await stuck.send({ url: 'http://slow-dns.example.test/', body: 'x', timeoutMs: 150 }),
    'timeout',
  );
  // Past the deadline the lookup's own bound frees the pool, so close() (in after()) returns.
  const error = expectError(
    await stuck.send({ url: 'http://slow-dns.example.test/', body: 'x', timeoutMs: 1_000 }),
    'dns',
  );
  assert.match(error.message, /no answer within 300 ms/);
});

test('DNS rebinding: each new connection resolves once, and a name that turns bad is refused', async () => {
  // `Connection: close` makes every request a new connection, deterministically.
  const r = await receiver((_req, res) => res.writeHead(200, { connection: 'close' }).end('ok'));
  let answer = '127.0.0.1';
  let lookups = 0;
  const c = client({
    policy: createSsrfPolicy({ allowCidrs: ['127.0.0.1/32'] }),
    lookup: async () => {
      lookups++;
      return [{ address: answer, family: 4 }];
    },
  });
  const url = `http://rebind.example.test:${r.port}/`;
  assert.equal(expectResponse(await c.send({ url, body: 'x' })).status, 200);
  assert.equal(expectResponse(await c.send({ url, body: 'x' })).status, 200);
  // The checked address is the one connected to: one lookup per connection, never a second one.
  assert.equal(r.connections, 2);
  assert.equal(lookups, 2);
  answer = '127.0.0.2';
  const refused = expectError(await c.send({ url, body: 'x' }), 'ssrf_blocked');
  assert.match(
    refused.message,
    /rebind\.example\.test resolves to a refused address: destination address 127\.0\.0\.2/,
  );
  assert.equal(lookups, 3);
  assert.equal(r.connections, 2);
});
