import { fromBase64, toBase64 } from '../encoding.ts';
import { failure, type VerifyResult } from '../errors.ts';
import { findMatchingSecret, hmac } from '../hmac.ts';
import { rawBytes } from '../raw-body.ts';
import type { Scheme, SchemeConfig, WebhookRequest } from '../scheme.ts';
import {
  bytesToSign,
  headerField,
  isFailure,
  requireHeader,
  secretsOf,
  signingSecrets,
} from '../scheme-support.ts';

const HEADER = 'x-shopify-hmac-sha256';

async function verifyShopify(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const header = requireHeader(request, HEADER);
  if (isFailure(header)) return header;
  const signature = fromBase64(header);
  if (signature === undefined || signature.length !== 32) {
    return failure(
      'malformed_header',
      'the X-Shopify-Hmac-Sha256 header does not hold a base64 SHA-256 digest',
    );
  }
  const index = await findMatchingSecret('sha256', secrets, body, [signature]);
  if (index === undefined) {
    return failure(
      'invalid_signature',
      "no secret produces the signature: use the app's client secret, and the raw body",
    );
  }
  return { ok: true, secretIndex: index };
}

/**
 * Shopify (`X-Shopify-Hmac-Sha256: <base64>`, HMAC-SHA256 of the body keyed with the app's client secret).
 * Options: `secret`/`secrets`. Shopify signs no timestamp: dedup on the event id.
 * Event id: `X-Shopify-Webhook-Id`; type: `X-Shopify-Topic` (`orders/create`).
 */
export const shopifyScheme: Scheme = {
  name: 'shopify',
  verify: verifyShopify,
  sign: async (request, config) => {
    const secret = signingSecrets(config)[0] as string;
    return { [HEADER]: toBase64(await hmac('sha256', secret, bytesToSign(request.body))) };
  },
  describe: (request) => {
    const id = headerField(request, 'x-shopify-webhook-id');
    const eventType = headerField(request, 'x-shopify-topic');
    return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
  },
};
