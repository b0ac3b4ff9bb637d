import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../../server/src/config.ts';
import { parseRotation } from '../../../server/src/ingest/source-input.ts';
import {
  DEFAULT_SECRET_GRACE_MS,
  MAX_SECRET_GRACE_MS,
} from '../../../server/src/secrets/secret-rotation-rules.ts';
import {
  endpointRotationBody,
  graceError,
  graceInWords,
  sourceRotationBody,
  validateRotation,
} from './secret-rotation-model.ts';

/** The source route's own parse of a rotation body, with the limits it is registered with. */
const serverParse = (body: unknown) =>
  parseRotation(body, {
    defaultGraceSeconds: DEFAULT_SECRET_GRACE_MS / 1000,
    maxGraceSeconds: MAX_SECRET_GRACE_MS / 1000,
  });

test('the grace reads like the CLI’s --grace and is sent in each API’s unit', () => {
  const state = { secret: '  whsec_new  ', grace: ' 2h ' };
  assert.equal(graceError(state.grace), undefined);
  assert.deepEqual(sourceRotationBody(state), { secret: 'whsec_new', graceSeconds: 7200 });
  assert.deepEqual(endpointRotationBody(state), { secret: 'whsec_new', graceMs: 7_200_000 });
  assert.deepEqual(serverParse(sourceRotationBody(state)), { secret: 'whsec_new', graceSeconds: 7200 });
  // Empty fields: the server chooses (a generated secret, its default grace).
  assert.deepEqual(sourceRotationBody({ secret: '', grace: '' }), {});
  assert.deepEqual(endpointRotationBody({ secret: ' ', grace: '' }), {});
  assert.deepEqual(sourceRotationBody({ secret: '', grace: '0' }), { graceSeconds: 0 });
  assert.deepEqual(endpointRotationBody({ secret: '', grace: '0' }), { graceMs: 0 });
});

test('the form refuses the grace the APIs refuse, and accepts up to their limit', () => {
  assert.equal(LIMITS.maxSecretRotationGraceMs, MAX_SECRET_GRACE_MS, 'sources and endpoints share it');
  for (const grace of ['0', '90', '90s', '30m', '24h', '7d', '604800']) {
    assert.equal(graceError(grace), undefined, grace);
    serverParse(sourceRotationBody({ secret: '', grace }));
    assert.ok((endpointRotationBody({ secret: '', grace }).graceMs ?? 0) <= LIMITS.maxSecretRotationGraceMs);
  }
  for (const grace of ['8d', '604801', '169h']) {
    assert.equal(graceError(grace), 'At most 7d: previous secrets are kept no longer.', grace);
    assert.throws(() => serverParse(sourceRotationBody({ secret: '', grace })), /graceSeconds/);
    assert.ok((endpointRotationBody({ secret: '', grace }).graceMs ?? 0) > LIMITS.maxSecretRotationGraceMs);
  }
  for (const grace of ['1w', '-1', '1.5h', 'soon']) {
    assert.equal(graceError(grace), 'Write it like 0, 90s, 30m, 24h or 7d.', grace);
  }
});

test('a provider-issued secret is required; a given one is held to the scheme’s rule', () => {
  const rules = (required: boolean) => ({
    secretRequired: required,
    secretError: (secret: string) => (secret.startsWith('whsec_') ? undefined : 'Not a whsec_ secret.'),
  });
  assert.deepEqual(validateRotation({ secret: '', grace: '' }, rules(false)), {});
  assert.deepEqual(validateRotation({ secret: ' ', grace: '' }, rules(true)), {
    secret: 'Required: paste the new secret the provider gave you.',
  });
  assert.deepEqual(validateRotation({ secret: 'abc', grace: '9d' }, rules(false)), {
    secret: 'Not a whsec_ secret.',
    grace: 'At most 7d: previous secrets are kept no longer.',
  });
});

test('the note after a rotation says the grace in words', () => {
  assert.equal(graceInWords(86_400), '24 hours');
  assert.equal(graceInWords(172_800), '2 days');
  assert.equal(graceInWords(604_800), '7 days');
  assert.equal(graceInWords(3600), '1 hour');
  assert.equal(graceInWords(5400), '90 minutes');
  assert.equal(graceInWords(90), '90 seconds');
  assert.equal(graceInWords(1), '1 second');
});
