import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, pgSkip } from '../store/postgres/test-database.ts';
import { serve, startHookline, tempDir } from './cli-test-kit.ts';

const ADMIN_KEY = 'hk_listen_record_admin_key_0123456789abcdef';

interface Delivery {
  id: string;
  endpointId: string;
  status: string;
  attemptCount: number;
}
interface Attempt {
  trigger: string;
  attemptNumber: number;
  url: string;
  responseStatus: number | null;
  responseBody: string | null;
  errorKind: string;
}

// The local app: 200, then 500 with a body, then a connection dropped without an answer, then 200 again.
let hits = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    hits++;
    if (hits === 1 || hits >= 4) response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else if (hits === 2) response.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
    else request.socket.destroy();
  });
});
let forwardTo: string;
before(async () => {
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  forwardTo = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
after(() => receiver.close());

async function recordsForwardsAsAttempts(database: string): Promise<void> {
  hits = 0;
  // PostgreSQL refuses to start without an encryption key (SQLite makes a key file); ignored where unknown.
  const server = await serve(database, [], {
    HOOKLINE_ADMIN_API_KEY: ADMIN_KEY,
    HOOKLINE_ENCRYPTION_KEY: '5c'.repeat(32),
  });
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    assert.equal(response.status, 200, path);
    return (await response.json()) as T;
  };
  const ingest = async (n: number) => {
    const response = await fetch(`${server.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'order.created', n }),
    });
    assert.equal(response.status, 202);
    return String(response.headers.get('x-hookline-message-id'));
  };
  const common = ['--server', server.url, '--forward-to', forwardTo];
  try {
    const listen = startHookline(
      ['listen', ...common, '--name', 'dev-box', '--state', join(tempDir(), 'cursor.json')],
      { HOOKLINE_API_KEY: ADMIN_KEY },
    );
    await listen.waitFor('stderr', /^Ready: .*recording as listener "dev-box"/gm);
    const ids = [await ingest(1), await ingest(2), await ingest(3)];
    await listen.waitFor('stdout', /→ /g, 3);
    // Stopping waits for the queued reports, so everything is recorded once it has exited.
    assert.equal(await listen.stop(), 0);
    assert.match(listen.stdout(), /→ 200 OK/);
    assert.match(listen.stdout(), /→ 500 Internal Server Error/);
    assert.doesNotMatch(listen.stderr(), /warning/);

    const expected = [
      { status: 'succeeded', attempt: { responseStatus: 200, errorKind: 'none', responseBody: 'ok' } },
      {
        status: 'exhausted',
        attempt: { responseStatus: 500, errorKind: 'http_status', responseBody: 'boom' },
      },
      { status: 'exhausted', attempt: { responseStatus: null, errorKind: 'reset', responseBody: null } },
    ];
    let listenerId = '';
    for (const [i, id] of ids.entries()) {
      const deliveries = await api<{ data: Delivery[] }>(`/v1/messages/${id}/deliveries`);
      const [delivery] = deliveries.data.filter((d) => d.endpointId.startsWith('lsn_'));
      assert.ok(delivery, `message ${i + 1} has a listener delivery`);
      listenerId = delivery.endpointId;
      assert.equal(delivery.status, expected[i]?.status);
      const attempts = await api<{ data: Attempt[] }>(`/v1/deliveries/${delivery.id}/attempts`);
      assert.equal(attempts.data.length, 1);
      const [attempt] = attempts.data;
      assert.deepEqual(
        {
          responseStatus: attempt?.responseStatus,
          errorKind: attempt?.errorKind,
          responseBody: attempt?.responseBody,
        },
        expected[i]?.attempt,
      );
      assert.equal(attempt?.trigger, 'cli');
      assert.equal(attempt?.url, forwardTo);
    }
    const listeners = await api<{ data: { id: string; name: string; forwardUrl: string }[] }>(
      '/v1/listeners',
    );
    assert.deepEqual(
      listeners.data.map((l) => [l.id, l.name, l.forwardUrl]),
      [[listenerId, 'dev-box', forwardTo]],
    );

    // --no-record forwards without reporting.
    const quiet = startHookline(['listen', ...common, '--no-record', '--state', join(tempDir(), 'c.json')], {
      HOOKLINE_API_KEY: ADMIN_KEY,
    });
    await quiet.waitFor('stderr', /^Ready: .*not recording/gm);
    const unrecorded = await ingest(4);
    await quiet.waitFor('stdout', /→ 200 OK/g);
    assert.equal(await quiet.stop(), 0);
    const deliveries = await api<{ data: Delivery[] }>(`/v1/messages/${unrecorded}/deliveries`);
    assert.deepEqual(deliveries.data, []);
  } finally {
    assert.equal(await server.stop(), 0);
  }
}

test('listen records each forward as a cli attempt: 200, 500 and a dropped connection (SQLite)', async () => {
  await recordsForwardsAsAttempts(join(tempDir(), 'hookline.db'));
});

test('the same on PostgreSQL', { skip: pgSkip }, async () => {
  const database = await createTestDatabase(undefined, 'cli_listen_record');
  try {
    await recordsForwardsAsAttempts(database.url);
  } finally {
    await database.drop();
  }
});
