import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiFlags, fieldsOf, hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

interface CreatedSource {
  id: string;
  ingestPath: string;
  handshake: unknown;
}

describe('hookline sources --handshake', () => {
  let server: ServedHookline;
  before(async () => {
    server = await serve(join(tempDir(), 'hookline.db'));
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const sources = async (args: string[]) => {
    const result = await hookline(['sources', ...args, ...apiFlags(server)]);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  test('create sets it, update switches it, --data null clears it; the source answers accordingly', async () => {
    const created = JSON.parse(
      await sources([
        'create',
        '--name',
        'whatsapp',
        '--scheme',
        'token',
        '--handshake',
        'meta',
        '--verify-token',
        'my-verify-token',
        '--json',
      ]),
    ) as CreatedSource;
    assert.deepEqual(created.handshake, { kind: 'meta', verifyToken: 'my-verify-token' });
    const ingest = `${server.url}${created.ingestPath}`;
    const meta = await fetch(
      `${ingest}?hub.mode=subscribe&hub.challenge=c-1&hub.verify_token=my-verify-token`,
    );
    assert.equal(meta.status, 200);
    assert.equal(await meta.text(), 'c-1');

    const shown = fieldsOf(await sources(['get', created.id]));
    assert.equal(shown.handshake, '{"kind":"meta","verifyToken":"my-verify-token"}');

    const switched = fieldsOf(await sources(['update', created.id, '--handshake', 'dropbox']));
    assert.equal(switched.handshake, '{"kind":"dropbox"}', 'the whole handshake is replaced');
    const dropbox = await fetch(`${ingest}?challenge=c-2`);
    assert.equal(dropbox.status, 200);
    assert.equal(await dropbox.text(), 'c-2');

    const cleared = JSON.parse(
      await sources(['update', created.id, '--data', '{"handshake":null}', '--json']),
    ) as CreatedSource;
    assert.equal(cleared.handshake, null);
    assert.equal((await fetch(`${ingest}?challenge=c-3`)).status, 405);
  });

  test('x needs the hmac scheme and requireJson: the API refuses otherwise (exit 1), and takes it with both', async () => {
    const hmac = '{"verification":{"header":"x-twitter-webhooks-signature","encoding":"base64"}}';
    const refusals: [string[], RegExp][] = [
      [['--scheme', 'token', '--handshake', 'x'], /400 validation_failed: handshake: .*hmac scheme/],
      [['--scheme', 'token', '--handshake', 'zoom'], /400 validation_failed: handshake: .*hmac scheme/],
      [
        ['--scheme', 'hmac', '--handshake', 'x', '--data', hmac],
        /400 validation_failed: handshake: .*requireJson/,
      ],
      [['--scheme', 'token', '--handshake', 'meta'], /400 validation_failed: handshake\.verifyToken/],
      [['--scheme', 'token', '--handshake', 'slack'], /400 validation_failed: handshake\.kind/],
    ];
    for (const [flags, message] of refusals) {
      const result = await hookline(['sources', 'create', '--name', 'x', ...flags, ...apiFlags(server)]);
      assert.equal(result.code, 1, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, flags.join(' '));
    }
    const x = JSON.parse(
      await sources([
        'create',
        '--name',
        'x',
        '--scheme',
        'hmac',
        '--secret',
        'consumer-secret',
        '--handshake',
        'x',
        '--data',
        '{"requireJson":true,"verification":{"header":"x-twitter-webhooks-signature","encoding":"base64"}}',
        '--json',
      ]),
    ) as CreatedSource;
    assert.deepEqual(x.handshake, { kind: 'x' });
    const crc = await fetch(`${server.url}${x.ingestPath}?crc_token=abc`);
    assert.equal(crc.status, 200);
    assert.match(await crc.text(), /^\{"response_token":"sha256=[A-Za-z0-9+/]+=*"\}$/);
  });

  test('--help lists the flags; they apply to create and update only', async () => {
    const help = await hookline(['sources', '--help']);
    assert.match(help.stdout, /--handshake {7}provider handshake to answer: meta, x, zoom/);
    assert.match(help.stdout, /--verify-token {4}meta: /);
    assert.match(help.stdout, /--data '\{"handshake":null\}'/);
    const misuse = await hookline(['sources', 'get', 'src_1', '--handshake', 'meta', ...apiFlags(server)]);
    assert.equal(misuse.code, 2);
    assert.match(misuse.stderr, /--handshake does not apply to get/);
  });
});
