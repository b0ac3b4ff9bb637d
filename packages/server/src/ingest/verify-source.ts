import {
  isSchemeName,
  type Scheme,
  type SchemeConfig,
  schemes,
  type VerifyErrorCode,
  type VerifySuccess,
  type WebhookRequest,
} from '@hookline/webhooks';
import type { Source } from '../store/types.ts';
import { IngestError, type IngestErrorCode } from './ingest-errors.ts';

/** Secrets still valid at `now`, newest first (the scheme tries them in order). */
export function activeSecrets(source: Pick<Source, 'secrets'>, now: number): string[] {
  return source.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((s) => s.secret);
}

const OPTION_KEYS = [
  'header',
  'algorithm',
  'encoding',
  'prefix',
  'timestampHeader',
  'signedContent',
  'allowSha1',
] as const;

/** The scheme's options from a source's stored `verification`, its live secrets, tolerance and clock. */
export function schemeConfigOf(source: Source, clock: () => number): SchemeConfig {
  const config: Record<string, unknown> = {
    secrets: activeSecrets(source, clock()),
    toleranceSeconds: source.toleranceSeconds,
    now: clock,
  };
  for (const key of OPTION_KEYS) {
    const value = source.verification[key];
    if (value !== undefined && value !== null) config[key] = value;
  }
  return config as SchemeConfig;
}

/** The scheme a source names; sources are validated on write, so an unknown name is a misconfiguration. */
export function schemeOf(source: Source): Scheme {
  const name = source.verification.scheme;
  if (!isSchemeName(name)) throw new IngestError('source_misconfigured');
  return schemes[name];
}

function errorFor(code: VerifyErrorCode, scheme: string): IngestError {
  let mapped: IngestErrorCode;
  switch (code) {
    case 'missing_header':
      mapped = 'signature_missing';
      break;
    case 'malformed_header':
    case 'unsupported_version':
    case 'invalid_signature':
      // A shared token that is present but wrong is a refusal of a known caller: 403 (RFC 9110).
      mapped = scheme === 'token' ? 'invalid_token' : 'invalid_signature';
      break;
    case 'timestamp_too_old':
    case 'timestamp_in_future':
      mapped = 'timestamp_out_of_window';
      break;
    case 'invalid_timestamp':
      mapped = 'invalid_timestamp';
      break;
    case 'invalid_json':
      mapped = 'invalid_json';
      break;
    case 'body_too_large':
      mapped = 'payload_too_large';
      break;
    default:
      // invalid_secret, invalid_config, body_not_raw, missing_url: our side, so the sender retries.
      mapped = 'source_misconfigured';
  }
  const headers: Record<string, string> =
    scheme === 'basic' && mapped !== 'source_misconfigured'
      ? { 'www-authenticate': 'Basic realm="hookline", charset="UTF-8"' }
      : {};
  return new IngestError(mapped, { headers });
}

/**
 * The secrets the scheme can use, each asked of the scheme itself with an empty request: a scheme checks
 * its secrets before the request, so only an unusable secret answers `invalid_secret`. Called only when
 * a whole list was refused, so one bad secret (saved before write-time checks existed) does not lock
 * out senders still signing with a good one.
 */
async function usableSecrets(scheme: Scheme, config: SchemeConfig): Promise<string[]> {
  const usable: string[] = [];
  for (const secret of config.secrets ?? []) {
    const probe = await scheme.verify(
      { headers: {}, body: new Uint8Array(0) },
      { ...config, secrets: [secret] },
    );
    if (probe.ok || probe.code !== 'invalid_secret') usable.push(secret);
  }
  return usable;
}

/**
 * Verifies a request over its exact bytes with the source's scheme. Resolves to what the scheme verified
 * (id, timestamp) or throws an {@link IngestError} whose message is fixed text: the scheme's own message
 * (which may name headers) is logged by the caller, never sent.
 */
export async function verifySource(
  source: Source,
  request: WebhookRequest,
  clock: () => number,
): Promise<{ ok: true; verified: VerifySuccess } | { ok: false; error: IngestError; detail: string }> {
  const scheme = schemeOf(source);
  const config = schemeConfigOf(source, clock);
  let result = await scheme.verify(request, config);
  if (!result.ok && result.code === 'invalid_secret') {
    const usable = await usableSecrets(scheme, config);
    if (usable.length > 0 && usable.length < (config.secrets?.length ?? 0)) {
      result = await scheme.verify(request, { ...config, secrets: usable });
    }
  }
  if (result.ok) return { ok: true, verified: result };
  return {
    ok: false,
    error: errorFor(result.code, scheme.name),
    detail: `${result.code}: ${result.message}`,
  };
}

/**
 * The live secret that verifies `request` on its own (newest first), for answers that must be signed
 * with the very secret the provider used (Zoom's URL validation); undefined when none does.
 */
export async function verifyingSecret(
  source: Source,
  request: WebhookRequest,
  clock: () => number,
): Promise<string | undefined> {
  const scheme = schemeOf(source);
  const config = schemeConfigOf(source, clock);
  for (const secret of config.secrets ?? []) {
    if ((await scheme.verify(request, { ...config, secrets: [secret] })).ok) return secret;
  }
  return undefined;
}
