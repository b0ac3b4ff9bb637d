// Body limits and timeouts over real sockets: 413 as soon as the source's limit is passed (whatever
// Content-Length says), 408 for a body that stops arriving; nothing stored in either case.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { engines } from '../store/conformance/engines.ts';
import { type CreatedSource, createIngestKit, type IngestKit } from './ingest-test-kit.ts';

const sqlite = engines.find((e) => e.name === 'sqlite');
if (sqlite === undefined) throw new TypeError('no sqlite engine');

let kit: IngestKit;
let port: number;
let source: CreatedSource;
const LIMIT = 64 * 1024;

before(async () => {
  kit = await createIngestKit(sqlite, { config: { bodyTimeoutMs: 300 } });
  port = Number(new URL(await kit.listen()).port);
  source = await kit.createSource({ name: 'small', verification: { scheme: 'none' }, maxBodyBytes: LIMIT });
});
after(() => kit.close());

/** Opens a socket, writes `head`, and resolves with the status line's code once a response starts. */
function open(head: string): {
  socket: Socket;
  status: Promise<number>;
  write(data: string | Buffer): Promise<void>;
} {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  const status = new Promise<number>((resolve, reject) => {
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match?.[1]) resolve(Number(match[1]));
    });
    socket.on('close', () => reject(new Error(`closed without a response: ${received}`)));
  });
  socket.write(head);
  return {
    socket,
    status,
    write: (data) => new Promise((resolve) => socket.write(data, () => resolve())),
  };
}

async function storedCount(): Promise<number> {
  return (await kit.store.listMessages({ sourceId: source.id })).data.length;
}

test('a Content-Length above the limit is refused before any body byte is sent', async () => {
  const request = open(
    `POST ${source.ingestPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n`,
  );
  assert.equal(await request.status, 413);
  request.socket.destroy();
  assert.equal(await storedCount(), 0);
});

test('a chunked body is counted while it streams: 413 once past the limit, without waiting for its end', async () => {
  const request = open(
    `POST ${source.ingestPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  const chunk = Buffer.alloc(16 * 1024, 0x61);
  // One byte more than the limit, and the body is never terminated: only counting can answer 413 here
  // (waiting for the end would give 408 after the body timeout instead).
  for (let sent = 0; sent <= LIMIT; sent += chunk.length) {
    await request.write(`${chunk.length.toString(16)}\r\n`);
    await request.write(chunk);
    await request.write('\r\n');
  }
  await request.write('1\r\na\r\n');
  assert.equal(await request.status, 413);
  request.socket.destroy();
  assert.equal(await storedCount(), 0);
});

test('a Content-Length that promises more than arrives ends in 408, not a hang', async () => {
  const request = open(
    `POST ${source.ingestPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"partial":`,
  );
  assert.equal(await request.status, 408);
  request.socket.destroy();
  assert.equal(await storedCount(), 0);
});

test('a body exactly at the limit is accepted', async () => {
  const body = `"${'a'.repeat(LIMIT - 2)}"`;
  const request = open(
    `POST ${source.ingestPath} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  assert.equal(await request.status, 202);
  request.socket.destroy();
  assert.equal(await storedCount(), 1);
});

test('a refused request with a body is answered at once and its connection closed, not drained', {
  timeout: 10_000,
}, async () => {
  const request = open(
    'POST /in/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{',
  );
  assert.equal(await request.status, 404);
  await once(request.socket, 'close');
});
