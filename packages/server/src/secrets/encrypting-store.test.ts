import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine, type TestStore } from '../store/conformance/engines.ts';
import { newEndpoint, newSource } from '../store/conformance/fixtures.ts';
import type { Store } from '../store/store.ts';
import {
  decryptHeaders,
  decryptSecretList,
  ENDPOINT_READS,
  encryptHeaders,
  encryptingStore,
  encryptSecretList,
  NO_SECRETS,
  SOURCE_READS,
} from './encrypting-store.ts';
import { keyOf } from './encryption-key.ts';
import { reencryptSecrets } from './reencrypt-secrets.ts';
import { createSecretCipher, envelopeKeyId } from './secret-cipher.ts';
import { encryptStoredSecrets } from './server-encryption.ts';

const KEY = keyOf(Buffer.alloc(32, 7));
const NEW_KEY = keyOf(Buffer.alloc(32, 8));
const ENDPOINT_SECRET = 'whsec_ZW5kcG9pbnQtc2VjcmV0LWJ5dGVzLTEyMzQ1';
const OLD_ENDPOINT_SECRET = 'whsec_b2xkLWVuZHBvaW50LXNlY3JldC1ieXRlcy0x';
const TOKEN_SECRET = 'legacy-token-header-value-0123456789';
const SOURCE_SECRET = 'github-webhook-secret-abcdef0123456789';
// A receiver's credential in a custom header, and an ordinary header value: every value is sealed.
const HEADERS = { Authorization: 'Bearer receiver-credential-0123456789', 'X-Team': 'payments-on-call-rota' };
const PLAINTEXTS = [
  ENDPOINT_SECRET,
  OLD_ENDPOINT_SECRET,
  TOKEN_SECRET,
  SOURCE_SECRET,
  ...Object.values(HEADERS),
];

/** Every row of both tables as a dump would show it, as one string to search. */
async function dump(t: TestStore): Promise<string> {
  const endpoints = await t.rawQuery('SELECT * FROM endpoints');
  const sources = await t.rawQuery('SELECT * FROM sources');
  return JSON.stringify([endpoints, sources]);
}

/** The key ids of every stored secret and endpoint header value (null for plaintext). */
async function storedKeyIds(t: TestStore): Promise<(string | null)[]> {
  const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as unknown;
  const rows = [
    ...(await t.rawQuery('SELECT secrets, headers FROM endpoints')),
    ...(await t.rawQuery("SELECT secrets, '{}' AS headers FROM sources")),
  ];
  return rows.flatMap((row) => {
    const secrets = parse(row.secrets) as { secret: string }[];
    const headers = Object.values(parse(row.headers) as Record<string, string>);
    return [...secrets.map((entry) => entry.secret), ...headers].map((value) => envelopeKeyId(value));
  });
}

async function seed(store: Store) {
  const endpoint = await store.createEndpoint(
    newEndpoint({
      headers: HEADERS,
      secrets: [
        { secret: ENDPOINT_SECRET, createdAt: 2, expiresAt: null },
        { secret: OLD_ENDPOINT_SECRET, createdAt: 1, expiresAt: 10_000_000_000_000 },
      ],
    }),
  );
  const legacy = await store.createEndpoint(
    newEndpoint({
      signing: { scheme: 'token', header: 'x-token' },
      secrets: [{ secret: TOKEN_SECRET, createdAt: 1, expiresAt: null }],
    }),
  );
  const source = await store.createSource(
    newSource({ secrets: [{ secret: SOURCE_SECRET, createdAt: 1, expiresAt: null }] }),
  );
  return { endpoint, legacy, source };
}

