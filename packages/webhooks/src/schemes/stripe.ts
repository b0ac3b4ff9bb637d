import { fromHex, toHex } from '../encoding.ts';
import { failure, type VerifyResult } from '../errors.ts';
import { findMatchingSecret, hmac } from '../hmac.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import {
  bytesToSign,
  isFailure,
  jsonField,
  jsonOf,
  MAX_SIGNATURES,
  nowMs,
  requireHeader,
  secretsOf,
  signingSecrets,
} from '../scheme-support.ts';
import { checkTolerance, parseTimestamp } from '../timestamp.ts';

const HEADER = 'stripe-signature';

async function verifyStripe(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const header = requireHeader(request, HEADER);
  if (isFailure(header)) return header;
  const items = header.split(',');
  if (items.length > MAX_SIGNATURES + 2) {
    return failure(
      'malformed_header',
      `the Stripe-Signature header has more than ${MAX_SIGNATURES} signatures`,
    );
  }
  let t: string | undefined;
  const v1: Uint8Array[] = [];
  let others = 0;
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (eq < 1) continue;
    if (key === 't') {
      if (t !== undefined)
        return failure('malformed_header', 'the Stripe-Signature header has two t= timestamps');
      t = value;
    } else if (key === 'v1') {
      const signature = fromHex(value);
      if (signature?.length === 32) v1.push(signature);
    } else {
      others++;
    }
  }
  if (t === undefined) return failure('malformed_header', 'the Stripe-Signature header has no t= timestamp');
  const timestamp = parseTimestamp(t, 'the Stripe-Signature t= value');
  if (isFailure(timestamp)) return timestamp;
  if (v1.length === 0) {
    return others > 0
      ? failure(
          'unsupported_version',
          'the Stripe-Signature header has no v1= signature (only other schemes)',
        )
      : failure('malformed_header', 'the Stripe-Signature header has no well-formed v1= signature');
  }
  const late = checkTolerance(timestamp, nowMs(config), config.toleranceSeconds);
  if (late) return late;
  const content = [`${t}.`, body];
  const index = await findMatchingSecret('sha256', secrets, content, v1);
  if (index === undefined) {
    return failure(
      'invalid_signature',
      'no v1 signature matches: use the endpoint signing secret (whsec_…) of this endpoint, and the raw body',
    );
  }
  return { ok: true, timestamp, secretIndex: index };
}

/**
 * Stripe (`Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `{t}.{body}` keyed with the
 * whole `whsec_…` string as UTF-8). Options: `secret`/`secrets`, `toleranceSeconds`, `now`.
 * Event id and type: the JSON `id` and `type`.
 */
export const stripeScheme: Scheme = {
  name: 'stripe',
  verify: verifyStripe,
  sign: async (request, config) => {
    const secrets = signingSecrets(config);
    const timestamp = request.timestamp ?? Math.floor(nowMs(config) / 1000);
    const content = [`${timestamp}.`, bytesToSign(request.body)];
    const parts = [`t=${timestamp}`];
    for (const secret of secrets) parts.push(`v1=${toHex(await hmac('sha256', secret, content))}`);
    return { [HEADER]: parts.join(',') };
  },
  describe: (request, json) => {
    const parsed = jsonOf(request, json);
    const id = jsonField(parsed, 'id');
    const eventType = jsonField(parsed, 'type');
    return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
  },
};
