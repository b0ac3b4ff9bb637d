import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../api/types.ts';
import { curlCommand } from './curl-command.ts';

function message(overrides: Partial<Message>): Message {
  return {
    id: 'msg_1',
    tenant: null,
    eventType: 'issues.opened',
    eventId: null,
    channels: [],
    sourceId: 'src_1',
    subPath: null,
    contentType: 'application/json',
    idempotencyKey: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issues', authorization: 'Basic x' },
    contentEncoding: null,
    payload: { action: 'opened' },
    body: null,
    payloadExpired: false,
    ...overrides,
  };
}

test('curl posts the headers the sender sent, without credentials, and the body', () => {
  const command = curlCommand(message({}), 'http://localhost:3000/hook');
  assert.equal(
    command,
    [
      "curl -X POST 'http://localhost:3000/hook'",
      "-H 'content-type: application/json'",
      "-H 'x-github-event: issues'",
      `--data-raw '{"action":"opened"}'`,
    ].join(' \\\n  '),
  );
});

test('a body that came compressed is posted decoded, as shown, so its Content-Encoding is left out', () => {
  const compressed = message({
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    contentEncoding: 'gzip',
  });
  const command = curlCommand(compressed, 'http://localhost:3000/hook');
  assert.doesNotMatch(command, /content-encoding/i);
  assert.match(command, /--data-raw '\{"action":"opened"\}'/);
  // A published message's headers are its own; nothing is dropped but what curl sets itself.
  const plain = curlCommand(message({ headers: { 'content-encoding': 'gzip' } }), 'http://x');
  assert.match(plain, /content-encoding: gzip/);
});
