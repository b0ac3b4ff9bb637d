import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  apiFlags,
  createEndpointVia,
  fieldsOf,
  hookline,
  type ServedHookline,
  serve,
  startReceiver,
  tempDir,
} from './cli-test-kit.ts';

describe('hookline endpoints enable | disable | recover', () => {
  let server: ServedHookline;
  before(async () => {
    // --dev lets deliveries reach the loopback receiver.
    server = await serve(join(tempDir(), 'hookline.db'), ['--dev']);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const api = () => apiFlags(server);
  /** An endpoint on `url` (`retrySchedule: []`: one attempt, no retries). */
  const createEndpoint = (url: string, extra: Record<string, unknown> = {}) =>
    createEndpointVia(server, url, extra);

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
    const shown = fieldsOf(disabled.stdout);
    assert.equal(shown.id, endpoint);
    assert.equal(shown.disabled, 'true');
    assert.equal(shown.disabledReason, 'receiver down for maintenance');
    const got = await hookline(['endpoints', 'get', endpoint, ...api()]);
    assert.deepEqual(
      { ...fieldsOf(got.stdout), updatedAt: null },
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

  test('recover puts the exhausted deliveries of the window back in the queue', async () => {
    const receiver = await startReceiver();
    try {
      receiver.answer = 500;
      const endpoint = await createEndpoint(receiver.url, { retrySchedule: [] });
      // One attempt and no retry: the test delivery ends `exhausted`.
      const failed = await hookline(['endpoints', 'test', endpoint, ...api(), '--data', '{"n":1}']);
      assert.equal(failed.code, 1);
      const deliveryId = fieldsOf(failed.stdout).deliveryId ?? '';
      const exhausted = await hookline(['deliveries', 'get', deliveryId, ...api()]);
      assert.equal(fieldsOf(exhausted.stdout).status, 'exhausted');

      const outside = await hookline([
        'endpoints',
        'recover',
        endpoint,
        ...api(),
        '--since',
        '2020-01-01T00:00:00Z',
        '--until',
        '2020-01-02T02:00:00+02:00',
        '--json',
      ]);
      assert.equal(outside.code, 0, outside.stderr);
      assert.deepEqual(JSON.parse(outside.stdout), { recovered: 0 });

      receiver.answer = 200;
      const recovered = await hookline(['endpoints', 'recover', endpoint, ...api(), '--since', '10m']);
      assert.equal(recovered.code, 0, recovered.stderr);
      assert.equal(recovered.stdout, `recovered 1 delivery of ${endpoint}: back in the queue\n`);
      assert.equal((await receiver.received(2)).body, '{"n":1}', 'sent again');

      const again = await hookline(['endpoints', 'recover', endpoint, ...api(), '--since', '10m', '--json']);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout), { recovered: 0 }, 'no longer failed');
    } finally {
      await receiver.close();
    }
  });

  test('misuse is exit 2; what the API refuses is exit 1 with its code', async () => {
    const endpoint = await createEndpoint('http://127.0.0.1:9/hooks');
    const usage: [string[], RegExp][] = [
      [['endpoints', 'enable'], /hookline endpoints enable needs an id/],
      [['endpoints', 'disable', endpoint, 'now'], /unexpected argument "now"/],
      [['endpoints', 'enable', endpoint, '--reason', 'x'], /--reason does not apply to enable/],
      [['endpoints', 'disable', endpoint, '--data', '{}'], /--data does not apply to disable/],
      [['endpoints', 'update', endpoint, '--reason', 'x'], /--reason does not apply to update/],
      [['endpoints', 'recover'], /hookline endpoints recover needs an id/],
      [['endpoints', 'recover', endpoint], /hookline endpoints recover needs --since TIME/],
      [['endpoints', 'recover', endpoint, '--until', '1h'], /needs --since TIME/],
      [
        ['endpoints', 'recover', endpoint, '--since', 'yesterday'],
        /--since must be an RFC 3339 time .*"yesterday"/,
      ],
      [['endpoints', 'recover', endpoint, '--since', '2026-02-30T00:00:00Z'], /--since must be an RFC 3339/],
      [['endpoints', 'recover', endpoint, '--since', '2026-01-01'], /--since must be an RFC 3339/],
      [['endpoints', 'recover', endpoint, '--since', '2026-01-01T25:00:00Z'], /--since must be an RFC 3339/],
      [['endpoints', 'recover', endpoint, '--since', '1h', '--until', '1.5h'], /--until must be an RFC 3339/],
      [
        ['endpoints', 'recover', endpoint, '--since', '1h', '--until', '2h'],
        /--until \(\S+\) must be after --since/,
      ],
      [['endpoints', 'recover', endpoint, '--since', '1h', 'extra'], /unexpected argument "extra"/],
      [
        ['endpoints', 'recover', endpoint, '--since', '1h', '--grace', '1h'],
        /--grace does not apply to recover/,
      ],
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
      [['endpoints', 'recover', 'ep_0MISSING', '--since', '1h'], /404 not_found: /],
    ];
    for (const [args, message] of refused) {
      const result = await hookline([...args, ...api()]);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });
});