forEachEngine((engine) => {
  test('create and update store envelopes only; every read decrypts', async () => {
    const t = await engine.open();
    try {
      const cipher = createSecretCipher({ current: KEY });
      const store = encryptingStore(t.store, cipher, t.deps.newId);
      const { endpoint, legacy, source } = await seed(store);
      assert.equal(endpoint.secrets[0]?.secret, ENDPOINT_SECRET);
      assert.deepEqual(endpoint.headers, HEADERS);
      const newCredential = 'Bearer rotated-receiver-credential-987';
      const withHeader = await store.updateEndpoint(legacy.id, { headers: { Authorization: newCredential } });
      assert.deepEqual(withHeader.headers, { Authorization: newCredential });
      const rotated = 'whsec_cm90YXRlZC1lbmRwb2ludC1zZWNyZXQtMTIz';
      const updated = await store.updateEndpoint(endpoint.id, {
        secrets: [{ secret: rotated, createdAt: 3, expiresAt: null }, ...endpoint.secrets],
      });
      assert.deepEqual(
        updated.secrets.map((s) => s.secret),
        [rotated, ENDPOINT_SECRET, OLD_ENDPOINT_SECRET],
      );
      // A patch without secrets keeps the stored envelopes as they are.
      await store.updateEndpoint(legacy.id, { description: 'renamed' });
      await store.updateSource(source.id, { toleranceSeconds: 60 });

      const raw = await dump(t);
      for (const secret of [...PLAINTEXTS, rotated, newCredential])
        assert.ok(!raw.includes(secret), `${secret} in the dump`);
      assert.ok((await storedKeyIds(t)).every((id) => id === KEY.id));

      assert.deepEqual(
        (await store.getEndpoint(endpoint.id))?.secrets.map((s) => s.secret),
        [rotated, ENDPOINT_SECRET, OLD_ENDPOINT_SECRET],
      );
      assert.equal((await store.getEndpoint(legacy.id))?.secrets[0]?.secret, TOKEN_SECRET);
      assert.deepEqual((await store.getEndpoint(endpoint.id))?.headers, HEADERS);
      assert.deepEqual((await store.getEndpoint(legacy.id))?.headers, { Authorization: newCredential });
      const active = await store.listActiveEndpoints();
      assert.deepEqual(active.map((e) => e.secrets[0]?.secret).sort(), [rotated, TOKEN_SECRET].sort());
      const page = await store.listEndpoints({ limit: 10 });
      assert.equal(page.data.length, 2);
      assert.ok(page.data.every((e) => !e.secrets.some((s) => s.secret.startsWith('enc:'))));
      assert.ok(page.data.every((e) => !Object.values(e.headers).some((v) => v.startsWith('enc:'))));
      assert.match((await t.store.getEndpoint(endpoint.id))?.headers.Authorization ?? '', /^enc:v1:/);
      for (const found of [
        await store.getSource(source.id),
        await store.getSourceByToken(source.token),
        await store.getSourceByName(source.name),
        (await store.listSources({ limit: 10 })).data[0],
      ]) {
        assert.equal(found?.secrets[0]?.secret, SOURCE_SECRET);
      }
      // Raw reads (what the unwrapped store returns) are envelopes.
      assert.match((await t.store.getSource(source.id))?.secrets[0]?.secret ?? '', /^enc:v1:/);
    } finally {
      await t.close();
    }
  });

  test('startup encrypts plaintext rows of older versions, once; a wrong key refuses with its id', async () => {
    const t = await engine.open();
    try {
      const { endpoint, source } = await seed(t.store);
      assert.ok((await storedKeyIds(t)).every((id) => id === null));
      const cipher = createSecretCipher({ current: KEY });
      const store = encryptingStore(t.store, cipher, t.deps.newId);
      // Until the startup pass ran, plaintext rows read as they are.
      assert.equal((await store.getSource(source.id))?.secrets[0]?.secret, SOURCE_SECRET);

      const first = await encryptStoredSecrets(t.store, cipher);
      assert.deepEqual(first, {
        endpoints: { scanned: 2, rewritten: 2 },
        sources: { scanned: 1, rewritten: 1 },
      });
      const raw = await dump(t);
      for (const secret of PLAINTEXTS) assert.ok(!raw.includes(secret), `${secret} in the dump`);
      assert.deepEqual(
        (await store.getEndpoint(endpoint.id))?.secrets.map((s) => s.secret),
        [ENDPOINT_SECRET, OLD_ENDPOINT_SECRET],
      );
      assert.deepEqual((await store.getEndpoint(endpoint.id))?.headers, HEADERS);
      assert.ok((await storedKeyIds(t)).every((id) => id === KEY.id));
      const again = await encryptStoredSecrets(t.store, cipher);
      assert.equal(again.endpoints.rewritten + again.sources.rewritten, 0);

      // Another key: the start is refused naming the key id the data needs, nothing is rewritten.
      const wrong = createSecretCipher({ current: NEW_KEY });
      await assert.rejects(
        encryptStoredSecrets(t.store, wrong),
        (error: Error & { code?: string }) =>
          error.code === 'encryption_key_unknown' && error.message.includes(KEY.id),
      );
      assert.ok((await storedKeyIds(t)).every((id) => id === KEY.id));
    } finally {
      await t.close();
    }
  });

  test('rotation re-encrypts every secret under the new key, resumable and idempotent', async () => {
    const t = await engine.open();
    try {
      const before = createSecretCipher({ current: KEY });
      const { endpoint, source } = await seed(encryptingStore(t.store, before, t.deps.newId));
      const rotating = createSecretCipher({ current: NEW_KEY, old: [KEY] });
      // A half-done earlier run: one endpoint already under the new key.
      const one = await t.store.getEndpoint(endpoint.id);
      assert.ok(one);
      const plain = decryptSecretList(rotating, 'endpoint', one.id, one.secrets);
      const resealed = encryptSecretList(rotating, 'endpoint', one.id, plain);
      assert.equal(await t.store.replaceSecrets('endpoint', one.id, one.secrets, resealed), true);
      const headers = encryptHeaders(rotating, one.id, decryptHeaders(rotating, one.id, one.headers));
      assert.equal(await t.store.replaceEndpointHeaders(one.id, one.headers, headers), true);
      const first = await reencryptSecrets(t.store, rotating, 'rotate');
      assert.deepEqual(first, {
        endpoints: { scanned: 2, rewritten: 1 },
        sources: { scanned: 1, rewritten: 1 },
      });
      assert.ok((await storedKeyIds(t)).every((id) => id === NEW_KEY.id));
      const second = await reencryptSecrets(t.store, rotating, 'rotate');
      assert.equal(second.endpoints.rewritten + second.sources.rewritten, 0);
      const raw = await dump(t);
      for (const secret of PLAINTEXTS) assert.ok(!raw.includes(secret), `${secret} in the dump`);

      // Only the new key is needed from now on.
      const after = encryptingStore(t.store, createSecretCipher({ current: NEW_KEY }), t.deps.newId);
      assert.equal((await after.getEndpoint(endpoint.id))?.secrets[1]?.secret, OLD_ENDPOINT_SECRET);
      assert.deepEqual((await after.getEndpoint(endpoint.id))?.headers, HEADERS);
      assert.equal((await after.getSourceByToken(source.token))?.secrets[0]?.secret, SOURCE_SECRET);
      // updatedAt does not move: the secrets' plaintext did not change.
      assert.equal((await after.getEndpoint(endpoint.id))?.updatedAt, one.updatedAt);
    } finally {
      await t.close();
    }
  });

  test('replaceSecrets is a compare-and-set: a concurrent change wins over a stale rewrite', async () => {
    const t = await engine.open();
    try {
      const created = await t.store.createEndpoint(newEndpoint());
      const fresh = [{ secret: 'changed-by-the-api-0123456789', createdAt: 5, expiresAt: null }];
      await t.store.updateEndpoint(created.id, { secrets: fresh });
      const stale = await t.store.replaceSecrets('endpoint', created.id, created.secrets, []);
      assert.equal(stale, false);
      assert.deepEqual((await t.store.getEndpoint(created.id))?.secrets, fresh);
      assert.equal(await t.store.replaceSecrets('endpoint', created.id, fresh, []), true);
      assert.deepEqual((await t.store.getEndpoint(created.id))?.secrets, []);
      assert.equal(await t.store.replaceSecrets('source', 'src_missing', [], []), false);
      await t.store.updateEndpoint(created.id, { headers: { 'X-Api-Key': 'from-the-api' } });
      assert.equal(await t.store.replaceEndpointHeaders(created.id, {}, { 'X-Api-Key': 'stale' }), false);
      assert.equal(
        await t.store.replaceEndpointHeaders(
          created.id,
          { 'X-Api-Key': 'from-the-api' },
          { 'X-Api-Key': 'next' },
        ),
        true,
      );
      assert.deepEqual((await t.store.getEndpoint(created.id))?.headers, { 'X-Api-Key': 'next' });
    } finally {
      await t.close();
    }
  });

  test('an envelope copied into another row does not decrypt there', async () => {
    const t = await engine.open();
    try {
      const cipher = createSecretCipher({ current: KEY });
      const store = encryptingStore(t.store, cipher, t.deps.newId);
      const { endpoint, legacy } = await seed(store);
      const stolen = (await t.store.getEndpoint(endpoint.id))?.secrets ?? [];
      const own = (await t.store.getEndpoint(legacy.id))?.secrets ?? [];
      assert.equal(await t.store.replaceSecrets('endpoint', legacy.id, own, stolen), true);
      await assert.rejects(store.getEndpoint(legacy.id), { code: 'secret_undecryptable' });
      // A header value moved under another header name (or row) does not decrypt either.
      const sealed = (await t.store.getEndpoint(endpoint.id))?.headers ?? {};
      const swapped = { Authorization: sealed['X-Team'] ?? '', 'X-Team': sealed.Authorization ?? '' };
      assert.equal(await t.store.replaceEndpointHeaders(endpoint.id, sealed, swapped), true);
      await assert.rejects(store.getEndpoint(endpoint.id), { code: 'secret_undecryptable' });
    } finally {
      await t.close();
    }
  });
});

test('every store method about endpoints or sources is classified (decrypting read, write, or no secrets)', async () => {
  const { engines } = await import('../store/conformance/engines.ts');
  const sqlite = engines.find((engine) => engine.name === 'sqlite');
  assert.ok(sqlite);
  const t = await sqlite.open();
  try {
    const writes = [
      'createEndpoint',
      'updateEndpoint',
      'createSource',
      'updateSource',
      'replaceSecrets',
      'replaceEndpointHeaders',
    ];
    const known = new Set<string>([...ENDPOINT_READS, ...SOURCE_READS, ...NO_SECRETS, ...writes]);
    const names = Object.keys(t.store).filter((name) => /endpoint|source|secret/i.test(name));
    const unclassified = names.filter((name) => !known.has(name));
    assert.deepEqual(unclassified, [], 'add them to ENDPOINT_READS, SOURCE_READS or NO_SECRETS');
  } finally {
    await t.close();
  }
});
