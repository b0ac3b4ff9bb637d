import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

describe('hookline keys', () => {
  let server: ServedHookline;
  before(async () => {
    server = await serve(join(tempDir(), 'hookline.db'));
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const api = (key = server.adminKey) => ['--server', server.url, '--api-key', key];
  const createKey = async (name: string) => {
    const created = await hookline([
      'keys',
      'create',
      ...api(),
      '--name',
      name,
      '--scopes',
      'read',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    return JSON.parse(created.stdout) as { id: string; key: string };
  };

  test('revoke: the key stops authenticating at once and stays listed with revokedAt', async () => {
    const { id, key } = await createKey('ci');
    assert.equal((await hookline(['endpoints', 'list', ...api(key)])).code, 0);

    const revoked = await hookline(['keys', 'revoke', id, ...api()]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout, `revoked ${id}\n`);

    const refused = await hookline(['endpoints', 'list', ...api(key)]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /401 \S+: .*check --api-key/);

    const listed = await hookline(['keys', 'list', ...api(), '--json']);
    const row = (JSON.parse(listed.stdout) as { id: string; revokedAt: string | null }[]).find(
      (candidate) => candidate.id === id,
    );
    assert.ok(row?.revokedAt, 'the revoked key is listed with its revocation time');
    const table = await hookline(['keys', 'list', ...api()]);
    assert.match(table.stdout, /REVOKEDAT$/m);
    assert.match(table.stdout, new RegExp(`^${id}\\s+ci\\s+read\\s.*\\s${row.revokedAt}$`, 'm'));

    // --json prints the API's answer; revoking again keeps the first revocation time.
    const again = await hookline(['keys', 'revoke', id, ...api(), '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as { revokedAt: string }).revokedAt, row.revokedAt);
  });

  test('delete still works as the older name of revoke, with its old output', async () => {
    const { id, key } = await createKey('legacy');
    const deleted = await hookline(['keys', 'delete', id, ...api(), '--json']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(JSON.parse(deleted.stdout), { deleted: id });
    assert.equal((await hookline(['endpoints', 'list', ...api(key)])).code, 1);
  });

  test('revoke without an id, of an unknown key, or with a create flag fails and says why', async () => {
    const noId = await hookline(['keys', 'revoke', ...api()]);
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /hookline keys revoke needs an id/);
    const unknown = await hookline(['keys', 'revoke', 'key_01NOPE', ...api()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /404 /);
    const stray = await hookline(['keys', 'revoke', 'key_nope', '--name', 'x', ...api()]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--name does not apply to revoke/);
    const two = await hookline(['keys', 'revoke', 'key_a', 'key_b', ...api()]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /unexpected argument "key_b"/);
  });

  test('--help names revoke, not delete, as the verb', async () => {
    const help = await hookline(['keys', '--help']);
    assert.match(help.stdout, /^Usage: hookline keys <list\|create\|revoke> /);
    assert.match(help.stdout, /`delete` is the older name of `revoke`/);
    assert.match(help.stdout, /^ {2}hookline keys revoke key_/m);
    const top = await hookline(['--help']);
    assert.match(top.stdout, /^ {2}keys\s+list, create, revoke: API keys$/m);
  });
});
