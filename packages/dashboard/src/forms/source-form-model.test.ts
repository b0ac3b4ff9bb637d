import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingestConfig } from '../../../server/src/ingest/ingest-config.ts';
import {
  assertHandshakeFits,
  parseGivenSecrets,
  parseSourceFields,
} from '../../../server/src/ingest/source-input.ts';
import { initialSecrets } from '../../../server/src/ingest/source-secrets.ts';
import type { Source as StoredSource } from '../../../server/src/store/types.ts';
import type { Source } from '../api/types.ts';
import { startGateway, type TestGateway } from '../test-support/browser-harness.ts';
import {
  emptySourceForm,
  type SourceFormState,
  sourceBodyOf,
  sourceFormOf,
  validateSourceForm,
} from './source-form-model.ts';
import { HANDSHAKE_CHOICES } from './source-handshake.ts';

const valid: SourceFormState = { ...emptySourceForm(), name: 'crm', scheme: 'token' };
const body = (state: SourceFormState) => sourceBodyOf(state, 'create', { tenantEditable: false });

/** A form filled with every option the form used to leave out. */
const full: SourceFormState = {
  ...valid,
  contentTypes: 'application/json, Application/X-WWW-Form-Urlencoded',
  dedupKind: 'header',
  dedupValue: 'X-Request-Id',
  responseStatus: '200',
  responseContentType: 'text/plain',
  responseBody: 'ok',
  decompress: true,
  handshake: 'meta',
  verifyToken: 'meta-verify-token',
};

test('content types, dedup rule and response become the API body the server accepts', () => {
  assert.deepEqual(validateSourceForm(full, 'create'), {});
  const sent = body(full);
  assert.deepEqual(sent.contentTypes, ['application/json', 'application/x-www-form-urlencoded']);
  assert.deepEqual(sent.dedupRule, { kind: 'header', name: 'X-Request-Id' });
  assert.deepEqual(sent.response, { status: 200, body: 'ok', contentType: 'text/plain' });
  const parsed = parseSourceFields(sent, ingestConfig());
  assert.deepEqual(parsed.response, { status: 200, body: 'ok', contentType: 'text/plain' });
  assert.equal(parsed.decompress, true);
  assert.deepEqual(parsed.handshake, { kind: 'meta', verifyToken: 'meta-verify-token' });

  // Untouched, the form sends the server's own defaults.
  const plain = body(valid);
  assert.equal(plain.contentTypes, null);
  assert.equal(plain.decompress, false);
  assert.equal(plain.handshake, null);
  assert.deepEqual(plain.dedupRule, { kind: 'provider' });
  assert.deepEqual(plain.response, {
    status: 202,
    body: '{"ok":true}',
    contentType: 'application/json; charset=utf-8',
  });
  assert.deepEqual(body({ ...valid, dedupKind: 'none' }).dedupRule, { kind: 'none' });
  assert.deepEqual(body({ ...valid, dedupKind: 'pointer', dedupValue: ' /id ' }).dedupRule, {
    kind: 'pointer',
    pointer: '/id',
  });
  assert.deepEqual(body({ ...valid, responseStatus: '204', responseBody: '' }).response, {
    status: 204,
    body: '',
    contentType: 'application/json; charset=utf-8',
  });
});

test('github: allowSha1 is sent when ticked, and only for github', () => {
  const github = { ...valid, scheme: 'github', allowSha1: true };
  assert.deepEqual(body(github).verification, { scheme: 'github', allowSha1: true });
  assert.deepEqual(body({ ...github, allowSha1: false }).verification, { scheme: 'github' });
  assert.deepEqual(body({ ...github, scheme: 'token' }).verification, { scheme: 'token' });
  assert.equal(parseSourceFields(body(github), ingestConfig()).verification?.allowSha1, true);
});

