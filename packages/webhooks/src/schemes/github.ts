import { fromHex, toHex } from '../encoding.ts';
import { failure, type VerifyResult } from '../errors.ts';
import { getHeader } from '../headers.ts';
import { findMatchingSecret, type HashAlgorithm, hmac } from '../hmac.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import {
  bytesToSign,
  headerField,
  isFailure,
  jsonField,
  jsonOf,
  requireHeader,
  secretsOf,
  signingSecrets,
} from '../scheme-support.ts';

const SHA256_HEADER = 'x-hub-signature-256';
const SHA1_HEADER = 'x-hub-signature';

async function verifyGithub(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  // The SHA-1 header is legacy: read only when asked for, and only when the SHA-256 one is absent.
  const useSha1 = config.allowSha1 === true && getHeader(request.headers, SHA256_HEADER) === undefined;
  const name = useSha1 ? SHA1_HEADER : SHA256_HEADER;
  const algorithm: HashAlgorithm = useSha1 ? 'sha1' : 'sha256';
  const header = requireHeader(request, name);
  if (isFailure(header)) return header;
  const [version, hex = ''] = header.split('=', 2);
  if (version !== algorithm) {
    return failure('unsupported_version', `the ${name} header must start with "${algorithm}="`);
  }
  const signature = fromHex(hex);
  if (signature === undefined || signature.length !== (useSha1 ? 20 : 32)) {
    return failure('malformed_header', `the ${name} header does not hold a hex ${algorithm} digest`);
  }
  const index = await findMatchingSecret(algorithm, secrets, body, [signature]);
  if (index === undefined) {
    return failure(
      'invalid_signature',
      `no secret produces the ${name} signature: wrong secret, or the body was changed`,
    );
  }
  return { ok: true, secretIndex: index };
}

/**
 * GitHub (`X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the body with the webhook secret as UTF-8).
 * Options: `secret`/`secrets`, `allowSha1` (legacy `X-Hub-Signature`). GitHub signs no timestamp: dedup
 * on the event id. Event id: `X-GitHub-Delivery`; type: `X-GitHub-Event` and the JSON `action`
 * (`issues.opened`).
 */
export const githubScheme: Scheme = {
  name: 'github',
  verify: verifyGithub,
  sign: async (request, config) => {
    const secret = signingSecrets(config)[0] as string;
    const body = bytesToSign(request.body);
    const headers: Record<string, string> = {
      [SHA256_HEADER]: `sha256=${toHex(await hmac('sha256', secret, body))}`,
    };
    if (config.allowSha1 === true) headers[SHA1_HEADER] = `sha1=${toHex(await hmac('sha1', secret, body))}`;
    return headers;
  },
  describe: (request, json) => {
    const id = headerField(request, 'x-github-delivery');
    const event = headerField(request, 'x-github-event');
    const action = event === undefined ? undefined : jsonField(jsonOf(request, json), 'action');
    const eventType = event === undefined ? undefined : action === undefined ? event : `${event}.${action}`;
    return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
  },
};
