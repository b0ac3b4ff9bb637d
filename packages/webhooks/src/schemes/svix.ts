import type { Scheme } from '../scheme.ts';
import { headerField, jsonField, jsonOf, nowMs, signingSecrets } from '../scheme-support.ts';
import { type StandardHeaderNames, sign, verify } from '../standard-webhooks.ts';

/** Svix sends Standard Webhooks signatures under its own header names. */
export const SVIX_HEADERS: StandardHeaderNames = {
  id: 'svix-id',
  timestamp: 'svix-timestamp',
  signature: 'svix-signature',
};

/**
 * Svix (and the many providers built on it: Clerk, Resend, …): `svix-id`, `svix-timestamp`,
 * `svix-signature`, `whsec_` secrets. Options: `secret`/`secrets`, `toleranceSeconds`, `now`.
 * Event id: `svix-id`; type: JSON `type`.
 */
export const svixScheme: Scheme = {
  name: 'svix',
  verify: (request, config) => verify(request, config, SVIX_HEADERS),
  sign: (request, config) =>
    sign(
      {
        body: request.body,
        secrets: signingSecrets(config),
        ...(request.id === undefined ? {} : { id: request.id }),
        timestamp: request.timestamp ?? Math.floor(nowMs(config) / 1000),
      },
      SVIX_HEADERS,
    ),
  describe: (request, json) => {
    const id = headerField(request, 'svix-id');
    const eventType = jsonField(jsonOf(request, json), 'type');
    return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
  },
};
