import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expectError, expectResponse, receiver } from '../test-support/recording-receiver.ts';
import { createSsrfPolicy } from './ssrf-guard.ts';
import {
  compactBody,
  createThreadedHttpClient,
  type ThreadedHttpClientOptions,
} from './threaded-http-client.ts';

const loopbackAllowed = createSsrfPolicy({ allowCidrs: ['127.0.0.1/32'] });

function client(options: Partial<ThreadedHttpClientOptions> = {}, threadModule?: URL) {
  const c = createThreadedHttpClient({ policy: loopbackAllowed, ...options }, threadModule);
  after(() => c.close());
  return c;
}

test('sends through its thread: method, headers and the exact body bytes out, status, headers and body back', async () => {
  const r = await receiver((_req, res) => {
    res.writeHead(201, { 'x-reply': 'yes' }).end('got it');
  });
  // A payload cut from a larger buffer (as publish cuts each message from a batch request) arrives as
  // itself, not with its neighbours.
  const batch = Buffer.from('[{"a":1},{"b":"ü"},{"c":3}]');
  const body = batch.subarray(9, 19);
  const c = client();
  const sends = [1, 2, 3].map((n) =>
    c.send({ url: `http://127.0.0.1:${r.port}/hook/${n}`, headers: { 'x-n': String(n) }, body }),
  );
  const results = await Promise.all(sends);
  for (const result of results) {
    const response = expectResponse(result);
    assert.equal(response.status, 201);
    assert.equal(response.headers['x-reply'], 'yes');
    assert.equal(response.body, 'got it');
  }
  assert.deepEqual(r.requests.map((q) => [q.method, q.url, q.headers['x-n'], q.body]).sort(), [
    ['POST', '/hook/1', '1', '{"b":"ü"}'],
    ['POST', '/hook/2', '2', '{"b":"ü"}'],
    ['POST', '/hook/3', '3', '{"b":"ü"}'],
  ]);
});

test('a body cut from a larger buffer crosses alone; a whole one and a string cross as they are', () => {
  const batch = Buffer.from('[{"a":1},{"b":2}]');
  const cut = compactBody(batch.subarray(9, 16));
  assert.ok(cut instanceof Uint8Array);
  assert.equal(cut.buffer.byteLength, 7, 'not the whole batch behind it');
  assert.equal(Buffer.from(cut).toString(), '{"b":2}');
  const whole = new Uint8Array([1, 2, 3]);
  assert.equal(compactBody(whole), whole);
  assert.equal(compactBody('text'), 'text');
});

test('the SSRF policy crosses to the thread: a destination it does not allow is refused and never reached', async () => {
  const canary = await receiver((_req, res) => res.end());
  const strict = client({ policy: createSsrfPolicy() });
  const error = expectError(
    await strict.send({ url: `http://127.0.0.1:${canary.port}/`, body: 'x' }),
    'ssrf_blocked',
  );
  assert.match(error.message, /loopback/);
  const named = await strict.send({ url: `http://localhost:${canary.port}/`, body: 'x' });
  expectError(named, 'ssrf_blocked');
  assert.equal(canary.connections, 0);
});

test('deadlines and aborts work across the thread: a hanging receiver times out, an abort ends as internal', async () => {
  const hanging = await receiver(() => {});
  const c = client();
  const timedOut = expectError(
    await c.send({ url: `http://127.0.0.1:${hanging.port}/`, body: 'x', timeoutMs: 100 }),
    'timeout',
  );
  assert.match(timedOut.message, /100 ms deadline/);

  const controller = new AbortController();
  const pending = c.send({ url: `http://127.0.0.1:${hanging.port}/`, body: 'x', signal: controller.signal });
  while (hanging.requests.length < 2) await nextTurn();
  controller.abort();
  const aborted = expectError(await pending, 'internal');
  assert.match(aborted.message, /aborted/);

  // Aborted before it even left this thread.
  const early = new AbortController();
  early.abort();
  const before = hanging.requests.length;
  expectError(
    await c.send({ url: `http://127.0.0.1:${hanging.port}/`, body: 'x', signal: early.signal }),
    'internal',
  );
  assert.equal(hanging.requests.length, before);
});

test('a thread that dies ends the attempts it held as internal errors, and the next send gets a new thread', async () => {
  const r = await receiver((_req, res) => res.end('ok'));
  const dying = client({}, new URL('../test-support/dying-http-thread.ts', import.meta.url));
  const lost = await Promise.all(
    [1, 2].map(() => dying.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' })),
  );
  for (const result of lost) assert.match(expectError(result, 'internal').message, /HTTP thread stopped/);

  // The real thread, after the same kind of loss, keeps serving: a closed client answers without one.
  const c = client();
  expectResponse(await c.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }));
  await c.close();
  const afterClose = expectError(await c.send({ url: `http://127.0.0.1:${r.port}/`, body: 'x' }), 'internal');
  assert.match(afterClose.message, /closed/);
});
