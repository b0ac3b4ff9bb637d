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
  nowMs,
  requireHeader,
  secretsOf,
  signingSecrets,
} from '../scheme-support.ts';
import { checkTolerance, parseTimestamp } from '../timestamp.ts';

const SIGNATURE = 'x-slack-signature';
const TIMESTAMP = 'x-slack-request-timestamp';

async function verifySlack(request: WebhookRequest, config: SchemeConfig): Promise<VerifyResult> {
  const secrets = secretsOf(config);
  if (isFailure(secrets)) return secrets;
  const body = rawBytes(request.body);
  if (isFailure(body)) return body;
  const header = requireHeader(request, SIGNATURE);
  if (isFailure(header)) return header;
  const ts = requireHeader(request, TIMESTAMP);
  if (isFailure(ts)) return ts;
  const timestamp = parseTimestamp(ts, 'X-Slack-Request-Timestamp');
  if (isFailure(timestamp)) return timestamp;
  if (!header.startsWith('v0=')) {
    return failure('unsupported_version', 'the X-Slack-Signature header must start with "v0="');
  }
  const signature = fromHex(header.slice(3));
  if (signature === undefined || signature.length !== 32) {
    return failure('malformed_header', 'the X-Slack-Signature header does not hold a hex SHA-256 digest');
  }
  const late = checkTolerance(timestamp, nowMs(config), config.toleranceSeconds);
  if (late) return late;
  const content = [`v0:${ts}:`, body];
  const index = await findMatchingSecret('sha256', secrets, content, [signature]);
  if (index === undefined) {
    return failure(
      'invalid_signature',
      "no secret produces the signature: use the app's signing secret, and the raw body",
    );
  }
  return { ok: true, timestamp, secretIndex: index };
}

/**
 * Slack (`X-Slack-Signature: v0=<hex>` over `v0:{X-Slack-Request-Timestamp}:{body}`, HMAC-SHA256 keyed
 * with the signing secret). Options: `secret`/`secrets`, `toleranceSeconds`, `now`.
 * Event id: JSON `event_id`; type: the inner `event.type` of an `event_callback`, else JSON `type`.
 */
export const slackScheme: Scheme = {
  name: 'slack',
  verify: verifySlack,
  sign: async (request, config) => {
    const secret = signingSecrets(config)[0] as string;
    const timestamp = request.timestamp ?? Math.floor(nowMs(config) / 1000);
    const content = [`v0:${timestamp}:`, bytesToSign(request.body)];
    return {
      [SIGNATURE]: `v0=${toHex(await hmac('sha256', secret, content))}`,
      [TIMESTAMP]: String(timestamp),
    };
  },
  describe: (request, json) => {
    const parsed = jsonOf(request, json);
    const id = jsonField(parsed, 'event_id');
    const outer = jsonField(parsed, 'type');
    const inner =
      outer === 'event_callback' ? jsonField((parsed as { event?: unknown }).event, 'type') : undefined;
    const eventType = inner ?? outer;
    return { ...(id === undefined ? {} : { id }), ...(eventType === undefined ? {} : { eventType }) };
  },
};
