// GET /v1/messages/{id} for an inbound body that came compressed: stored and forwarded as it came, shown
// decoded, with the coding named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { createTestApp, type TestApp } from '../test-support/test-app.ts';

async function stored(
  t: TestApp,
  body: Uint8Array,
  headers: Record<string, string>,
  sourceId: string | null,
) {
  const outcome = await t.store.insertMessage({
    eventType: 'issues.opened',
    contentType: 'application/json',
    body,
    headers,
    sourceId,
    deliveries: [],
  });
  return outcome.message.id;
}

async function shown(t: TestApp, id: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/messages/${id}`,
    headers: t.auth(t.adminKey),
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as { contentEncoding: string | null; payload: unknown; body: string | null };
}

test('a compressed inbound body is shown decoded, whatever its coding, and named by contentEncoding', async () => {
  const t = await createTestApp();
  try {
    const json = JSON.stringify({ action: 'opened', issue: { number: 7 } });
    const cases: [string, Buffer][] = [
      ['gzip', zlib.gzipSync(json)],
      ['x-gzip', zlib.gzipSync(json)],
      ['deflate', zlib.deflateSync(json)],
      ['deflate', zlib.deflateRawSync(json)],
      ['br', zlib.brotliCompressSync(json)],
      ['deflate, gzip', zlib.gzipSync(zlib.deflateSync(json))],
    ];
    for (const [coding, wire] of cases) {
      const id = await stored(t, wire, { 'content-encoding': coding }, 'src_1');
      const message = await shown(t, id);
      assert.equal(message.contentEncoding, coding);
      assert.deepEqual(message.payload, { action: 'opened', issue: { number: 7 } }, coding);
      assert.equal(message.body, null);
      // What is stored (and forwarded) is still the wire bytes.
      assert.deepEqual(Buffer.from((await t.store.getMessage(id))?.body ?? []), wire);
    }

    // Text that is not JSON is shown as text once decoded.
    const text = await shown(
      t,
      await stored(t, zlib.gzipSync('a=1&b=2'), { 'content-encoding': 'gzip' }, 'src_1'),
    );
    assert.equal(text.body, 'a=1&b=2');
    assert.equal(text.payload, null);
  } finally {
    await t.close();
  }
});

test('a body that does not decode as its coding says is shown as stored; published messages have no coding', async () => {
  const t = await createTestApp();
  try {
    const corrupt = await shown(
      t,
      await stored(t, Buffer.from('{"not":"gzip"}'), { 'content-encoding': 'gzip' }, 'src_1'),
    );
    assert.equal(corrupt.contentEncoding, 'gzip');
    assert.deepEqual(corrupt.payload, { not: 'gzip' });

    const published = await shown(t, await stored(t, Buffer.from('{"a":1}'), {}, null));
    assert.equal(published.contentEncoding, null);
    assert.deepEqual(published.payload, { a: 1 });
  } finally {
    await t.close();
  }
});
