// The slow-header cut-off over a real socket: a client that never finishes its headers is answered
// 408 request_timeout and disconnected within the headers timeout plus one connections sweep. The
// timeouts are shortened here; production uses server-timeouts.ts's HEADERS_TIMEOUT_MS and its 1 s sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createIngestKit } from '../ingest/ingest-test-kit.ts';
import { buildOpsApp } from '../ops/ops-app.ts';
import { CONNECTIONS_CHECK_INTERVAL_MS, HEADERS_TIMEOUT_MS } from '../server-timeouts.ts';
import { engines } from '../store/conformance/engines.ts';
import { parseRaw, slowHeaders } from '../test-support/raw-http.ts';

const sqlite = engines.find((e) => e.name === 'sqlite');
if (sqlite === undefined) throw new TypeError('no sqlite engine');

test('slow headers are cut within headersTimeout + one sweep, with 408 request_timeout', async () => {
  // docs/security.md promises 10 s; the sweep keeps the bound near it (Node's default sweep is 30 s).
  assert.ok(HEADERS_TIMEOUT_MS + CONNECTIONS_CHECK_INTERVAL_MS <= 11_000);
  const kit = await createIngestKit(sqlite as NonNullable<typeof sqlite>, {
    ops: { headersTimeoutMs: 400, connectionsCheckIntervalMs: 100 },
  });
  try {
    const port = Number(new URL(await kit.listen()).port);
    const { raw, elapsedMs } = await slowHeaders(port, 50);
    assert.ok(elapsedMs >= 350, `not cut before the timeout (${elapsedMs} ms)`);
    assert.ok(elapsedMs < 400 + 100 + 500, `cut within timeout + sweep, with slack (${elapsedMs} ms)`);
    const response = parseRaw(raw);
    assert.equal(response.status, 408);
    assert.deepEqual(response.body, {
      error: { code: 'request_timeout', message: 'The request headers did not arrive in time.' },
    });
  } finally {
    await kit.close();
  }
});

test("a worker's ops server cuts slow headers the same way", async () => {
  const app = await buildOpsApp({
    store: { ping: async () => ({ ok: true as const }) },
    headersTimeoutMs: 400,
    connectionsCheckIntervalMs: 100,
  });
  try {
    const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    const { raw, elapsedMs } = await slowHeaders(port, 50);
    assert.ok(elapsedMs >= 350, `not cut before the timeout (${elapsedMs} ms)`);
    assert.ok(elapsedMs < 400 + 100 + 500, `cut within timeout + sweep, with slack (${elapsedMs} ms)`);
    assert.equal(parseRaw(raw).status, 408);
  } finally {
    await app.close();
  }
});
