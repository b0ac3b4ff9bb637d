import { hmacScheme, type SchemeConfig, sign, tokenScheme, WebhookError } from '@hookline/webhooks';
import type { Endpoint, EndpointSecret, SigningScheme } from '../store/types.ts';

export interface SignDeliveryInput {
  endpoint: Pick<Endpoint, 'signing' | 'secrets'>;
  /** The message id: the same `webhook-id` on every retry, so receivers can deduplicate. */
  messageId: string;
  /** The exact bytes sent. */
  body: Uint8Array;
  /** Epoch ms of this attempt: every attempt gets a fresh timestamp and signature. */
  now: number;
}

export type SignDeliveryResult =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; code: 'no_valid_secret' | 'invalid_secret'; message: string };

/**
 * Builds the signature headers of one attempt for the endpoint's scheme, with `@hookline/webhooks`, so
 * what we send is what that library verifies:
 * - Standard Webhooks v1 / v1a: `webhook-id`, `webhook-timestamp`, `webhook-signature` with one
 *   signature per valid secret (the current one and any old one not yet expired), so receivers keep
 *   verifying during a rotation;
 * - `hmac`: the newest valid secret signs the body into the configured header, and `timestampHeader`
 *   (when set) carries the attempt's timestamp, unsigned unless the scheme has a `signedContent`
 *   template (see `signHmac`);
 * - `token`: the newest valid secret in the configured header.
 * Secrets that cannot sign are reported as a typed failure, never thrown.
 */
export async function signDelivery(input: SignDeliveryInput): Promise<SignDeliveryResult> {
  const secrets = validSecrets(input.endpoint.secrets, input.now);
  const newest = secrets[0];
  if (newest === undefined) {
    return { ok: false, code: 'no_valid_secret', message: 'the endpoint has no unexpired signing secret' };
  }
  const timestamp = Math.floor(input.now / 1000);
  const signing = input.endpoint.signing;
  try {
    switch (signing.scheme) {
      case 'standard-webhooks-v1':
      case 'standard-webhooks-v1a':
        return {
          ok: true,
          headers: await sign({ id: input.messageId, timestamp, body: input.body, secrets }),
        };
      case 'hmac':
        return { ok: true, headers: await signHmac(signing, newest, input.body, timestamp) };
      case 'token':
        return {
          ok: true,
          headers: await tokenScheme.sign(
            { body: input.body },
            { secrets: [newest], header: signing.header },
          ),
        };
    }
  } catch (error) {
    if (error instanceof WebhookError) return { ok: false, code: 'invalid_secret', message: error.message };
    throw error;
  }
}

/** Secrets that may sign at `now`, newest first: the current one (no expiry) and unexpired old ones. */
export function validSecrets(secrets: readonly EndpointSecret[], now: number): string[] {
  return secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .sort(
      (a, b) =>
        (a.expiresAt === null ? -1 : 0) - (b.expiresAt === null ? -1 : 0) || b.createdAt - a.createdAt,
    )
    .map((s) => s.secret);
}

/**
 * Headers as they may be stored with an attempt: the token of the `token` scheme and credentials in
 * custom headers (`Authorization`, `Cookie`, `X-Api-Key`…) are replaced. Signatures stay: they reveal
 * nothing about the secret.
 */
export function redactRequestHeaders(
  headers: Record<string, string>,
  signing: SigningScheme,
): Record<string, string> {
  const tokenHeader = signing.scheme === 'token' ? signing.header.toLowerCase() : null;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    out[name] = lower === tokenHeader || SENSITIVE.test(lower) ? '[redacted]' : value;
  }
  return out;
}

const SENSITIVE = /^(authorization|cookie|x-api-key|api-key|x-auth-token)$|token|secret|password/;

/**
 * Legacy HMAC headers. With a `signedContent` template (when the store's scheme carries one) the
 * library signs timestamp and body together. Without one the body alone is signed and the timestamp
 * header is added unsigned: that is what existing receivers such as the seeds' Flask app check, and
 * `@hookline/webhooks` rightly refuses to build an unsigned-timestamp template itself.
 */
async function signHmac(
  signing: Extract<SigningScheme, { scheme: 'hmac' }>,
  secret: string,
  body: Uint8Array,
  timestamp: number,
): Promise<Record<string, string>> {
  const template =
    'signedContent' in signing && typeof signing.signedContent === 'string' ? signing.signedContent : null;
  const config: SchemeConfig = {
    secrets: [secret],
    header: signing.header,
    algorithm: signing.algorithm,
    encoding: signing.encoding,
    ...(signing.prefix === undefined ? {} : { prefix: signing.prefix }),
    ...(template === null || signing.timestampHeader === undefined
      ? {}
      : { timestampHeader: signing.timestampHeader, signedContent: template }),
  };
  const headers = await hmacScheme.sign({ body, timestamp }, config);
  if (signing.timestampHeader !== undefined && template === null) {
    headers[signing.timestampHeader.toLowerCase()] = String(timestamp);
  }
  return headers;
}
