import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closedPort, hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

describe('hookline CLI basics', () => {
  test('--help lists every command with exit 0; no command is a usage error (2)', async () => {
    const help = await hookline(['--help']);
    assert.equal(help.code, 0);
    for (const name of [
      'serve',
      'config',
      'send',
      'verify',
      'listen',
      'tail',
      'replay',
      'endpoints',
      'sources',
      'keys',
      'event-types',
    ]) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
    }
    assert.equal((await hookline([])).code, 2);
  });

  test('every command has --help with examples', async () => {
    for (const name of [
      'serve',
      'config',
      'send',
      'trigger',
      'verify',
      'listen',
      'tail',
      'replay',
      'endpoints',
      'sources',
      'keys',
      'event-types',
    ]) {
      const result = await hookline([name, '--help']);
      assert.equal(result.code, 0, name);
      assert.match(result.stdout, /^Usage: hookline /, name);
      assert.match(result.stdout, /Examples:\n {2}hookline /, name);
    }
  });

  test('an unknown command or flag exits 2 and says what to run', async () => {
    const unknown = await hookline(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const badFlag = await hookline(['endpoints', 'list', '--bogus']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--bogus[\s\S]*hookline endpoints --help/);
  });

  test('NO_COLOR output carries no escape codes', async () => {
    const result = await hookline(['frobnicate']);
    assert.ok(!result.stderr.includes('\u001b['), result.stderr);
  });

  test('config prints the effective config with secrets masked and layers named', async () => {
    const result = await hookline(['config', '--port', '9001', '--json'], {
      env: { HOOKLINE_ADMIN_API_KEY: 'hk_supersecretvalue_0123456789abcdef' },
    });
    assert.equal(result.code, 0, result.stderr);
    const config = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(config.port, 9001);
    assert.equal(config.adminApiKey, '********');
    assert.doesNotMatch(result.stdout, /supersecret/);
    const text = await hookline(['config', '--port', '9001']);
    assert.match(text.stdout, /^port\s+9001\s+\(flag\)$/m);
    const invalid = await hookline(['config', '--port', 'abc']);
    assert.equal(invalid.code, 2);
  });

  test('API commands without a key or server say what to do', async () => {
    const noKey = await hookline(['endpoints', 'list'], { env: {} });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--api-key/);
    const port = await closedPort();
    const down = await hookline([
      'endpoints',
      'list',
      '--server',
      `http://127.0.0.1:${port}`,
      '--api-key',
      'hk_x',
    ]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  });
});

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

describe('hookline send and verify against a local receiver', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  let received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) });
      const status = request.url === '/teapot' ? 418 : 200;
      response.writeHead(status, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  let url: string;
  before(async () => {
    await new Promise<void>((resolvePromise) => receiver.listen(0, '127.0.0.1', resolvePromise));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });
  after(() => receiver.close());

  test('send prints request and response; verify accepts the saved request and explains a wrong secret', async () => {
    received = [];
    const dir = tempDir();
    writeFileSync(join(dir, 'event.json'), '{"type":"invoice.paid","data":{"amount": 4200}}');
    const sent = await hookline([
      'trigger',
      url,
      '--secret',
      secret,
      '--data',
      `@${join(dir, 'event.json')}`,
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.match(sent.stdout, /^> POST http:\/\/127\.0\.0\.1:\d+\/hooks {2}\(scheme standard-webhooks\)$/m);
    assert.match(sent.stdout, /^> webhook-signature: v1,/m);
    assert.match(sent.stdout, /^< 200 OK/m);
    assert.match(sent.stdout, /^thanks$/m);
    const [request] = received;
    assert.ok(request);
    assert.equal(request.body.toString(), '{"type":"invoice.paid","data":{"amount": 4200}}');

    const headerLines = Object.entries(request.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n');
    writeFileSync(join(dir, 'headers.txt'), `POST /hooks HTTP/1.1\n${headerLines}\n`);
    writeFileSync(join(dir, 'body.json'), request.body);
    const files = ['--headers', join(dir, 'headers.txt'), '--body', join(dir, 'body.json')];
    const ok = await hookline(['verify', '--scheme', 'standard-webhooks', '--secret', secret, ...files]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^valid: standard-webhooks signature verified \(id msg_/);

    const raw = Buffer.concat([
      Buffer.from(`POST /hooks HTTP/1.1\r\n${headerLines.replaceAll('\n', '\r\n')}\r\n\r\n`),
      request.body,
    ]);
    const piped = await hookline(['verify', '--scheme', 'standard-webhooks', '--secret', secret, '--json'], {
      stdin: raw,
    });
    assert.equal(piped.code, 0, piped.stdout + piped.stderr);
    assert.equal((JSON.parse(piped.stdout) as { ok: boolean }).ok, true);

    const wrong = await hookline([
      'verify',
      '--scheme',
      'standard-webhooks',
      '--secret',
      'whsec_dGVzdHRlc3R0ZXN0dGVzdA==',
      ...files,
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /^invalid: invalid_signature: /m);
    assert.match(wrong.stdout, /^hint: the secret or the bytes differ/m);

    writeFileSync(join(dir, 'body.json'), `${request.body.toString()}\n`);
    const edited = await hookline(['verify', '--scheme', 'standard-webhooks', '--secret', secret, ...files]);
    assert.equal(edited.code, 1);
    assert.match(edited.stdout, /invalid_signature/);

    const wrongScheme = await hookline(['verify', '--scheme', 'stripe', '--secret', secret, ...files]);
    assert.equal(wrongScheme.code, 1);
    assert.match(wrongScheme.stdout, /^invalid: missing_header: [\s\S]*hint: .*--scheme/m);
  });

  test('send reports a non-2xx response with exit 1 and a refused connection clearly', async () => {
    const closed = await closedPort();
    const refused = await hookline(['send', `http://127.0.0.1:${closed}/x`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`POST http://127\\.0\\.0\\.1:${closed}/x failed: ECONNREFUSED`));
    const teapot = await hookline(['send', url.replace('/hooks', '/teapot')]);
    assert.equal(teapot.code, 1);
    assert.match(teapot.stdout, /^< 418 /m);
    const notUrl = await hookline(['send', 'localhost:3000']);
    assert.equal(notUrl.code, 2);
    const badScheme = await hookline(['send', url, '--scheme', 'nope']);
    assert.equal(badScheme.code, 2);
    assert.match(badScheme.stderr, /unknown scheme "nope": use one of standard-webhooks/);
  });
});
