import { utf8 } from '../encoding.ts';
import { failure, type VerifyResult } from '../errors.ts';
import { sha256 } from '../hmac.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import { isFailure, requireHeader, secretsOf, signingSecrets } from '../scheme-support.ts';
import { timingSafeEqual } from '../timing-safe-equal.ts';
import { describeGeneric } from './generic.ts';

/** Header read by the `token` scheme when `header` is not set. */
export const DEFAULT_TOKEN_HEADER = 'x-webhook-token';

/**
 * Constant-time equality of two secrets of any length: their SHA-256 digests are compared, so neither the
 * position of the first difference nor the length of the expected value shows in the timing.
 */
export async function secretEquals(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(utf8(given)), sha256(utf8(expected))]);
  return timingSafeEqual(a, b);
}

async function verifyToken(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const name = config.header ?? DEFAULT_TOKEN_HEADER;
  const header = requireHeader(request, name);
  if (isFailure(header)) return header;
  const prefix = config.prefix ?? '';
  if (!header.startsWith(prefix))
    return failure('malformed_header', `the ${name} header must start with "${prefix}"`);
  const token = header.slice(prefix.length);
  for (const [index, secret] of secrets.entries()) {
    if (await secretEquals(token, secret)) return { ok: true, secretIndex: index };
  }
  return failure('invalid_signature', `the ${name} header does not hold a configured token`);
}

/**
 * A shared token in a header (`X-Webhook-Token: <token>` by default), compared in constant time. It proves
 * who sent the request, not what they sent: prefer an HMAC scheme when the sender can sign. Options:
 * `secret`/`secrets`, `header`, `prefix` (such as `Bearer ` with `header: 'authorization'`).
 */
export const tokenScheme: Scheme = {
  name: 'token',
  verify: verifyToken,
  sign: async (_request, config) => {
    const secret = signingSecrets(config)[0] as string;
    return { [(config.header ?? DEFAULT_TOKEN_HEADER).toLowerCase()]: (config.prefix ?? '') + secret };
  },
  describe: describeGeneric,
};
