import { fromBase64, fromUtf8, toBase64, utf8 } from '../encoding.ts';
import { failure, type VerifyResult, WebhookError } from '../errors.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import { isFailure, requireHeader, secretsOf, signingSecrets } from '../scheme-support.ts';
import { describeGeneric } from './generic.ts';
import { secretEquals } from './token.ts';

async function verifyBasic(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  if (secrets.some((secret) => !secret.includes(':'))) {
    return failure('invalid_secret', 'basic secrets are "user:password" strings');
  }
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const header = requireHeader(request, 'authorization');
  if (isFailure(header)) return header;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') {
    return failure('unsupported_version', 'the Authorization header must use the Basic scheme');
  }
  const decoded = fromBase64(header.slice(space + 1).trim());
  if (decoded === undefined) return failure('malformed_header', 'the Basic credentials are not valid base64');
  const credentials = fromUtf8(decoded);
  for (const [index, secret] of secrets.entries()) {
    if (await secretEquals(credentials, secret)) return { ok: true, secretIndex: index };
  }
  return failure('invalid_signature', 'the Basic credentials do not match a configured user:password');
}

/**
 * HTTP Basic authentication (`Authorization: Basic base64(user:password)`), compared in constant time.
 * Options: `secret`/`secrets` as `"user:password"`. Event id and type: JSON `id`, and `type` or `event`.
 */
export const basicScheme: Scheme = {
  name: 'basic',
  verify: verifyBasic,
  sign: async (_request, config) => {
    const secret = signingSecrets(config)[0] as string;
    if (!secret.includes(':'))
      throw new WebhookError('invalid_secret', 'basic secrets are "user:password" strings');
    return { authorization: `Basic ${toBase64(utf8(secret))}` };
  },
  describe: describeGeneric,
};
