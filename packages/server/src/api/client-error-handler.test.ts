// Malformed HTTP over real sockets: what Node's parser refuses before any route runs is answered in the
// catalog's coded shape with the right status, and the connection is closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIngestKit } from '../ingest/ingest-test-kit.ts';
import { engines } from '../store/conformance/engines.ts';
import { parseRaw, rawExchange } from '../test-support/raw-http.ts';

const sqlite = engines.find((e) => e.name === 'sqlite');
if (sqlite === undefined) throw new TypeError('no sqlite engine');

test('malformed HTTP gets the coded error shape: 400 bad_request, 431 headers_too_large, then close', async () => {
  const kit = await createIngestKit(sqlite as NonNullable<typeof sqlite>);
  try {
    const source = await kit.createSource({ name: 's', verification: { scheme: 'none' } });
    const port = Number(new URL(await kit.listen()).port);
    const start = `POST ${source.ingestPath} HTTP/1.1\r\nHost: localhost\r\n`;
    const cases: [string, string, number, string][] = [
      ['bad Content-Length', `${start}Content-Length: abc\r\n\r\n{}`, 400, 'bad_request'],
      [
        'duplicate Content-Length',
        `${start}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
        400,
        'bad_request',
      ],
      [
        'Content-Length with Transfer-Encoding',
        `${start}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
        400,
        'bad_request',
      ],
      ['broken request line', 'NOT HTTP AT ALL\r\n\r\n', 400, 'bad_request'],
      [
        'oversized headers',
        `${start}X-Big: ${'a'.repeat(20 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`,
        431,
        'headers_too_large',
      ],
    ];
    for (const [name, request, status, code] of cases) {
      const response = parseRaw(await rawExchange(port, request));
      assert.equal(response.status, status, name);
      assert.deepEqual(Object.keys(response.body as object), ['error'], name);
      assert.equal((response.body as { error: { code: string } }).error.code, code, name);
      assert.equal(typeof (response.body as { error: { message: string } }).error.message, 'string');
      assert.match(response.headers, /\r\nconnection: close/, name);
      assert.match(response.headers, /\r\ncontent-type: application\/json/, name);
    }
    assert.equal((await kit.store.listMessages({ sourceId: source.id })).data.length, 0);
    // The same port still serves well-formed requests.
    const ok = await fetch(`http://127.0.0.1:${port}${source.ingestPath}`, { method: 'POST', body: '{}' });
    assert.equal(ok.status, 202);
  } finally {
    await kit.close();
  }
});