test('what the form refuses, the server refuses too, each on its own field', () => {
  const cases: [Partial<SourceFormState>, keyof SourceFormState][] = [
    [{ contentTypes: 'application/json; charset=utf-8' }, 'contentTypes'],
    [{ contentTypes: 'application/*' }, 'contentTypes'],
    [{ contentTypes: 'json' }, 'contentTypes'],
    [{ contentTypes: Array.from({ length: 33 }, (_, i) => `text/x${i}`).join(',') }, 'contentTypes'],
    [{ dedupKind: 'header', dedupValue: 'X Request' }, 'dedupValue'],
    [{ dedupKind: 'pointer', dedupValue: 'id' }, 'dedupValue'],
    [{ dedupKind: 'pointer', dedupValue: '/a~2' }, 'dedupValue'],
    [{ responseStatus: '302' }, 'responseStatus'],
    [{ responseStatus: '2000' }, 'responseStatus'],
    [{ responseStatus: '204' }, 'responseBody'],
    [{ responseBody: 'x'.repeat(4097) }, 'responseBody'],
    [{ responseContentType: 'text/plain\r\nX-Evil: 1' }, 'responseContentType'],
    [{ responseContentType: '' }, 'responseContentType'],
    [{ ruleKind: 'fixed', ruleValue: 'payment received' }, 'ruleValue'],
    [{ ruleKind: 'pointer', ruleValue: '/a~' }, 'ruleValue'],
    [{ scheme: 'hmac', header: 'X-Signature', signedContent: '{body}' }, 'signedContent'],
    [{ scheme: 'hmac', header: 'X-Signature', signedContent: '{timestamp}.{body}' }, 'signedContent'],
    [
      {
        scheme: 'hmac',
        header: 'X-Signature',
        timestampHeader: 'X-Ts',
        signedContent: '{body}{body}{timestamp}',
      },
      'signedContent',
    ],
  ];
  for (const [change, field] of cases) {
    const state = { ...valid, ...change };
    const errors = validateSourceForm(state, 'create');
    assert.deepEqual(Object.keys(errors), [field], JSON.stringify(change));
    assert.throws(() => parseSourceFields(body(state), ingestConfig()), JSON.stringify(change));
  }
  const signed = {
    ...valid,
    scheme: 'hmac',
    header: 'X-Signature',
    timestampHeader: 'X-Ts',
    signedContent: '{timestamp}.{body}',
  };
  assert.deepEqual(validateSourceForm(signed, 'create'), {});
  parseSourceFields(body(signed), ingestConfig());
});

