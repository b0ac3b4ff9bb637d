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
    'accept-encoding': 'gzip',
  };
  assert.deepEqual(inboundForwardHeaders({ sourceId: 'src_1', headers }), {
    'x-github-event': 'issues',
    'x-hub-signature-256': 'sha256=abc',
  });
});

test('the body is forwarded as it came, so its Content-Encoding goes with it', () => {
  const headers = {
    'content-encoding': 'gzip',
    'content-type': 'application/json',
    'x-github-event': 'push',
  };
  assert.deepEqual(inboundForwardHeaders({ sourceId: 'src_1', headers }), {
    'content-encoding': 'gzip',
    'x-github-event': 'push',
  });
  assert.deepEqual(inboundForwardHeaders({ sourceId: null, headers }), {});
});
