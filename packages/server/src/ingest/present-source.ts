import { iso } from '../api/present.ts';
import type { Source } from '../store/types.ts';

/**
 * A source as the API shows it: the ingest path (the token is the URL's capability, visible to those
 * who may read sources) but never a secret, only how many are live. Secrets are returned by create and
 * rotate alone, next to this representation.
 */
export function presentSource(source: Source, now: number) {
  return {
    id: source.id,
    name: source.name,
    tenant: source.tenant,
    ingestPath: `/in/${source.token}`,
    alias: source.alias,
    verification: source.verification,
    secretCount: source.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now).length,
    toleranceSeconds: source.toleranceSeconds,
    maxBodyBytes: source.maxBodyBytes,
    contentTypes: source.contentTypes,
    requireJson: source.requireJson,
    decompress: source.decompress,
    handshake: source.handshake,
    response: source.response,
    eventTypeRule: source.eventTypeRule,
    dedupRule: source.dedupRule,
    disabled: source.disabled,
    createdAt: iso(source.createdAt),
    updatedAt: iso(source.updatedAt),
  };
}
