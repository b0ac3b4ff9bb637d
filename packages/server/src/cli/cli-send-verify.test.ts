import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closedPort, hookline, tempDir } from './cli-test-kit.ts';

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
