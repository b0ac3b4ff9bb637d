import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook } from 'svix';
import { svixScheme } from './svix.ts';

// The example in Svix's "Verifying payloads" documentation.
const DOC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  headers: {
    'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'svix-timestamp': '1614265330',
    'svix-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  },
  body: '{"test": 2432232314}',
};

test('Svix: the documented example verifies and sign reproduces it', async () => {
  const result = await svixScheme.verify(
    { headers: DOC.headers, body: DOC.body },
    { secret: DOC.secret, now: () => 1614265330_000 },
  );
  assert.deepEqual(result, { ok: true, id: DOC.headers['svix-id'], timestamp: 1614265330, secretIndex: 0 });
  const signed = await svixScheme.sign(
    { body: DOC.body, id: DOC.headers['svix-id'], timestamp: 1614265330 },
    { secret: DOC.secret },
  );
  assert.deepEqual(signed, DOC.headers);
});

test('Svix: round trip with the svix library, and describe', async () => {
  const body = '{"type":"user.created","data":{}}';
  const now = Math.floor(Date.now() / 1000);
  const headers = await svixScheme.sign({ body, id: 'msg_x', timestamp: now }, { secret: DOC.secret });
  assert.deepEqual(new Webhook(DOC.secret).verify(body, headers), JSON.parse(body));
  const theirs = new Webhook(DOC.secret).sign('msg_y', new Date(now * 1000), body);
  const result = await svixScheme.verify(
    { headers: { 'svix-id': 'msg_y', 'svix-timestamp': String(now), 'svix-signature': theirs }, body },
    { secret: DOC.secret },
  );
  assert.equal(result.ok, true);
  assert.deepEqual(svixScheme.describe({ headers, body }), { id: 'msg_x', eventType: 'user.created' });
  const missing = await svixScheme.verify({ headers: { 'webhook-id': 'a' }, body }, { secret: DOC.secret });
  assert.equal(missing.ok ? 'ok' : missing.code, 'missing_header');
});
