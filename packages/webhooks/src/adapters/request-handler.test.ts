import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { createReceiver } from '../receiver.ts';
import { sign } from '../standard-webhooks.ts';
import { readCapped, toRequestHandler } from './request-handler.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

type Events = { 'user.created': { type: 'user.created'; data: { name: string } } };

test('a web Request handler verifies Standard Webhooks and dispatches', async () => {
  const names: string[] = [];
  const hooks = createReceiver<Events>({ scheme: 'standard-webhooks', secret }).on(
    'user.created',
    (event) => {
      names.push(event.payload.data.name);
    },
  );
  const handler = toRequestHandler(hooks);
  const body = JSON.stringify({ type: 'user.created', data: { name: 'Ada' } });
  const headers = await sign({ id: 'msg_1', body, secrets: [secret] });
  const ok = await handler(new Request('https://app.test/webhooks', { method: 'POST', headers, body }));
  assert.equal(ok.status, 204);
  assert.deepEqual(names, ['Ada']);
  const bad = await handler(
    new Request('https://app.test/webhooks', { method: 'POST', headers, body: `${body}\n` }),
  );
  assert.equal(bad.status, 401);
  assert.equal(bad.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal((await bad.json()).error.code, 'invalid_signature');
});

test('bodies over the cap get 413, whether declared or streamed', async () => {
  const hooks = createReceiver({ scheme: 'none', maxBodyBytes: 8 });
  const handler = toRequestHandler(hooks);
  const declared = await handler(new Request('https://a.test/', { method: 'POST', body: '0123456789' }));
  assert.equal(declared.status, 413);
  assert.equal((await declared.json()).error.code, 'body_too_large');
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 4; i++) controller.enqueue(new Uint8Array(4));
      controller.close();
    },
  });
  const streamed = await handler(
    new Request('https://a.test/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
  );
  assert.equal(streamed.status, 413);
  assert.equal((await handler(new Request('https://a.test/', { method: 'POST', body: '{}' }))).status, 204);
  assert.deepEqual(await readCapped(null, 1), new Uint8Array(0));
});

test('the Request handler behind a real loopback server, with a chunked streamed body', async () => {
  const hooks = createReceiver<Events>({ scheme: 'standard-webhooks', secret });
  const names: string[] = [];
  hooks.on('user.created', (event) => {
    names.push(event.payload.data.name);
  });
  const handler = toRequestHandler(hooks);
  // What Bun, Deno and Workers do natively: turn the socket into a Request, and the Response back.
  const server = createServer(async (req, res) => {
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method ?? 'POST',
      headers: req.headers as Record<string, string>,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const body = JSON.stringify({ type: 'user.created', data: { name: 'Grace' } });
    const headers = await sign({ id: 'msg_2', body, secrets: [secret] });
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(body);
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const ok = await fetch(url, { method: 'POST', headers, body: chunks, duplex: 'half' } as RequestInit);
    assert.equal(ok.status, 204);
    assert.deepEqual(names, ['Grace']);
    const replay = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'webhook-timestamp': '1' },
      body,
    });
    assert.equal(replay.status, 400);
    assert.equal((await replay.json()).error.code, 'timestamp_too_old');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
