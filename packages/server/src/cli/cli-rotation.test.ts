import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { apiFlags, fieldsOf, hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

describe('hookline sources rotate-token | rotate-secret, endpoints rotate-secret', () => {
  let server: ServedHookline;
  before(async () => {
    // --dev lets deliveries reach the loopback receiver of the endpoint test.
    server = await serve(join(tempDir(), 'hookline.db'), ['--dev']);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const api = () => apiFlags(server);
  const createSource = async (name: string, scheme: string, secret?: string) => {
    const flags = ['--name', name, '--scheme', scheme, ...(secret ? ['--secret', secret] : [])];
    const created = await hookline(['sources', 'create', ...api(), ...flags, '--json']);
    assert.equal(created.code, 0, created.stderr);
    return JSON.parse(created.stdout) as { id: string; ingestPath: string };
  };
  /** A GitHub-signed push sent to `target` (a URL or `--source NAME`); resolves to send's exit code. */
  const push = async (target: string, secret: string) => {
    const where = target.startsWith('http') ? [target] : ['--source', target];
    const sent = await hookline([
      'send',
      ...where,
      ...api(),
      '--scheme',
      'github',
      '--secret',
      secret,
      '--header',
      'X-GitHub-Event: push',
    ]);
    return sent.code;
  };

  test('rotate-token prints the new ingest URL; the old one stops answering, the new one verifies', async () => {
    const source = await createSource('gh-token', 'github', 's3cret-token');
    const oldUrl = `${server.url}${source.ingestPath}`;
    assert.equal(await push(oldUrl, 's3cret-token'), 0);

    const rotated = await hookline(['sources', 'rotate-token', source.id, ...api()]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const shown = fieldsOf(rotated.stdout);
    assert.equal(shown.id, source.id);
    assert.equal(shown.name, 'gh-token');
    assert.match(shown.ingestUrl ?? '', new RegExp(`^${server.url}/in/\\S+$`));
    assert.notEqual(shown.ingestUrl, oldUrl);
    assert.match(rotated.stderr, /previous ingest URL no longer answers/);

    const old = await fetch(oldUrl, { method: 'POST', body: '{}' });
    assert.equal(old.status, 404);
    assert.equal(await push(oldUrl, 's3cret-token'), 1);
    assert.equal(await push(shown.ingestUrl ?? '', 's3cret-token'), 0);

    const json = await hookline(['sources', 'rotate-token', source.id, ...api(), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout) as { ingestPath: string; ingestUrl: string; secretCount: number };
    assert.equal(body.ingestUrl, `${server.url}${body.ingestPath}`);
    assert.notEqual(body.ingestUrl, shown.ingestUrl);
    assert.equal(body.secretCount, 1);
  });

  test('rotate-secret: --secret becomes current, old ones verify for --grace; --grace 0 ends them now', async () => {
    const source = await createSource('gh-secret', 'github', 'first-secret');
    const rotated = await hookline([
      'sources',
      'rotate-secret',
      source.id,
      ...api(),
      '--secret',
      'second-secret',
      '--grace',
      '1h',
    ]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.deepEqual(fieldsOf(rotated.stdout), {
      id: source.id,
      name: 'gh-secret',
      secret: 'second-secret',
      secretCount: '2',
      previousSecretsVerifyFor: '1h',
    });
    assert.equal(await push('gh-secret', 'second-secret'), 0);
    assert.equal(await push('gh-secret', 'first-secret'), 0, 'the old secret verifies during the grace');

    // No --secret: github lets Hookline generate one.
    const cut = await hookline(['sources', 'rotate-secret', source.id, ...api(), '--grace', '0', '--json']);
    assert.equal(cut.code, 0, cut.stderr);
    const body = JSON.parse(cut.stdout) as { secret: string; secretCount: number };
    assert.match(body.secret, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.secretCount, 1, 'every previous secret stops verifying now');
    assert.equal(await push('gh-secret', body.secret), 0);
    assert.equal(await push('gh-secret', 'second-secret'), 1);
    assert.equal(await push('gh-secret', 'first-secret'), 1);
  });

  test('rotate-secret refuses what the API or the flags cannot take, with the right exit code', async () => {
    const stripe = await createSource('stripe-rot', 'stripe', 'whsec_fromstripe');
    const noSecret = await hookline(['sources', 'rotate-secret', stripe.id, ...api()]);
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /400 invalid_secret: .*provider gave you/);
    const tooLong = await hookline(['sources', 'rotate-secret', stripe.id, ...api(), '--grace', '8d']);
    assert.equal(tooLong.code, 1);
    assert.match(tooLong.stderr, /400 validation_failed: .*graceSeconds/);
    for (const flags of [['--grace', 'soon'], ['--grace', '1.5h'], ['--grace=-1']]) {
      const bad = await hookline(['sources', 'rotate-secret', stripe.id, ...api(), ...flags]);
      assert.equal(bad.code, 2, flags.join(' '));
      assert.match(bad.stderr, /--grace must be like 0, 90s, 30m, 24h or 7d/);
    }
    const stray = await hookline(['sources', 'update', stripe.id, ...api(), '--grace', '1h']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--grace does not apply to update/);
    const noId = await hookline(['sources', 'rotate-token', ...api()]);
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /hookline sources rotate-token needs an id/);
  });

  test('endpoints rotate-secret: deliveries are signed with the new and, for --grace, the old secret', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const waiters: (() => void)[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(200).end();
        for (const wake of waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const delivered = async (count: number) => {
      while (received.length < count) await new Promise<void>((wake) => waiters.push(wake));
      return received[count - 1] as { headers: IncomingHttpHeaders; body: string };
    };
    const publish = async () => {
      const response = await fetch(`${server.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: '{"eventType":"rotation.check","payload":{"n":1}}',
      });
      assert.equal(response.status, 202);
    };
    const verifies = (secret: string, delivery: { headers: IncomingHttpHeaders; body: string }) => {
      try {
        new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;
      const created = await hookline([
        'endpoints',
        'create',
        ...api(),
        '--url',
        target,
        '--events',
        'rotation.*',
        '--json',
      ]);
      assert.equal(created.code, 0, created.stderr);
      const endpoint = JSON.parse(created.stdout) as { id: string; secret: string };

      const before = Date.now();
      const rotated = await hookline(['endpoints', 'rotate-secret', endpoint.id, ...api(), '--grace', '2h']);
      assert.equal(rotated.code, 0, rotated.stderr);
      const shown = fieldsOf(rotated.stdout);
      assert.equal(shown.id, endpoint.id);
      assert.match(shown.secret ?? '', /^whsec_/);
      assert.notEqual(shown.secret, endpoint.secret);
      const expires = Date.parse(shown.previousSecretExpiresAt ?? '');
      assert.ok(
        expires >= before + 7_200_000 && expires <= Date.now() + 7_200_000,
        `${shown.previousSecretExpiresAt} is 2 h from now`,
      );

      await publish();
      const first = await delivered(1);
      assert.ok(verifies(shown.secret ?? '', first), 'signed with the new secret');
      assert.ok(verifies(endpoint.secret, first), 'and, during the grace, with the old one');

      const given = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
      const json = await hookline([
        'endpoints',
        'rotate-secret',
        endpoint.id,
        ...api(),
        '--secret',
        given,
        '--grace',
        '0',
        '--json',
      ]);
      assert.equal(json.code, 0, json.stderr);
      const body = JSON.parse(json.stdout) as { secret: string; previousSecretExpiresAt: string };
      assert.equal(body.secret, given);
      await publish();
      const second = await delivered(2);
      assert.ok(verifies(given, second));
      assert.ok(!verifies(shown.secret ?? '', second), '--grace 0 retired the secret it replaced');

      const wrongShape = await hookline([
        'endpoints',
        'rotate-secret',
        endpoint.id,
        ...api(),
        '--secret',
        'x',
      ]);
      assert.equal(wrongShape.code, 1);
      assert.match(wrongShape.stderr, /400 (invalid_secret|validation_failed): /);
    } finally {
      receiver.close();
    }
  });
});