/** The server's checks of a handshake: the field's own (parse), then against the scheme and requireJson. */
function serverHandshakeRefusal(sent: Record<string, unknown>): string | undefined {
  try {
    const parsed = parseSourceFields(sent, ingestConfig());
    assertHandshakeFits(parsed as Pick<StoredSource, 'handshake' | 'verification' | 'requireJson'>);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

test('handshake: every choice the form offers is one the server takes, sent as the API shape', () => {
  const kinds = HANDSHAKE_CHOICES.map((choice) => choice.kind).filter((kind) => kind !== 'none');
  // The server names its kinds when it refuses one: the form offers exactly those.
  assert.equal(
    serverHandshakeRefusal({ handshake: { kind: 'slack' } }),
    `handshake.kind: must be one of ${kinds.join(', ')}`,
  );
  const hmac = { ...valid, scheme: 'hmac', header: 'X-Signature', requireJson: true, verifyToken: 'tok' };
  for (const kind of kinds) {
    const state = { ...hmac, handshake: kind };
    assert.deepEqual(validateSourceForm(state, 'create'), {}, kind);
    const expected = kind === 'meta' ? { kind, verifyToken: 'tok' } : { kind };
    assert.deepEqual(body(state).handshake, expected, kind);
    assert.equal(serverHandshakeRefusal(body(state)), undefined, kind);
    assert.deepEqual(parseSourceFields(body(state), ingestConfig()).handshake, expected, kind);
  }
  // The token goes as typed (Meta compares it exactly); only Meta's is sent.
  assert.deepEqual(body({ ...valid, handshake: 'meta', verifyToken: ' a b ' }).handshake, {
    kind: 'meta',
    verifyToken: ' a b ',
  });
  assert.deepEqual(body({ ...valid, handshake: 'dropbox', verifyToken: 'left over' }).handshake, {
    kind: 'dropbox',
  });
  // Zoom needs the hmac scheme but not requireJson; the others need neither.
  assert.deepEqual(validateSourceForm({ ...hmac, requireJson: false, handshake: 'zoom' }, 'create'), {});
  for (const kind of ['meta', 'microsoft-graph', 'dropbox', 'okta'] as const) {
    assert.deepEqual(validateSourceForm({ ...valid, handshake: kind, verifyToken: 'tok' }, 'create'), {});
  }
});

test('handshake: what the form refuses, the server refuses too, each on the field to fix', () => {
  const cases: [Partial<SourceFormState>, keyof SourceFormState, RegExp][] = [
    [{ handshake: 'meta', verifyToken: '' }, 'verifyToken', /^Required for Meta: 1 to 256 characters/],
    [{ handshake: 'meta', verifyToken: 'v'.repeat(257) }, 'verifyToken', /1 to 256 characters/],
    [{ handshake: 'x', requireJson: true }, 'handshake', /^X signs .* Generic HMAC header scheme\.$/],
    [{ handshake: 'zoom' }, 'handshake', /^Zoom signs .* Generic HMAC header scheme\.$/],
    [
      { handshake: 'x', scheme: 'hmac', header: 'X-Signature' },
      'handshake',
      /^X needs "Refuse bodies that are not JSON"/,
    ],
  ];
  for (const [change, field, message] of cases) {
    const state = { ...valid, ...change };
    const errors = validateSourceForm(state, 'create');
    assert.deepEqual(Object.keys(errors), [field], JSON.stringify(change).slice(0, 80));
    assert.match(errors[field] ?? '', message);
    assert.notEqual(serverHandshakeRefusal(body(state)), undefined, JSON.stringify(change).slice(0, 80));
  }
  assert.deepEqual(
    validateSourceForm({ ...valid, handshake: 'meta', verifyToken: 'v'.repeat(256) }, 'create'),
    {},
  );
});

test('handshake on edit: the saved one is kept, and None clears it (sent as null)', () => {
  const stored: Source = {
    id: 'src_1',
    name: 'whatsapp',
    tenant: null,
    ingestPath: '/in/t',
    alias: null,
    verification: { scheme: 'hmac', header: 'x-hub-signature-256', prefix: 'sha256=' },
    secretCount: 1,
    toleranceSeconds: null,
    maxBodyBytes: null,
    contentTypes: null,
    requireJson: false,
    decompress: false,
    handshake: { kind: 'meta', verifyToken: 'from-meta' },
    response: { status: 202, body: '', contentType: 'text/plain' },
    eventTypeRule: { kind: 'provider' },
    dedupRule: { kind: 'provider' },
    disabled: false,
    createdAt: '',
    updatedAt: '',
  };
  const form = sourceFormOf(stored);
  assert.deepEqual([form.handshake, form.verifyToken], ['meta', 'from-meta']);
  const edit = (state: SourceFormState) => sourceBodyOf(state, 'edit', { tenantEditable: false });
  assert.deepEqual(edit(form).handshake, { kind: 'meta', verifyToken: 'from-meta' });
  const cleared = edit({ ...form, handshake: 'none' });
  assert.equal(cleared.handshake, null);
  assert.equal(parseSourceFields(cleared, ingestConfig()).handshake, null, 'null clears it on PATCH');
  const none = sourceFormOf({ ...stored, handshake: null });
  assert.deepEqual([none.handshake, none.verifyToken], ['none', '']);
  const okta = sourceFormOf({ ...stored, handshake: { kind: 'okta' } });
  assert.deepEqual([okta.handshake, okta.verifyToken], ['okta', '']);
});

test('edit: switching to a scheme whose secret the provider issues asks for that secret', () => {
  const stripe = { ...valid, scheme: 'stripe' };
  assert.deepEqual(Object.keys(validateSourceForm(stripe, 'edit', 'github')), ['secrets']);
  assert.deepEqual(validateSourceForm(stripe, 'edit', 'stripe'), {}, 'the saved secret stays');
  assert.deepEqual(validateSourceForm({ ...stripe, secrets: 'whsec_x' }, 'edit', 'github'), {});
});

/** The server's refusal of a create body, as its message, or undefined when it accepts it. */
function serverRefusal(sent: Record<string, unknown>): string | undefined {
  try {
    parseSourceFields({ ...sent, secrets: undefined }, ingestConfig());
    const scheme = (sent.verification as { scheme: string }).scheme;
    initialSecrets(scheme, parseGivenSecrets(sent), 0);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

test('max body size: the form refuses what the server refuses, in the server’s words', () => {
  const limit = ingestConfig().maxBodyBytesLimit;
  assert.equal(limit, 25 * 1024 * 1024);
  for (const size of [1, 1024, limit]) {
    const state = { ...valid, maxBodyBytes: String(size) };
    assert.deepEqual(validateSourceForm(state, 'create'), {}, String(size));
    assert.equal(serverRefusal(body(state)), undefined, String(size));
  }
  for (const size of [0, limit + 1, 1024 * 1024 * 1024]) {
    const state = { ...valid, maxBodyBytes: String(size) };
    const refused = serverRefusal(body(state)) ?? '';
    const said = validateSourceForm(state, 'create').maxBodyBytes ?? '';
    assert.match(refused, /^maxBodyBytes: must be an integer from 1 to 26214400$/);
    assert.ok(said.startsWith('Must be an integer from 1 to 26214400 (25 MiB'), said);
    assert.ok(said.toLowerCase().startsWith(refused.replace('maxBodyBytes: ', '')), said);
  }
});

test('several secrets at create: one per line, sent as secrets, each held to the scheme’s rule', () => {
  const whsec = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;
  const two = { ...valid, scheme: 'standard-webhooks', secrets: `${whsec(1)}\n\n  ${whsec(2)}  \n` };
  assert.deepEqual(validateSourceForm(two, 'create'), {});
  assert.deepEqual(body(two).secrets, [whsec(1), whsec(2)]);
  assert.equal(body(two).secret, undefined);
  assert.equal(serverRefusal(body(two)), undefined);
  assert.equal(body({ ...two, scheme: 'none' }).secrets, undefined, 'none has no secret');
  assert.equal(body({ ...two, secrets: ' \n' }).secrets, undefined, 'blank: generated');

  const cases: [string, string][] = [
    ['basic', 'user:pass\nnocolon'],
    ['standard-webhooks', 'whsec_c2hvcnQ='],
    ['standard-webhooks', whsec(1).replace('whsec_', 'whsk_')],
    ['svix', `${whsec(3)}\nwhsec_!!!!`],
    ['token', Array.from({ length: 11 }, (_, i) => `token-${i}`).join('\n')],
    ['hmac', 'x'.repeat(1025)],
  ];
  for (const [scheme, secrets] of cases) {
    const state = { ...valid, scheme, header: 'X-Signature', secrets };
    const said = validateSourceForm(state, 'create');
    const refused = serverRefusal(body(state));
    assert.deepEqual(Object.keys(said), ['secrets'], `${scheme}: ${secrets.slice(0, 40)}`);
    assert.ok(refused !== undefined, `the server refuses it too: ${scheme}`);
  }
  // The server's own invalid_secret message, on the line it is about.
  const svix = validateSourceForm({ ...valid, scheme: 'svix', secrets: `${whsec(3)}\nwhsec_!!!!` }, 'create');
  assert.equal(svix.secrets, 'Line 2: Svix secrets are whsec_ followed by the base64 of 24 to 64 bytes.');
  assert.equal(
    serverRefusal(body({ ...valid, scheme: 'svix', secrets: 'whsec_!!!!' })),
    'Svix secrets are whsec_ followed by the base64 of 24 to 64 bytes.',
  );
});

describe('against a real gateway', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.close();
  });

  test('a source saved from the form answers, refuses and deduplicates as configured, and edits round-trip', async () => {
    const created = await gateway.api<Source>('POST', '/v1/sources', body({ ...full, name: 'crm-form' }));
    const form = sourceFormOf(created);
    assert.deepEqual(
      { ...form, secrets: '' },
      {
        ...full,
        name: 'crm-form',
        maxBodyBytes: '1048576',
        dedupValue: 'x-request-id',
        contentTypes: full.contentTypes.toLowerCase(),
      },
      'the edit form shows what was saved',
    );
    const post = (contentType: string, requestId: string) =>
      fetch(`${gateway.url}${created.ingestPath}`, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'x-webhook-token': (created as Source & { secrets: string[] }).secrets[0] ?? '',
          'x-request-id': requestId,
        },
        body: '{"type":"lead.created"}',
      });
    const first = await post('application/json', 'r-1');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'text/plain');
    assert.equal(await first.text(), 'ok');
    const repeat = await post('application/json', 'r-1');
    assert.equal(repeat.status, 200);
    assert.equal(repeat.headers.get('x-hookline-message-id'), first.headers.get('x-hookline-message-id'));
    assert.equal((await post('text/plain', 'r-2')).status, 415);
    const verify = (token: string) =>
      fetch(
        `${gateway.url}${created.ingestPath}?hub.mode=subscribe&hub.challenge=c-42&hub.verify_token=${token}`,
      );
    const handshake = await verify('meta-verify-token');
    assert.equal(handshake.status, 200, 'the Meta handshake set in the form is answered');
    assert.equal(await handshake.text(), 'c-42');
    assert.equal((await verify('wrong')).status, 403);

    const edited = sourceBodyOf(
      {
        ...form,
        contentTypes: '',
        dedupKind: 'none',
        responseStatus: '204',
        responseBody: '',
        handshake: 'none',
      },
      'edit',
      { tenantEditable: false },
    );
    const saved = await gateway.api<Source>('PATCH', `/v1/sources/${created.id}`, edited);
    assert.equal(saved.contentTypes, null);
    assert.deepEqual(saved.dedupRule, { kind: 'none' });
    assert.deepEqual(saved.response, { status: 204, body: '', contentType: 'text/plain' });
    assert.equal(saved.secretCount, 1, 'an edit without a secret keeps the secret');
    assert.equal(saved.handshake, null, 'None on edit clears the handshake');
    assert.equal((await verify('meta-verify-token')).status, 405);
  });
});
