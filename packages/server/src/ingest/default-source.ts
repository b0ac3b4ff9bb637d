import type { Store } from '../store/store.ts';
import { isStoreError } from '../store/store-error.ts';
import type { Source } from '../store/types.ts';
import { ALIAS_PATTERN } from './alias-pattern.ts';
import { type IngestConfig, ingestConfig } from './ingest-config.ts';
import { DEFAULT_RESPONSE } from './source-input.ts';
import { generateSourceToken } from './source-token.ts';

/** Name of the source `hookline serve` creates at first start. */
export const DEFAULT_SOURCE_NAME = 'default';
/** Path the default source answers on, as in the seeds' `POST /webhook`. */
export const DEFAULT_SOURCE_ALIAS = '/webhook';

export interface DefaultSourceOptions {
  /** Alias path (default `/webhook`); null for none (reachable at `/in/{token}` only). */
  alias?: string | null;
  config?: Partial<IngestConfig>;
  random?: (size: number) => Uint8Array;
}

/** Meta key recording that this database got its default source, so it is never made twice. */
export const DEFAULT_SOURCE_CREATED_KEY = 'default_source_created';

/**
 * Creates the quick-start source at the database's first start (scheme `none`, alias `/webhook`, any
 * content type, no dedup) and records that it did; returns it, or null once it was deleted or renamed.
 * Only once per database: an operator who deletes or renames the unverified endpoint must not find it
 * back after a restart. Safe when two processes start together: the loser of the unique-name race
 * reads the winner's source.
 *
 * @example
 * const source = await ensureDefaultSource(store, { alias: config.defaultSourceAlias });
 * if (source) log.info(`POST http://localhost:${port}${source.alias ?? `/in/${source.token}`}`);
 */
export async function ensureDefaultSource(
  store: Store,
  options: DefaultSourceOptions = {},
): Promise<Source | null> {
  const alias = options.alias === undefined ? DEFAULT_SOURCE_ALIAS : options.alias;
  if (alias !== null && !ALIAS_PATTERN.test(alias)) {
    // A configuration mistake, caught at startup: alias routes match one path segment only.
    throw new RangeError(`the default source alias must be one path segment such as /webhook, not ${alias}`);
  }
  const existing = await store.getSourceByName(DEFAULT_SOURCE_NAME);
  if ((await store.getMeta(DEFAULT_SOURCE_CREATED_KEY)) !== null) return existing;
  // No record yet. A database from before the record with a default source, or with sources but none
  // named default (it was deleted or renamed), is past its first start: record that, create nothing.
  if (existing !== null || (await store.listSources({ limit: 1 })).data.length > 0) {
    await store.setMeta(DEFAULT_SOURCE_CREATED_KEY, 'true');
    // Read again: a process starting at the same moment may have just created it.
    return existing ?? (await store.getSourceByName(DEFAULT_SOURCE_NAME));
  }
  const config = ingestConfig(options.config);
  let created: Source;
  try {
    created = await store.createSource({
      name: DEFAULT_SOURCE_NAME,
      token: generateSourceToken(options.random),
      tenant: null,
      verification: { scheme: 'none' },
      secrets: [],
      toleranceSeconds: 300,
      maxBodyBytes: config.defaultMaxBodyBytes,
      contentTypes: null,
      requireJson: false,
      decompress: false,
      handshake: null,
      response: DEFAULT_RESPONSE,
      eventTypeRule: { kind: 'provider' },
      // Unsigned quick-start senders put anything in `id`; deduplicating on it would drop real events.
      dedupRule: { kind: 'none' },
      alias,
      disabled: false,
    });
  } catch (error) {
    if (!isStoreError(error, 'conflict')) throw error;
    const raced = await store.getSourceByName(DEFAULT_SOURCE_NAME);
    if (raced === null) throw error;
    return raced;
  }
  await store.setMeta(DEFAULT_SOURCE_CREATED_KEY, 'true');
  return created;
}
