import type { Source } from '../store/types.ts';

/**
 * Longest challenge echoed. Slack's are about 50 characters; the bound keeps the answer small whatever
 * a holder of the signing secret sends.
 */
export const MAX_SLACK_CHALLENGE_LENGTH = 256;

/**
 * The challenge of Slack's Events API handshake (`{"type":"url_verification","challenge":"…"}`), or
 * null when the request is not one. Slack registers a Request URL only when the answer carries the
 * challenge, so a `slack` source answers it instead of its configured response. Called only after the
 * signature verified: an unsigned challenge must never be echoed. Anything else (another scheme, a
 * challenge that is not a short string) is no handshake and goes down the normal path.
 */
export function slackChallengeOf(source: Pick<Source, 'verification'>, json: unknown): string | null {
  if (source.verification.scheme !== 'slack') return null;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const { type, challenge } = json as Record<string, unknown>;
  if (type !== 'url_verification' || typeof challenge !== 'string') return null;
  if (challenge.length === 0 || challenge.length > MAX_SLACK_CHALLENGE_LENGTH) return null;
  return challenge;
}
