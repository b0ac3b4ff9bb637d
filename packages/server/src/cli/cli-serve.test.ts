import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

describe('hookline serve and the API commands', () => {
  let server: ServedHookline;
  let dir: string;
  before(async () => {
    dir = tempDir();
    // --dev lets deliveries reach the loopback receiver of the replay test.
    server = await serve(join(dir, 'hookline.db'), ['--dev']);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const api = () => ['--server', server.url, '--api-key', server.adminKey];

  test('the first start prints the admin key and the seeds’ curl, and POST /webhook answers 202 {"ok":true}', async () => {
    assert.match(server.adminKey, /^hk_/);
    assert.match(server.output(), /curl -X POST http:\/\/127\.0\.0\.1:\d+\/webhook/);
    const response = await fetch(`${server.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event": "user_signed_up", "user": "john_doe"}',
    });
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { ok: true });
  });

  test('endpoints create/list/get/update/delete, table and --json', async () => {
    const created = await hookline([
      'endpoints',
      'create',
      ...api(),
      '--url',
      'https://example.com/hooks',
      '--events',
      'invoice.*,user.created',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const endpoint = JSON.parse(created.stdout) as { id: string; secret: string; eventTypes: string[] };
    assert.match(endpoint.secret, /^whsec_/);
    assert.deepEqual(endpoint.eventTypes, ['invoice.*', 'user.created']);

    const table = await hookline(['endpoints', 'list', ...api()]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+URL\s+EVENTTYPES/);
    assert.match(
      table.stdout,
      new RegExp(`^${endpoint.id}\\s+https://example\\.com/hooks\\s+invoice\\.\\*,user\\.created`, 'm'),
    );

    const updated = await hookline([
      'endpoints',
      'update',
      endpoint.id,
      ...api(),
      '--description',
      'billing',
      '--json',
    ]);
    assert.equal(updated.code, 0, updated.stderr);
    assert.equal((JSON.parse(updated.stdout) as { description: string }).description, 'billing');

    assert.equal((await hookline(['endpoints', 'delete', endpoint.id, ...api()])).code, 0);
    const gone = await hookline(['endpoints', 'get', endpoint.id, ...api()]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /404 /);
  });

  test('sources, keys and event-types', async () => {
    const source = await hookline([
      'sources',
      'create',
      ...api(),
      '--name',
      'gh',
      '--scheme',
      'github',
      '--secret',
      's3cret',
    ]);
    assert.equal(source.code, 0, source.stderr);
    const sources = await hookline(['sources', 'list', ...api()]);
    assert.match(sources.stdout, /^src_\S+\s+gh\s+github\s+\/in\//m);
    const key = await hookline([
      'keys',
      'create',
      ...api(),
      '--name',
      'ci',
      '--scopes',
      'publish,read',
      '--json',
    ]);
    assert.equal(key.code, 0, key.stderr);
    assert.match((JSON.parse(key.stdout) as { key: string }).key, /^hk_/);
    const eventType = await hookline(['event-types', 'create', ...api(), '--name', 'invoice.paid']);
    assert.equal(eventType.code, 0, eventType.stderr);
    const types = await hookline(['event-types', 'list', ...api(), '--json']);
    assert.deepEqual(
      (JSON.parse(types.stdout) as { name: string }[]).map((t) => t.name),
      ['invoice.paid'],
    );
    const noGet = await hookline(['keys', 'get', 'key_x', ...api()]);
    assert.equal(noGet.code, 2);
  });

  test('tail --json prints each new message as one JSON line', async () => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'bin.ts'), 'tail', '--json', '--events', 'tail.*', ...api()],
      {
        env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    const line = new Promise<string>((done) =>
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) done(stdout.split('\n')[0] ?? '');
      }),
    );
    await new Promise<void>((done) =>
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('Tailing: from now')) done();
      }),
    );
    for (const eventType of ['other.thing', 'tail.seen']) {
      const response = await fetch(`${server.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ eventType, payload: { x: 1 } }),
      });
      assert.equal(response.status, 202);
    }
    const message = JSON.parse(await line) as { eventType: string; bodyBase64: string };
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(message.eventType, 'tail.seen');
    assert.equal(Buffer.from(message.bodyBase64, 'base64').toString(), '{"x":1}');
  });

  test('replay resends a message to its endpoint; --dry-run sends nothing; a window dry run lists failures', async () => {
    const hits: string[] = [];
    let onHit: (() => void) | null = null;
    const receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        hits.push(String(request.headers['webhook-id']));
        response.writeHead(200).end();
        onHit?.();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const hit = (count: number) =>
      new Promise<void>((done) => {
        onHit = () => hits.length >= count && done();
        onHit();
      });
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
      const created = await hookline([
        'endpoints',
        'create',
        ...api(),
        '--url',
        target,
        '--events',
        'replay.*',
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const endpointId = (JSON.parse(created.stdout) as { id: string }).id;
      const published = await fetch(`${server.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: '{"eventType":"replay.me","payload":{"a":1}}',
      });
      const messageId = ((await published.json()) as { id: string }).id;
      await hit(1);

      const dry = await hookline(['replay', messageId, ...api(), '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`^would resend ${messageId} → ${endpointId}$`, 'm'));
      assert.equal(hits.length, 1);

      const replayed = await hookline(['replay', messageId, ...api()]);
      assert.equal(replayed.code, 0, replayed.stdout + replayed.stderr);
      assert.match(replayed.stdout, /^\[#{20}\] 1\/1 msg_\S+ → ep_\S+: 200$/m);
      assert.match(replayed.stdout, /^done: 1 succeeded, 0 failed of 1$/m);
      await hit(2);
      assert.equal(hits[1], hits[0], 'the resend carries the same webhook-id');

      const window = await hookline([
        'replay',
        '--endpoint',
        endpointId,
        '--since',
        '1h',
        '--dry-run',
        ...api(),
      ]);
      assert.equal(window.code, 0, window.stderr);
      assert.match(window.stdout, /^dry run: 0 deliveries of ep_\S+ since \S+ would be recovered$/m);
      const badTime = await hookline(['replay', '--endpoint', endpointId, '--since', 'yesterday', ...api()]);
      assert.equal(badTime.code, 2);
      // Date.parse would roll 30 February over into March and recover a window nobody asked for.
      const rolled = await hookline([
        'replay',
        '--endpoint',
        endpointId,
        '--since',
        '2026-02-30T00:00:00Z',
        ...api(),
      ]);
      assert.equal(rolled.code, 2, rolled.stderr);
      assert.match(rolled.stderr, /--since must be an RFC 3339 time/);
      const backwards = await hookline([
        'replay',
        '--endpoint',
        endpointId,
        '--since',
        '1h',
        '--until',
        '2h',
        ...api(),
      ]);
      assert.equal(backwards.code, 2, backwards.stderr);
      assert.match(backwards.stderr, /--until .* must be after --since/);
    } finally {
      receiver.close();
    }
  });

  test('send --source signs with the source’s scheme; a wrong secret is refused and exits 1', async () => {
    const good = await hookline([
      'send',
      '--source',
      'gh',
      ...api(),
      '--secret',
      's3cret',
      '--header',
      'X-GitHub-Event: push',
      '--json',
    ]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    const exchange = JSON.parse(good.stdout) as {
      request: { scheme: string; headers: Record<string, string> };
      response: { status: number };
    };
    assert.equal(exchange.request.scheme, 'github');
    assert.match(exchange.request.headers['x-hub-signature-256'] ?? '', /^sha256=[0-9a-f]{64}$/);
    assert.equal(exchange.response.status, 202);
    const bad = await hookline(['send', '--source', 'gh', ...api(), '--secret', 'wrong']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^< 401 /m);
  });
});
