import { fromBase64, fromHex, toBase64, toHex } from '../encoding.ts';
import { failure, type VerifyFailure, type VerifyResult, WebhookError } from '../errors.ts';
import { findMatchingSecret, hmac } from '../hmac.ts';
import type { MacContent } from '../mac-content.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import {
  bytesToSign,
  isFailure,
  nowMs,
  requireHeader,
  secretsOf,
  signingSecrets,
} from '../scheme-support.ts';
import { checkTolerance, parseTimestamp } from '../timestamp.ts';
import { describeGeneric } from './generic.ts';

/** Header read by the `hmac` scheme when `header` is not set. */
export const DEFAULT_HMAC_HEADER = 'x-signature';
/** Signed content of the `hmac` scheme when a timestamp header is set and `signedContent` is not. */
export const DEFAULT_SIGNED_CONTENT = '{timestamp}.{body}';

const DIGEST_LENGTH = { sha1: 20, sha256: 32, sha512: 64 } as const;

/**
 * The bytes the `hmac` scheme signs: the body alone, or, with a timestamp, the template with `{timestamp}`
 * and `{body}` replaced (the body inserted as raw bytes, never re-encoded).
 */
function content(
  config: SchemeConfig,
  body: Uint8Array<ArrayBuffer>,
  timestamp: string | undefined,
): MacContent | VerifyFailure {
  if (timestamp === undefined) return body;
  const template = config.signedContent ?? DEFAULT_SIGNED_CONTENT;
  const pieces = template.split('{body}');
  // Without {timestamp} the header could be changed freely and the tolerance check would prove nothing.
  if (pieces.length !== 2 || !template.includes('{timestamp}')) {
    return failure(
      'invalid_config',
      'signedContent must contain {body} exactly once and {timestamp}, or they would go unsigned',
    );
  }
  const [before = '', after = ''] = pieces.map((piece) => piece.replaceAll('{timestamp}', timestamp));
  return [before, body, after];
}

async function verifyHmac(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const name = config.header ?? DEFAULT_HMAC_HEADER;
  const algorithm = config.algorithm ?? 'sha256';
  const prefix = config.prefix ?? '';
  const header = requireHeader(request, name);
  if (isFailure(header)) return header;
  let timestamp: number | undefined;
  let ts: string | undefined;
  if (config.timestampHeader !== undefined) {
    const value = requireHeader(request, config.timestampHeader);
    if (isFailure(value)) return value;
    const parsed = parseTimestamp(value, config.timestampHeader);
    if (isFailure(parsed)) return parsed;
    const late = checkTolerance(parsed, nowMs(config), config.toleranceSeconds);
    if (late) return late;
    timestamp = parsed;
    ts = value;
  }
  if (!header.startsWith(prefix)) {
    return failure('unsupported_version', `the ${name} header must start with "${prefix}"`);
  }
  const text = header.slice(prefix.length);
  const signature = config.encoding === 'base64' ? fromBase64(text) : fromHex(text);
  if (signature === undefined || signature.length !== DIGEST_LENGTH[algorithm]) {
    return failure(
      'malformed_header',
      `the ${name} header does not hold a ${config.encoding ?? 'hex'} ${algorithm} digest after "${prefix}"`,
    );
  }
  const signed = content(config, body, ts);
  if (isFailure(signed)) return signed;
  const index = await findMatchingSecret(algorithm, secrets, signed, [signature]);
  if (index === undefined) {
    return failure(
      'invalid_signature',
      `no secret produces the ${name} signature: check the secret, algorithm, encoding and signed content`,
    );
  }
  return { ok: true, secretIndex: index, ...(timestamp === undefined ? {} : { timestamp }) };
}

/**
 * Generic HMAC of the raw body, as home-grown senders do it. Options: `secret`/`secrets` (UTF-8),
 * `header` (default `X-Signature`), `algorithm` (`sha256` | `sha1` | `sha512`), `encoding` (`hex` |
 * `base64`), `prefix` (such as `sha256=`), `timestampHeader` (such as `X-Timestamp`; its value is then
 * signed with the body as `signedContent`, default `{timestamp}.{body}`, and checked against
 * `toleranceSeconds`). Event id and type: JSON `id`, and `type` or `event`.
 */
export const hmacScheme: Scheme = {
  name: 'hmac',
  verify: verifyHmac,
  sign: async (request, config) => {
    const secret = signingSecrets(config)[0] as string;
    const algorithm = config.algorithm ?? 'sha256';
    const headers: Record<string, string> = {};
    let ts: string | undefined;
    if (config.timestampHeader !== undefined) {
      ts = String(request.timestamp ?? Math.floor(nowMs(config) / 1000));
      headers[config.timestampHeader.toLowerCase()] = ts;
    }
    const signed = content(config, bytesToSign(request.body), ts);
    if (isFailure(signed)) throw WebhookError.fromFailure(signed);
    const mac = await hmac(algorithm, secret, signed);
    const encoded = config.encoding === 'base64' ? toBase64(mac) : toHex(mac);
    headers[(config.header ?? DEFAULT_HMAC_HEADER).toLowerCase()] = (config.prefix ?? '') + encoded;
    return headers;
  },
  describe: describeGeneric,
};
