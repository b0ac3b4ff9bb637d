import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { rawBytes } from './raw-body.ts';

test('rawBytes accepts strings, any byte view and ArrayBuffers, also from another realm', () => {
  const expected = new TextEncoder().encode('hi');
  assert.deepEqual(rawBytes('hi'), expected);
  assert.deepEqual(rawBytes(Buffer.from('hi')), expected);
  assert.deepEqual(rawBytes(new DataView(expected.buffer)), expected);
  assert.deepEqual(rawBytes(expected.buffer), expected);
  const foreign = runInNewContext('new Uint8Array([104, 105])') as Uint8Array;
  assert.deepEqual(rawBytes(foreign), expected);
  const foreignBuffer = runInNewContext('new Uint8Array([104, 105]).buffer') as ArrayBuffer;
  assert.deepEqual(rawBytes(foreignBuffer), expected);
  const shared = new Uint8Array(new SharedArrayBuffer(2));
  shared.set(expected);
  assert.deepEqual(rawBytes(shared), expected);
  assert.equal((rawBytes({}) as { code: string }).code, 'body_not_raw');
});

test('library code imports no node: module and uses no Node global (only the Node adapter may)', () => {
  const root = import.meta.dirname;
  const files = (readdirSync(root, { recursive: true }) as string[]).filter(
    // native-hmac.ts only feature-detects `process.getBuiltinModule` and falls back to Web Crypto.
    (f) =>
      f.endsWith('.ts') &&
      !f.endsWith('.test.ts') &&
      f !== join('adapters', 'node-middleware.ts') &&
      f !== 'native-hmac.ts',
  );
  assert.ok(files.length > 20);
  for (const file of files) {
    const code = readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\*|\/\*\*)/.test(line))
      .join('\n');
    assert.doesNotMatch(code, /from ['"]node:|require\(/, `${relative(root, join(root, file))} imports Node`);
    assert.doesNotMatch(code, /\bBuffer\b|\bprocess\.|\b__dirname\b/, `${file} uses a Node global`);
  }
});
