import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import {
  apiFlags,
  closedPort,
  createEndpointVia,
  fieldsOf,
  hookline,
  type ServedHookline,
  serve,
  startReceiver,
  type TestReceiver,
  tempDir,
} from './cli-test-kit.ts';

describe('hookline endpoints test, messages | deliveries get and cancel', () => {
  let server: ServedHookline;
  let receiver: TestReceiver;
  before(async () => {
    // --dev lets deliveries reach the loopback receivers.
    server = await serve(join(tempDir(), 'hookline.db'), ['--dev']);
  });
  after(async () => {
    assert.equal(await server.stop(), 0);
  });
  // A receiver per test, so an attempt still under way from one test never counts in another.
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());
  const api = () => apiFlags(server);
  /** An endpoint on `url` (`retrySchedule: []`: one attempt, no retries). */
  const createEndpoint = (url: string, extra: Record<string, unknown> = {}) =>
    createEndpointVia(server, url, extra);

  test('a 2xx: exit 0, the attempt printed, the payload and event type as given', async () => {
    receiver.answer = 200;
    const endpoint = await createEndpoint(receiver.url);
    const before = receiver.requests.length;
    const sent = await hookline([
      'endpoints',
      'test',
      endpoint,
      ...api(),
      '--event-type',
      'cli.check',
      '--data',
      '{"order":42}',
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const shown = fieldsOf(sent.stdout);
    assert.equal(shown.result, 'succeeded');
    assert.equal(shown.status, '200');
    assert.match(shown.attemptId ?? '', /^att_/);
    assert.match(shown.duration ?? '', /^\d+ ms$/);
    assert.equal(shown.error, undefined);
    assert.match(shown.messageId ?? '', /^msg_/);
    assert.match(shown.deliveryId ?? '', /^dlv_/);
    const request = await receiver.received(before + 1);
    assert.equal(request.body, '{"order":42}');
    assert.equal(request.headers['webhook-id'], shown.messageId);

    const message = await hookline(['messages', 'get', shown.messageId ?? '', ...api(), '--json']);
    assert.equal(message.code, 0, message.stderr);
    const stored = JSON.parse(message.stdout) as { eventType: string; payload: unknown };
    assert.equal(stored.eventType, 'cli.check');
    assert.deepEqual(stored.payload, { order: 42 });
  });

  test('--data @file and --json: the API attempt; no flags: the default test payload', async () => {
    receiver.answer = 204;
    const endpoint = await createEndpoint(receiver.url);
    const file = join(tempDir(), 'payload.json');
    writeFileSync(file, '{"from":"file"}');
    const before = receiver.requests.length;
    const json = await hookline(['endpoints', 'test', endpoint, ...api(), '--data', `@${file}`, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const attempt = JSON.parse(json.stdout) as Record<string, unknown>;
    assert.equal(attempt.responseStatus, 204);
    assert.equal(attempt.errorKind, 'none');
    assert.equal(attempt.endpointId, endpoint);
    assert.equal(attempt.attemptNumber, 1);
    assert.equal((await receiver.received(before + 1)).body, '{"from":"file"}');

    const plain = await hookline(['endpoints', 'test', endpoint, ...api()]);
    assert.equal(plain.code, 0, plain.stderr);
    const body = JSON.parse((await receiver.received(before + 2)).body) as Record<string, unknown>;
    assert.equal(body.test, true);
  });

  test('a failed attempt exits 1 with the status, and says how to stop the retries; cancel stops them', async () => {
    receiver.answer = 503;
    // One retry, an hour away: the delivery stays `failed` (retrying) until cancelled.
    const endpoint = await createEndpoint(receiver.url, { retrySchedule: [3_600_000] });
    const failed = await hookline(['endpoints', 'test', endpoint, ...api()]);
    assert.equal(failed.code, 1);
    const shown = fieldsOf(failed.stdout);
    assert.equal(shown.result, 'failed');
    assert.equal(shown.status, '503');
    assert.match(shown.error ?? '', /^HTTP 503/);
    const deliveryId = shown.deliveryId ?? '';
    assert.match(
      failed.stderr,
      new RegExp(`retries on its schedule \\(next at \\S+\\); \`hookline deliveries cancel ${deliveryId}\``),
    );
    assert.match(failed.stderr, /error: the test delivery failed: HTTP 503/);

    const waiting = await hookline(['deliveries', 'get', deliveryId, ...api()]);
    assert.equal(waiting.code, 0, waiting.stderr);
    assert.equal(fieldsOf(waiting.stdout).status, 'failed');
    const cancelled = await hookline(['deliveries', 'cancel', deliveryId, ...api()]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(cancelled.stdout, `cancelled ${deliveryId}\n`);
    const again = await hookline(['deliveries', 'cancel', deliveryId, ...api(), '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { cancelled: 0 });
    const text = await hookline(['deliveries', 'cancel', deliveryId, ...api()]);
    assert.equal(text.stdout, `${deliveryId} had already finished: nothing to cancel\n`);
    const final = await hookline(['deliveries', 'get', deliveryId, ...api(), '--json']);
    assert.equal((JSON.parse(final.stdout) as { status: string }).status, 'cancelled');
  });

  test('no answer at all: exit 1 with the error kind; --json still prints the attempt', async () => {
    const endpoint = await createEndpoint(`http://127.0.0.1:${await closedPort()}/hooks`, {
      retrySchedule: [],
    });
    const refused = await hookline(['endpoints', 'test', endpoint, ...api()]);
    assert.equal(refused.code, 1);
    const shown = fieldsOf(refused.stdout);
    assert.equal(shown.result, 'failed');
    assert.equal(shown.status, '-');
    assert.match(shown.error ?? '', /^connect/);
    assert.doesNotMatch(refused.stderr, /retries on its schedule/, 'no retry is left to cancel');
    const json = await hookline(['endpoints', 'test', endpoint, ...api(), '--json']);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { errorKind: string }).errorKind, 'connect');
    assert.match(json.stderr, /error: the test delivery failed: connect/);
  });

  test('messages cancel stops every pending or retrying delivery of a message', async () => {
    receiver.answer = 500;
    const endpoint = await createEndpoint(receiver.url, {
      eventTypes: ['cancel.me'],
      retrySchedule: [3_600_000],
    });
    const published = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: '{"eventType":"cancel.me","payload":{}}',
    });
    const message = ((await published.json()) as { id: string }).id;
    const cancelled = await hookline(['messages', 'cancel', message, ...api()]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.equal(cancelled.stdout, `cancelled 1 delivery of ${message}\n`);
    const again = await hookline(['messages', 'cancel', message, ...api(), '--json']);
    assert.deepEqual(JSON.parse(again.stdout), { cancelled: 0 });
    const deliveries = await fetch(`${server.url}/v1/messages/${message}/deliveries`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    const [delivery] = ((await deliveries.json()) as { data: { endpointId: string; status: string }[] }).data;
    assert.deepEqual(delivery && [delivery.endpointId, delivery.status], [endpoint, 'cancelled']);
  });

  test('--wait 0 prints the ids only; no attempt within --wait is exit 1 naming the delivery', async () => {
    receiver.answer = 200;
    const endpoint = await createEndpoint(receiver.url);
    const noWait = await hookline(['endpoints', 'test', endpoint, ...api(), '--wait', '0', '--json']);
    assert.equal(noWait.code, 0, noWait.stderr);
    const ids = JSON.parse(noWait.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(ids).sort(), ['deliveryId', 'messageId']);

    const before = receiver.requests.length;
    receiver.answer = 'hold';
    try {
      const held = await hookline(['endpoints', 'test', endpoint, ...api(), '--wait', '1s']);
      assert.equal(held.code, 1);
      assert.equal(held.stdout, '');
      assert.match(
        held.stderr,
        /error: sent test message msg_\S+ \(delivery (dlv_\S+)\), but no attempt within 1s: .*hookline deliveries get dlv_/,
      );
      await receiver.received(before + 1);
    } finally {
      receiver.answer = 200;
      receiver.release();
    }
  });

  test('a key that may publish but not read: the test is sent, the outcome cannot be read (exit 1)', async () => {
    const endpoint = await createEndpoint(receiver.url);
    const key = await hookline([
      'keys',
      'create',
      ...api(),
      '--name',
      'pub',
      '--scopes',
      'publish',
      '--json',
    ]);
    const publishKey = (JSON.parse(key.stdout) as { key: string }).key;
    const result = await hookline([
      'endpoints',
      'test',
      endpoint,
      '--server',
      server.url,
      '--api-key',
      publishKey,
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error: sent test message msg_\S+ \(delivery dlv_\S+\), but cannot read its outcome: 403 forbidden: /,
    );
  });

  test('misuse is exit 2 before anything is sent; what the API refuses is exit 1 with its code', async () => {
    const endpoint = await createEndpoint(receiver.url);
    const before = receiver.requests.length;
    const usage: [string[], RegExp][] = [
      [['endpoints', 'test'], /hookline endpoints test needs an id/],
      [['endpoints', 'test', endpoint, 'extra'], /unexpected argument "extra"/],
      [['endpoints', 'test', endpoint, '--data', '[1]'], /--data must be a JSON object/],
      [['endpoints', 'test', endpoint, '--data', '{nope'], /--data is not valid JSON/],
      [['endpoints', 'test', endpoint, '--data', '@/nonexistent/payload.json'], /cannot read \/nonexistent/],
      [['endpoints', 'test', endpoint, '--wait', 'soon'], /--wait must be like 0, 30s or 2m; got "soon"/],
      [['endpoints', 'test', endpoint, '--wait', '1.5s'], /--wait must be like/],
      [['endpoints', 'test', endpoint, '--grace', '1h'], /--grace does not apply to test/],
      [['endpoints', 'test', endpoint, '--url', 'http://x'], /--url does not apply to test/],
      [['endpoints', 'test', endpoint, '--bogus'], /Unknown option '--bogus'/],
      [['deliveries', 'cancel'], /hookline deliveries cancel needs an id/],
      [['deliveries', 'cancel', 'dlv_1', 'dlv_2'], /unexpected argument "dlv_2"/],
      [['deliveries', 'cancel', 'dlv_1', '--data', '{}'], /--data does not apply to cancel/],
      [['deliveries', 'list'], /unknown action "list" for deliveries: use get, cancel/],
      [['messages', 'resend', 'msg_1'], /unknown action "resend" for messages: use get, cancel/],
      [['messages', 'cancel', 'msg_1', '--endpoint', 'ep_1'], /Unknown option '--endpoint'/],
    ];
    for (const [args, message] of usage) {
      const result = await hookline([...args, ...api()]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.match(result.stderr, new RegExp(`Run \`hookline ${args[0]} --help\``));
    }

    const refused: [string[], RegExp][] = [
      [['endpoints', 'test', endpoint, '--event-type', 'bad..type'], /400 validation_failed: /],
      [['endpoints', 'test', 'ep_0MISSING'], /404 not_found: /],
      [['deliveries', 'cancel', 'dlv_0MISSING'], /404 not_found: /],
      [['messages', 'cancel', 'msg_0MISSING'], /404 not_found: /],
    ];
    for (const [args, message] of refused) {
      const result = await hookline([...args, ...api()]);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    const disabled = await hookline(['endpoints', 'disable', endpoint, ...api()]);
    assert.equal(disabled.code, 0, disabled.stderr);
    const test409 = await hookline(['endpoints', 'test', endpoint, ...api()]);
    assert.equal(test409.code, 1);
    assert.match(test409.stderr, /409 endpoint_disabled: .*enable it/);
    assert.equal(receiver.requests.length, before, 'nothing reached the receiver');
  });
});
