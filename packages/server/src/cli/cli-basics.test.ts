import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closedPort, hookline } from './cli-test-kit.ts';

describe('hookline CLI basics', () => {
  test('--help lists every command with exit 0; no command is a usage error (2)', async () => {
    const help = await hookline(['--help']);
    assert.equal(help.code, 0);
    for (const name of [
      'serve',
      'config',
      'encryption',
      'send',
      'verify',
      'listen',
      'tail',
      'replay',
      'endpoints',
      'sources',
      'keys',
      'event-types',
      'messages',
      'deliveries',
    ]) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
    }
    assert.equal((await hookline([])).code, 2);
  });

  test('every command has --help with examples', async () => {
    for (const name of [
      'serve',
      'config',
      'encryption',
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
      'messages',
      'deliveries',
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
