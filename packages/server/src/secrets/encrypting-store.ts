import { overrideStore } from '../store/override-store.ts';
import type { Store } from '../store/store.ts';
import type { EndpointSecret } from '../store/types.ts';
import type { SecretCipher } from './secret-cipher.ts';

type Resource = 'endpoint' | 'source';

/** Store methods whose results carry endpoints (one, a list, a page or null); their secrets are decrypted. */
export const ENDPOINT_READS = [
  'getEndpoint',
  'listEndpoints',
  'listActiveEndpoints',
  'listFailingEndpoints',
] as const;
/** Store methods whose results carry sources. */
export const SOURCE_READS = [
  'getSource',
  'getSourceByToken',
  'getSourceByAlias',
  'getSourceByName',
  'listSources',
] as const;
/**
 * Methods named after endpoints or sources that carry no secrets either way; a test fails when a new
 * such method is in none of these lists, so nobody adds a read that hands out envelopes (or a write
 * that stores plaintext) by accident.
 */
export const NO_SECRETS = [
  'endpointsVersion',
  'deleteEndpoint',
  'deleteSource',
  'endpointHealth',
  'lastFailedAttempt',
] as const;

/** The AES-GCM associated data of a row's secrets: an envelope moved to another row does not decrypt. */
export function secretsContext(resource: Resource, id: string): string {
  return `${resource}:${id}:secrets`;
}

export function encryptSecretList(
  cipher: SecretCipher,
  resource: Resource,
  id: string,
  secrets: readonly EndpointSecret[],
): EndpointSecret[] {
  const context = secretsContext(resource, id);
  return secrets.map((entry) => ({ ...entry, secret: cipher.encrypt(entry.secret, context) }));
}

export function decryptSecretList(
  cipher: SecretCipher,
  resource: Resource,
  id: string,
  secrets: readonly EndpointSecret[],
): EndpointSecret[] {
  const context = secretsContext(resource, id);
  return secrets.map((entry) => ({ ...entry, secret: cipher.decrypt(entry.secret, context) }));
}

/**
 * The associated data of one custom header value of an endpoint: receivers' credentials often travel in
 * these (`Authorization`, `X-Api-Key`), so every value is an envelope bound to its row and header name.
 */
export function headerContext(id: string, name: string): string {
  return `endpoint:${id}:headers:${name.toLowerCase()}`;
}

/** Each value of `headers` through `seal` (encrypt or decrypt) with its header's associated data. */
function sealHeaders(
  id: string,
  headers: Readonly<Record<string, string>>,
  seal: (value: string, context: string) => string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, seal(value, headerContext(id, name))]),
  );
}

export function encryptHeaders(cipher: SecretCipher, id: string, headers: Readonly<Record<string, string>>) {
  return sealHeaders(id, headers, (value, context) => cipher.encrypt(value, context));
}

export function decryptHeaders(cipher: SecretCipher, id: string, headers: Readonly<Record<string, string>>) {
  return sealHeaders(id, headers, (value, context) => cipher.decrypt(value, context));
}

interface WithSecrets {
  id: string;
  secrets: EndpointSecret[];
  headers?: Record<string, string>;
}

function decryptResult(cipher: SecretCipher, resource: Resource, value: unknown): unknown {
  const one = (row: WithSecrets) => {
    const decrypted = { ...row, secrets: decryptSecretList(cipher, resource, row.id, row.secrets) };
    if (resource === 'endpoint' && row.headers)
      decrypted.headers = decryptHeaders(cipher, row.id, row.headers);
    return decrypted;
  };
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return (value as WithSecrets[]).map(one);
  const page = value as { data?: unknown };
  if (Array.isArray(page.data)) return { ...page, data: (page.data as WithSecrets[]).map(one) };
  return one(value as WithSecrets);
}

/**
 * The store with endpoint and source secrets encrypted at rest: writes encrypt `secrets[].secret` (and each
 * value of an endpoint's custom `headers`), reads decrypt them, so both engines share one implementation and no SQL file knows about encryption. Ids of
 * new rows are chosen here (`newId`) because each row's id is bound into its envelopes. Reads decrypt
 * through the cipher's memo, so the routing cache and the worker's per-batch endpoint loads cost a map
 * lookup per secret after the first decrypt. `replaceSecrets` and `replaceEndpointHeaders` stay raw: re-encryption works on envelopes.
 */
export function encryptingStore(
  store: Store,
  cipher: SecretCipher,
  newId: (prefix: string) => string,
): Store {
  const overrides: Partial<Store> = {
    async createEndpoint(input) {
      const id = input.id ?? newId('ep');
      const created = await store.createEndpoint({
        ...input,
        id,
        secrets: encryptSecretList(cipher, 'endpoint', id, input.secrets),
        headers: encryptHeaders(cipher, id, input.headers),
      });
      return {
        ...created,
        secrets: input.secrets.map((entry) => ({ ...entry })),
        headers: { ...input.headers },
      };
    },
    async updateEndpoint(id, patch) {
      const sealed = { ...patch };
      if (patch.secrets) sealed.secrets = encryptSecretList(cipher, 'endpoint', id, patch.secrets);
      if (patch.headers) sealed.headers = encryptHeaders(cipher, id, patch.headers);
      const updated = await store.updateEndpoint(id, sealed);
      return decryptResult(cipher, 'endpoint', updated) as Awaited<ReturnType<Store['updateEndpoint']>>;
    },
    async createSource(input) {
      const id = input.id ?? newId('src');
      const created = await store.createSource({
        ...input,
        id,
        secrets: encryptSecretList(cipher, 'source', id, input.secrets),
      });
      return { ...created, secrets: input.secrets.map((entry) => ({ ...entry })) };
    },
    async updateSource(id, patch) {
      const secrets = patch.secrets && encryptSecretList(cipher, 'source', id, patch.secrets);
      const updated = await store.updateSource(id, secrets ? { ...patch, secrets } : patch);
      return decryptResult(cipher, 'source', updated) as Awaited<ReturnType<Store['updateSource']>>;
    },
  };
  const reads: [string, Resource][] = [
    ...ENDPOINT_READS.map((name) => [name, 'endpoint'] as [string, Resource]),
    ...SOURCE_READS.map((name) => [name, 'source'] as [string, Resource]),
  ];
  const decrypting = Object.fromEntries(
    reads.map(([name, resource]) => {
      const read = Reflect.get(store, name, store) as (...args: unknown[]) => Promise<unknown>;
      return [
        name,
        async (...args: unknown[]) => decryptResult(cipher, resource, await read.apply(store, args)),
      ];
    }),
  ) as Partial<Store>;
  return overrideStore(store, { ...decrypting, ...overrides });
}
