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

/**
 * Creates the quick-start source at first start (scheme `none`, alias `/webhook`, any content type,
 * no dedup) unless a source named `default` already exists; returns it either way. Safe when two
 * processes start together: the loser of the unique-name race reads the winner's source.
 *
 * @example
 * const source = await ensureDefaultSource(store, { alias: config.defaultSourceAlias });
 * log.info(`POST http://localhost:${port}${source.alias ?? `/in/${source.token}`}`);
 */
export async function ensureDefaultSource(store: Store, options: DefaultSourceOptions = {}): Promise<Source> {
  const alias = options.alias === undefined ? DEFAULT_SOURCE_ALIAS : options.alias;
  if (alias !== null && !ALIAS_PATTERN.test(alias)) {
    // A configuration mistake, caught at startup: alias routes match one path segment only.
    throw new RangeError(`the default source alias must be one path segment such as /webhook, not ${alias}`);
  }
  const existing = await store.getSourceByName(DEFAULT_SOURCE_NAME);
  if (existing !== null) return existing;
  const config = ingestConfig(options.config);
  // Another source may own the alias already; the default source then lives at its token URL only.
  const aliasFree = alias === null ? false : (await store.getSourceByAlias(alias)) === null;
  try {
    return await store.createSource({
      name: DEFAULT_SOURCE_NAME,
      token: generateSourceToken(options.random),
      tenant: null,
      verification: { scheme: 'none' },
      secrets: [],
      toleranceSeconds: 300,
      maxBodyBytes: config.defaultMaxBodyBytes,
      contentTypes: null,
      requireJson: false,
      response: DEFAULT_RESPONSE,
      eventTypeRule: { kind: 'provider' },
      // Unsigned quick-start senders put anything in `id`; deduplicating on it would drop real events.
      dedupRule: { kind: 'none' },
      alias: aliasFree ? alias : null,
      disabled: false,
    });
  } catch (error) {
    if (!isStoreError(error, 'conflict')) throw error;
    const raced = await store.getSourceByName(DEFAULT_SOURCE_NAME);
    if (raced === null) throw error;
    return raced;
  }
}
