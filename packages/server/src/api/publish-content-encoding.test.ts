// Compressed publish bodies: decoded (capped at the route's body limit) and stored as the JSON they hold.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as zlib from 'node:zlib';
import { bodyOf, createTestApp, errorCode, type TestApp } from '../test-support/test-app.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { publishMaxBodyBytes: 4096, batchMaxBodyBytes: 64 * 1024 } });
});
after(() => t.close());

const post = (url: string, body: Buffer, encoding: string) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { ...t.auth(t.adminKey), 'content-type': 'application/json', 'content-encoding': encoding },
    payload: body,
  });

async function storedPayload(id: string): Promise<string> {
  const message = await t.store.getMessage(id);
  return Buffer.from(message?.body ?? []).toString('utf8');
}

test('a gzip, deflate or br publish is decoded and its payload stored byte for byte', async () => {
  const payload = '{ "b":2, "a" : [1.50, "\\u00e9"] }';
  const json = `{"eventType":"order.paid","payload":${payload}}`;
  for (const [encoding, wire] of [
    ['gzip', zlib.gzipSync(json)],
    ['deflate', zlib.deflateSync(json)],
    ['br', zlib.brotliCompressSync(json)],
    ['identity', Buffer.from(json)],
  ] as const) {
    const response = await post('/v1/messages', wire, encoding);
    assert.equal(response.statusCode, 202, `${encoding}: ${response.body}`);
    assert.equal(await storedPayload(bodyOf<{ id: string }>(response).id), payload, encoding);
  }
});

test('a gzip batch is decoded against the batch limit, not the single-message one', async () => {
  const messages = Array.from({ length: 100 }, (_, i) => ({ eventType: 'order.paid', payload: { i } }));
  const json = JSON.stringify({ messages });
  assert.ok(json.length > 4096, 'larger than publishMaxBodyBytes');
  const response = await post('/v1/messages/batch', zlib.gzipSync(json), 'gzip');
  assert.equal(response.statusCode, 202, response.body);
  assert.equal(bodyOf<{ data: unknown[] }>(response).data.length, 100);
});

test('an unknown coding or a body that does not decode is 415 with Accept-Encoding; a bomb is 413', async () => {
  const json = Buffer.from('{"eventType":"order.paid","payload":{}}');
  for (const [encoding, wire] of [
    ['zstd', json],
    ['gzip, gzip, gzip, gzip', json],
    ['gzip', json],
    ['br', zlib.gzipSync(json)],
    ['gzip', zlib.gzipSync(json).subarray(0, 20)],
  ] as const) {
    const response = await post('/v1/messages', wire, encoding);
    assert.equal(response.statusCode, 415, `${encoding}: ${response.body}`);
    assert.equal(errorCode(response), 'unsupported_content_encoding');
    assert.equal(response.headers['accept-encoding'], 'gzip, deflate, br');
  }
  // 1 MiB of zeros compresses to ~1 KiB: under the wire limit, far over it once decoded.
  const bomb = zlib.gzipSync(Buffer.alloc(1024 * 1024, 0x20));
  assert.ok(bomb.length < 4096);
  const refused = await post('/v1/messages', bomb, 'gzip');
  assert.equal(refused.statusCode, 413, refused.body);
  assert.equal(errorCode(refused), 'payload_too_large');
});
