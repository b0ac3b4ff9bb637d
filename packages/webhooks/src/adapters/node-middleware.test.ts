import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createReceiver } from '../receiver.ts';
import { schemes } from '../schemes.ts';
import { toNodeMiddleware } from './node-middleware.ts';

type Events = { 'issues.opened': { action: 'opened'; issue: { number: number } } };

const secret = 'gh-node-secret';
const received: number[] = [];
const hooks = createReceiver<Events>({ scheme: 'github', secret, maxBodyBytes: 64 * 1024 }).on(
  'issues.opened',
  (event) => {
    received.push(event.payload.issue.number);
  },
);
const middleware = toNodeMiddleware(hooks);
let server: Server;
let base = '';

// Routes imitate what Express body parsers leave behind, without depending on Express.
function route(request: IncomingMessage & { body?: unknown }, response: ServerResponse): void {
  if (request.url === '/parsed') {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      request.body = JSON.parse(Buffer.concat(chunks).toString());
      void middleware(request, response);
    });
    return;
  }
  if (request.url === '/raw') {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      request.body = Buffer.concat(chunks);
      void middleware(request, response);
    });
    return;
  }
  void middleware(request, response);
}

before(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(path: string, body: string, extra: Record<string, string> = {}) {
  const headers = {
    ...(await schemes.github.sign({ body }, { secret })),
    'x-github-event': 'issues',
    'content-type': 'application/json',
    ...extra,
  };
  return fetch(base + path, { method: 'POST', headers, body });
}

test('node:http: reads the raw body itself, verifies and dispatches', async () => {
  const response = await post('/hooks', JSON.stringify({ action: 'opened', issue: { number: 7 } }));
  assert.equal(response.status, 204);
  assert.deepEqual(received, [7]);
  const forged = await fetch(`${base}/hooks`, {
    method: 'POST',
    headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'x-github-event': 'issues' },
    body: '{}',
  });
  assert.equal(forged.status, 401);
  assert.equal((await forged.json()).error.code, 'invalid_signature');
});

test('uses a Buffer req.body (express.raw) and refuses a parsed one (express.json) with help', async () => {
  const raw = await post('/raw', JSON.stringify({ action: 'opened', issue: { number: 8 } }));
  assert.equal(raw.status, 204);
  assert.deepEqual(received.slice(-1), [8]);
  const parsed = await post('/parsed', JSON.stringify({ action: 'opened', issue: { number: 9 } }));
  assert.equal(parsed.status, 500);
  const { error } = await parsed.json();
  assert.equal(error.code, 'body_not_raw');
  assert.match(error.message, /express\.raw/);
});

test('answers 413 above maxBodyBytes, for streamed and pre-read bodies', async () => {
  const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
  assert.equal((await post('/hooks', big)).status, 413);
  assert.equal((await post('/raw', big)).status, 413);
});

test('rebuilds the public URL for Twilio from Host and the path, or uses publicUrl', async () => {
  const twilio = createReceiver({ scheme: 'twilio', secret: 'tw' });
  const plain = createServer(toNodeMiddleware(twilio));
  const proxied = createServer(
    toNodeMiddleware(twilio, { publicUrl: (r) => `https://public.example${r.url}` }),
  );
  for (const s of [plain, proxied]) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  try {
    const body = 'CallSid=CA1&From=%2B1555';
    const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/sms?x=1`;
    const signed = await schemes.twilio.sign({ body, url: plainUrl }, { secret: 'tw' });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assert.equal(
      (await fetch(plainUrl, { method: 'POST', headers: { ...signed, ...form }, body })).status,
      204,
    );
    const proxiedUrl = `http://127.0.0.1:${(proxied.address() as AddressInfo).port}/sms`;
    const publicSigned = await schemes.twilio.sign(
      { body, url: 'https://public.example/sms' },
      { secret: 'tw' },
    );
    assert.equal(
      (await fetch(proxiedUrl, { method: 'POST', headers: { ...publicSigned, ...form }, body })).status,
      204,
    );
  } finally {
    await Promise.all([plain, proxied].map((s) => new Promise((resolve) => s.close(resolve))));
  }
});
