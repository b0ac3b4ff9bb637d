import type { Store } from '../store/store.ts';
import { StoreError } from '../store/store-error.ts';
import type { EndpointSecret } from '../store/types.ts';
import { decryptHeaders, decryptSecretList, encryptHeaders, encryptSecretList } from './encrypting-store.ts';
import { envelopeKeyId, type SecretCipher } from './secret-cipher.ts';

/**
 * - `check`: decrypt every stored secret, write nothing (a process that did not get the startup job still
 *   refuses to start on a key it lacks, instead of failing per request later).
 * - `plaintext`: also encrypt values stored before encryption existed (startup).
 * - `rotate`: also re-encrypt every envelope not under the cipher's current key (`hookline encryption
 *   rotate-key`); rows already under it are skipped, so an interrupted run is resumed by running it again.
 */
export type ReencryptMode = 'check' | 'plaintext' | 'rotate';

export interface ReencryptSummary {
  endpoints: { scanned: number; rewritten: number };
  sources: { scanned: number; rewritten: number };
}

type Resource = 'endpoint' | 'source';
const PAGE = 500;
/** A row whose secrets keep changing under us (an API rotating it in a loop) is retried this often. */
const MAX_RETRIES = 5;

/** Whether any stored value (an envelope, or plaintext from before encryption) must be written again. */
function needsRewrite(stored: readonly string[], cipher: SecretCipher, mode: ReencryptMode): boolean {
  if (mode === 'check') return false;
  return stored.some((value) => {
    const keyId = envelopeKeyId(value);
    return keyId === null || (mode === 'rotate' && keyId !== cipher.keyId);
  });
}

/**
 * Walks every endpoint and source of the raw (unwrapped) store. Every envelope is decrypted, which
 * throws `encryption_key_unknown` naming the key id when this process lacks its key; rows that need it
 * are rewritten with a compare-and-set (`replaceSecrets`), so an API write racing the walk is never lost.
 */
export async function reencryptSecrets(
  store: Store,
  cipher: SecretCipher,
  mode: ReencryptMode,
  onProgress?: (resource: Resource, summary: { scanned: number; rewritten: number }) => void,
): Promise<ReencryptSummary> {
  const endpoints = await walk(store, cipher, mode, 'endpoint', onProgress);
  const sources = await walk(store, cipher, mode, 'source', onProgress);
  return { endpoints, sources };
}

async function walk(
  store: Store,
  cipher: SecretCipher,
  mode: ReencryptMode,
  resource: Resource,
  onProgress: ((resource: Resource, summary: { scanned: number; rewritten: number }) => void) | undefined,
): Promise<{ scanned: number; rewritten: number }> {
  const counts = { scanned: 0, rewritten: 0 };
  let cursor: string | null = null;
  do {
    const page: {
      data: { id: string; secrets: EndpointSecret[]; headers?: Record<string, string> }[];
      nextCursor: string | null;
    } =
      resource === 'endpoint'
        ? await store.listEndpoints({ limit: PAGE, cursor })
        : await store.listSources({ limit: PAGE, cursor });
    for (const row of page.data) {
      counts.scanned += 1;
      const secrets = await rewrite(store, cipher, mode, resource, row);
      const headers = row.headers ? await rewriteHeaders(store, cipher, mode, row.id, row.headers) : false;
      if (secrets || headers) counts.rewritten += 1;
    }
    cursor = page.nextCursor;
    onProgress?.(resource, { ...counts });
  } while (cursor !== null);
  return counts;
}

async function rewrite(
  store: Store,
  cipher: SecretCipher,
  mode: ReencryptMode,
  resource: Resource,
  row: { id: string; secrets: EndpointSecret[] },
): Promise<boolean> {
  let current: { id: string; secrets: EndpointSecret[] } | null = row;
  for (let attempt = 0; current !== null && attempt < MAX_RETRIES; attempt += 1) {
    const plain = decryptSecretList(cipher, resource, current.id, current.secrets);
    if (
      !needsRewrite(
        current.secrets.map((entry) => entry.secret),
        cipher,
        mode,
      )
    )
      return false;
    const next = encryptSecretList(cipher, resource, current.id, plain);
    if (await store.replaceSecrets(resource, current.id, current.secrets, next)) return true;
    current =
      resource === 'endpoint' ? await store.getEndpoint(current.id) : await store.getSource(current.id);
  }
  if (current === null) return false;
  throw new StoreError(
    'conflict',
    `${resource} ${row.id}: its secrets changed ${MAX_RETRIES} times during re-encryption; run again`,
  );
}

/** The same walk step for an endpoint's custom header values, with their own compare-and-set. */
async function rewriteHeaders(
  store: Store,
  cipher: SecretCipher,
  mode: ReencryptMode,
  id: string,
  headers: Record<string, string>,
): Promise<boolean> {
  let current: Record<string, string> | null = headers;
  for (let attempt = 0; current !== null && attempt < MAX_RETRIES; attempt += 1) {
    const plain = decryptHeaders(cipher, id, current);
    if (!needsRewrite(Object.values(current), cipher, mode)) return false;
    if (await store.replaceEndpointHeaders(id, current, encryptHeaders(cipher, id, plain))) return true;
    current = (await store.getEndpoint(id))?.headers ?? null;
  }
  if (current === null) return false;
  throw new StoreError(
    'conflict',
    `endpoint ${id}: its headers changed ${MAX_RETRIES} times during re-encryption; run again`,
  );
}
