import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slackScheme } from './slack.ts';

// Published in Slack's "Verifying requests from Slack" documentation.
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const now = () => 1531420618_000;

test('Slack: the documented vector verifies, and sign reproduces it', async () => {
  const headers = { 'X-Slack-Signature': DOC.signature, 'X-Slack-Request-Timestamp': DOC.timestamp };
  assert.deepEqual(await slackScheme.verify({ headers, body: DOC.body }, { secret: DOC.secret, now }), {
    ok: true,
    timestamp: 1531420618,
    secretIndex: 0,
  });
  assert.deepEqual(
    await slackScheme.sign({ body: DOC.body, timestamp: 1531420618 }, { secret: DOC.secret }),
    {
      'x-slack-signature': DOC.signature,
      'x-slack-request-timestamp': DOC.timestamp,
    },
  );
});

test('Slack: typed failures', async () => {
  const code = async (signature: string, timestamp: string, at = 1531420618_000) => {
    const headers = { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp };
    const r = await slackScheme.verify({ headers, body: DOC.body }, { secret: DOC.secret, now: () => at });
    return r.ok ? 'ok' : r.code;
  };
  assert.equal(await code(DOC.signature, DOC.timestamp, 1531420618_000 + 301_000), 'timestamp_too_old');
  assert.equal(await code(DOC.signature, DOC.timestamp, 1531420618_000 - 301_000), 'timestamp_in_future');
  assert.equal(await code(DOC.signature, '1531420618 '), 'ok');
  assert.equal(await code(DOC.signature, '0x5b4'), 'invalid_timestamp');
  assert.equal(await code(DOC.signature, ''), 'missing_header');
  assert.equal(await code(DOC.signature.replace('v0=', 'v1='), DOC.timestamp), 'unsupported_version');
  assert.equal(await code('v0=abc', DOC.timestamp), 'malformed_header');
  assert.equal(await code(DOC.signature.replace('a21', 'a22'), DOC.timestamp), 'invalid_signature');
});

test('Slack: describe reads event_id and the inner event type', () => {
  const body = JSON.stringify({
    type: 'event_callback',
    event_id: 'Ev08MFMKH6',
    event: { type: 'app_mention' },
  });
  assert.deepEqual(slackScheme.describe({ headers: {}, body }), {
    id: 'Ev08MFMKH6',
    eventType: 'app_mention',
  });
  assert.deepEqual(slackScheme.describe({ headers: {}, body: '{"type":"url_verification"}' }), {
    eventType: 'url_verification',
  });
  assert.deepEqual(slackScheme.describe({ headers: {}, body: DOC.body }), {});
});
