import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve, startHookline, tempDir } from './cli-test-kit.ts';

test('tail prints the message, then the attempt of its delivery to a real receiver (lines and --json)', async () => {
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(202).end());
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  // --dev lets the worker deliver to the loopback receiver.
  const server = await serve(join(tempDir(), 'hookline.db'), ['--dev']);
  const auth = { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' };
  const api = ['--server', server.url, '--api-key', server.adminKey];
  try {
    const endpoint = await fetch(`${server.url}/v1/endpoints`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in` }),
    });
    assert.equal(endpoint.status, 201);
    const endpointId = ((await endpoint.json()) as { id: string }).id;
    const lines = startHookline(['tail', ...api]);
    const json = startHookline(['tail', '--json', ...api]);
    const quiet = startHookline(['tail', '--no-attempts', '--json', ...api]);
    for (const child of [lines, json, quiet]) await child.waitFor('stderr', /^Tailing: from now/gm);

    const published = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: auth,
      body: '{"eventType":"order.paid","payload":{"n":1}}',
    });
    assert.equal(published.status, 202);
    const messageId = ((await published.json()) as { id: string }).id;
    await lines.waitFor('stdout', /→ 202 Accepted/g);
    await json.waitFor('stdout', /"kind":"attempt"/g);
    await quiet.waitFor('stdout', /"kind":"message"/g);
    const second = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: auth,
      body: '{"eventType":"order.paid","payload":{"n":2}}',
    });
    assert.equal(second.status, 202);
    // The second message marks how far the attempts-free stream got.
    await quiet.waitFor('stdout', /"kind":"message"/g, 2);
    for (const child of [lines, json, quiet]) assert.equal(await child.stop(), 0);

    const [messageLine, attemptLine] = lines.stdout().split('\n');
    assert.match(messageLine ?? '', new RegExp(`order\\.paid {2}${messageId} {2}api`));
    assert.match(
      attemptLine ?? '',
      new RegExp(`^ {2}\\S+ {2}→ 202 Accepted {2}\\d+ ms {2}#1 scheduled {2}${endpointId} {2}${messageId}$`),
    );
    const [message, attempt] = json
      .stdout()
      .split('\n')
      .slice(0, 2)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual([message?.kind, message?.id], ['message', messageId]);
    assert.deepEqual(
      [attempt?.kind, attempt?.messageId, attempt?.endpointId, attempt?.responseStatus, attempt?.trigger],
      ['attempt', messageId, endpointId, 202, 'scheduled'],
    );
    assert.doesNotMatch(quiet.stdout(), /"kind":"attempt"/, '--no-attempts');
  } finally {
    assert.equal(await server.stop(), 0);
    receiver.close();
  }
});
