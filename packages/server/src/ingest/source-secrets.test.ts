// Source secrets through the real app: a secret the scheme cannot use is refused when it is written
// (create, PATCH, rotate), and one saved before that check does not lock out senders of a good secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign } from '@hookline/webhooks';
import { engines } from '../store/conformance/engines.ts';
import { createIngestKit, type IngestKit } from './ingest-test-kit.ts';

const sqlite = engines.find((e) => e.name === 'sqlite');
if (sqlite === undefined) throw new TypeError('no sqlite engine');

const GOOD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function withKit(fn: (kit: IngestKit) => Promise<void>): Promise<void> {
  const kit = await createIngestKit(sqlite as NonNullable<typeof sqlite>);
  try {
    await fn(kit);
  } finally {
    await kit.close();
  }
}

async function send(kit: IngestKit, path: string, secret: string) {
  const body = '{"type":"ping"}';
  const headers = await sign({
    id: `msg_${Math.random()}`,
    timestamp: Math.floor(kit.clock.now() / 1000),
    body,
    secrets: [secret],
  });
  return kit.app.inject({ method: 'POST', url: path, headers, payload: body });
}

test('malformed whsec_ secrets are invalid_secret on create, PATCH and rotate', async () => {
  await withKit(async (kit) => {
    const malformed = [
      'whsec_!!!',
      'whsec_',
      'whsec_dGVzdA==', // 4 bytes: too short to be a key
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', // not padded base64
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ];
    for (const scheme of ['standard-webhooks', 'svix']) {
      for (const secret of malformed) {
        const response = await kit.app.inject({
          method: 'POST',
          url: '/v1/sources',
          headers: kit.auth,
          payload: { name: `x-${scheme}`, verification: { scheme }, secret },
        });
        assert.equal(response.statusCode, 400, `${scheme} ${secret}`);
        assert.equal(response.json().error.code, 'invalid_secret');
        assert.match(response.json().error.message, /whsec_ followed by the base64 of 24 to 64 bytes/);
        assert.ok(!response.body.includes(secret.slice(6) || '!'), 'the secret is not echoed');
      }
    }
    const source = await kit.createSource({
      name: 'std',
      verification: { scheme: 'standard-webhooks' },
      secret: GOOD,
    });
    const patched = await kit.app.inject({
      method: 'PATCH',
      url: `/v1/sources/${source.id}`,
      headers: kit.auth,
      payload: { secret: 'whsec_!!!' },
    });
    assert.equal(patched.statusCode, 400);
    assert.equal(patched.json().error.code, 'invalid_secret');
    const rotated = await kit.app.inject({
      method: 'POST',
      url: `/v1/sources/${source.id}/secrets/rotate`,
      headers: kit.auth,
      payload: { secret: 'whsec_!!!' },
    });
    assert.equal(rotated.statusCode, 400);
    assert.equal(rotated.json().error.code, 'invalid_secret');
    assert.equal((await send(kit, source.ingestPath, GOOD)).statusCode, 202, 'the source is unchanged');
  });
});

test('an unusable stored secret is skipped while another still verifies; all unusable is source_misconfigured', async () => {
  await withKit(async (kit) => {
    const source = await kit.createSource({
      name: 'std',
      verification: { scheme: 'standard-webhooks' },
      secret: GOOD,
    });
    // Saved by a version without the write-time check: the current secret is junk, the old one in grace.
    const now = kit.clock.now();
    await kit.store.updateSource(source.id, {
      secrets: [
        { secret: 'whsec_!!!', createdAt: now, expiresAt: null },
        { secret: GOOD, createdAt: now - 1000, expiresAt: now + 3_600_000 },
      ],
    });
    assert.equal((await send(kit, source.ingestPath, GOOD)).statusCode, 202);
    const other = 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==';
    const wrong = await send(kit, source.ingestPath, other);
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'invalid_signature');

    await kit.store.updateSource(source.id, {
      secrets: [{ secret: 'whsec_!!!', createdAt: now, expiresAt: null }],
    });
    const broken = await send(kit, source.ingestPath, GOOD);
    assert.equal(broken.statusCode, 500);
    assert.equal(broken.json().error.code, 'source_misconfigured');
  });
});
