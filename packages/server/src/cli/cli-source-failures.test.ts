import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hookline, type ServedHookline, serve, tempDir } from './cli-test-kit.ts';

describe('hookline sources failures', () => {
  let server: ServedHookline;
  before(async () => {
    server = await serve(join(tempDir(), 'hookline.db'));
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  const api = () => ['--server', server.url, '--api-key', server.adminKey];
  const createSource = async (name: string) => {
    const created = await hookline([
      'sources',
      'create',
      ...api(),
      '--name',
      name,
      '--scheme',
      'github',
      '--secret',
      'right-secret',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    return (JSON.parse(created.stdout) as { id: string }).id;
  };
  const push = (name: string, secret: string) =>
    hookline(['send', '--source', name, ...api(), '--scheme', 'github', '--secret', secret]);

  test('a table of the latest refusals under the counts by reason; --json is the API answer', async () => {
    const source = await createSource('gh-failing');
    assert.equal((await push('gh-failing', 'wrong-secret')).code, 1);
    assert.equal((await push('gh-failing', 'wrong-secret')).code, 1);
    assert.equal((await push('gh-failing', 'right-secret')).code, 0);

    const table = await hookline(['sources', 'failures', source, ...api()]);
    assert.equal(table.code, 0, table.stderr);
    const [summary, header, ...rows] = table.stdout.trimEnd().split('\n');
    assert.match(summary ?? '', /^2 refused since \S+Z: invalid_signature 2$/);
    assert.match(header ?? '', /^AT\s+CODE\s+STATUS\s+CLIENTIP$/);
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.match(row, /^\d{4}-\d\d-\d\dT\S+Z\s+invalid_signature\s+401\s+\S*127\.0\.0\.1$/);
    }

    const json = await hookline(['sources', 'failures', source, ...api(), '--json']);
    assert.equal(json.code, 0, json.stderr);
    const body = JSON.parse(json.stdout) as {
      sourceId: string;
      total: number;
      reasons: Record<string, number>;
      recent: { code: string; status: number }[];
    };
    assert.equal(body.sourceId, source);
    assert.equal(body.total, 2);
    assert.deepEqual(body.reasons, { invalid_signature: 2 });
    assert.deepEqual(
      body.recent.map((refusal) => [refusal.code, refusal.status]),
      [
        ['invalid_signature', 401],
        ['invalid_signature', 401],
      ],
    );
  });

  test('a source nothing was refused for says so', async () => {
    const source = await createSource('gh-clean');
    const result = await hookline(['sources', 'failures', source, ...api()]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^no refused requests for ${source} since \\S+Z\\n$`));
  });

  test('misuse is exit 2; an unknown source is exit 1 with its code', async () => {
    const source = await createSource('gh-misuse');
    const usage: [string[], RegExp][] = [
      [['sources', 'failures'], /hookline sources failures needs an id/],
      [['sources', 'failures', source, 'extra'], /unexpected argument "extra"/],
      [['sources', 'failures', source, '--name', 'x'], /--name does not apply to failures/],
      [['sources', 'failures', source, '--since', '1h'], /Unknown option '--since'/],
    ];
    for (const [args, message] of usage) {
      const result = await hookline([...args, ...api()]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.match(result.stderr, /Run `hookline sources --help`/);
    }
    const missing = await hookline(['sources', 'failures', 'src_0MISSING', ...api()]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404 not_found: /);
  });
});
