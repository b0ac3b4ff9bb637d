import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingestConfig } from '../../../server/src/ingest/ingest-config.ts';
import { parseGivenSecrets, parseSourceFields } from '../../../server/src/ingest/source-input.ts';
import { initialSecrets } from '../../../server/src/ingest/source-secrets.ts';
import type { Source } from '../api/types.ts';
import { startGateway, type TestGateway } from '../test-support/browser-harness.ts';
import {
  emptySourceForm,
  type SourceFormState,
  sourceBodyOf,
  sourceFormOf,
  validateSourceForm,
} from './source-form-model.ts';

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

  // Untouched, the form sends the server's own defaults.
  const plain = body(valid);
  assert.equal(plain.contentTypes, null);
  assert.equal(plain.decompress, false);
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

    const edited = sourceBodyOf(
      { ...form, contentTypes: '', dedupKind: 'none', responseStatus: '204', responseBody: '' },
      'edit',
      { tenantEditable: false },
    );
    const saved = await gateway.api<Source>('PATCH', `/v1/sources/${created.id}`, edited);
    assert.equal(saved.contentTypes, null);
    assert.deepEqual(saved.dedupRule, { kind: 'none' });
    assert.deepEqual(saved.response, { status: 204, body: '', contentType: 'text/plain' });
    assert.equal(saved.secretCount, 1, 'an edit without a secret keeps the secret');
  });
});
