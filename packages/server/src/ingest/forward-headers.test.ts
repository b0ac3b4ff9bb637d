import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inboundForwardHeaders } from './forward-headers.ts';

test('inbound messages forward provider headers, never framing, signature or connection hints', () => {
  const headers = {
    'x-github-event': 'issues',
    'x-hub-signature-256': 'sha256=abc',
    'content-type': 'application/json',
    'webhook-signature': 'v1,xyz',
    'x-forwarded-for': '10.0.0.1',
    'user-agent': 'GitHub-Hookshot/1',
    'x-bad': 'a\u0000b',
  };
  assert.deepEqual(inboundForwardHeaders({ sourceId: 'src_1', headers }), {
    'x-github-event': 'issues',
    'x-hub-signature-256': 'sha256=abc',
  });
  assert.deepEqual(inboundForwardHeaders({ sourceId: null, headers }), {});
});
