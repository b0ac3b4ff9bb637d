import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

describe('hookline endpoints enable | disable', () => {
  let server: ServedHookline;
  before(async () => {
    // --dev allows endpoints on loopback addresses.
    server = await serve(join(tempDir(), 'hookline.db'), ['--dev']);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const api = () => ['--server', server.url, '--api-key', server.adminKey];
  const fields = (stdout: string) =>
    Object.fromEntries(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/\s{2,}/, 2)),
    );
  const createEndpoint = async (url: string, extra: Record<string, unknown> = {}) => {
    const data = JSON.stringify({ url, eventTypes: ['nothing.routed.here'], ...extra });
    const created = await hookline(['endpoints', 'create', ...api(), '--data', data, '--json']);
    assert.equal(created.code, 0, created.stderr);
    return (JSON.parse(created.stdout) as { id: string }).id;
  };

  test('disable and enable print the endpoint as get does', async () => {
    const endpoint = await createEndpoint('http://127.0.0.1:9/hooks');
    const disabled = await hookline([
      'endpoints',
      'disable',
      endpoint,
      ...api(),
      '--reason',
      'receiver down for maintenance',
    ]);
    assert.equal(disabled.code, 0, disabled.stderr);
    const shown = fields(disabled.stdout);
    assert.equal(shown.id, endpoint);
    assert.equal(shown.disabled, 'true');
    assert.equal(shown.disabledReason, 'receiver down for maintenance');
    const got = await hookline(['endpoints', 'get', endpoint, ...api()]);
    assert.deepEqual(
      { ...fields(got.stdout), updatedAt: null },
      { ...shown, updatedAt: null },
      'the same fields as get',
    );

    const enabled = await hookline(['endpoints', 'enable', endpoint, ...api(), '--json']);
    assert.equal(enabled.code, 0, enabled.stderr);
    const body = JSON.parse(enabled.stdout) as { id: string; disabled: boolean; disabledReason: unknown };
    assert.deepEqual([body.id, body.disabled, body.disabledReason], [endpoint, false, null]);

    const byDefault = await hookline(['endpoints', 'disable', endpoint, ...api(), '--json']);
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.equal(
      (JSON.parse(byDefault.stdout) as { disabledReason: string }).disabledReason,
      'disabled by API',
    );
    const listed = await hookline(['endpoints', 'list', ...api()]);
    assert.match(listed.stdout, new RegExp(`^${endpoint}\\s.*\\strue\\s`, 'm'));
  });

  test('misuse is exit 2; what the API refuses is exit 1 with its code', async () => {
    const endpoint = await createEndpoint('http://127.0.0.1:9/hooks');
    const usage: [string[], RegExp][] = [
      [['endpoints', 'enable'], /hookline endpoints enable needs an id/],
      [['endpoints', 'disable', endpoint, 'now'], /unexpected argument "now"/],
      [['endpoints', 'enable', endpoint, '--reason', 'x'], /--reason does not apply to enable/],
      [['endpoints', 'disable', endpoint, '--data', '{}'], /--data does not apply to disable/],
      [['endpoints', 'update', endpoint, '--reason', 'x'], /--reason does not apply to update/],
    ];
    for (const [args, message] of usage) {
      const result = await hookline([...args, ...api()]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.match(result.stderr, /Run `hookline endpoints --help`/);
    }
    const refused: [string[], RegExp][] = [
      [['endpoints', 'enable', 'ep_0MISSING'], /404 not_found: /],
      [['endpoints', 'disable', 'ep_0MISSING', '--reason', 'x'], /404 not_found: /],
      [['endpoints', 'disable', endpoint, '--reason', 'x'.repeat(501)], /400 validation_failed: /],
    ];
    for (const [args, message] of refused) {
      const result = await hookline([...args, ...api()]);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });
});
