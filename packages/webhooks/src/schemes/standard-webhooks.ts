import type { Scheme } from '../scheme.ts';
import { headerField, jsonField, jsonOf, nowMs, signingSecrets } from '../scheme-support.ts';
import { sign, verify } from '../standard-webhooks.ts';

/**
 * Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`): v1 HMAC-SHA256 with
 * `whsec_` secrets and v1a Ed25519 with `whsk_` (sign) / `whpk_` (verify) keys.
 * Options: `secret`/`secrets`, `toleranceSeconds`, `now`. Event id: `webhook-id`; type: JSON `type`.
 */
export const standardWebhooksScheme: Scheme = {
  name: 'standard-webhooks',
  verify: (request, config) => verify(request, config),
  sign: (request, config) =>
    sign({
      body: request.body,
      secrets: signingSecrets(config),
      ...(request.id === undefined ? {} : { id: request.id }),
      timestamp: request.timestamp ?? Math.floor(nowMs(config) / 1000),
    }),
  describe: (request, json) => {
    const id = headerField(request, 'webhook-id');
    const eventType = jsonField(jsonOf(request, json), 'type');
    return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
  },
};
