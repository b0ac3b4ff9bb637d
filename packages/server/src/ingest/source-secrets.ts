import { randomBytes } from 'node:crypto';
import { generateSecret } from '@hookline/webhooks';
import { ApiError } from '../errors.ts';
import { MAX_OLD_SECRETS, MAX_SECRET_GRACE_MS } from '../secrets/secret-rotation-rules.ts';
import type { EndpointSecret, Source } from '../store/types.ts';
import { sourceSecretProblem } from './source-rules.ts';

/** Schemes whose secret the provider issues: Hookline cannot make one up, the user must paste it. */
const PROVIDER_ISSUED = new Set(['stripe', 'shopify', 'slack', 'twilio', 'svix']);

/**
 * A secret Hookline can generate for a scheme where the user chooses it (given to the sender):
 * `whsec_…` for Standard Webhooks, a random string for HMAC/GitHub/token, `hookline:<random>` for Basic;
 * undefined for `none` (no secret) and for provider-issued secrets.
 */
export function generateSecretFor(
  scheme: string,
  random: (size: number) => Uint8Array = randomBytes,
): string | undefined {
  if (scheme === 'none' || PROVIDER_ISSUED.has(scheme)) return undefined;
  if (scheme === 'standard-webhooks') return generateSecret(random);
  const value = Buffer.from(random(32)).toString('base64url');
  return scheme === 'basic' ? `hookline:${value}` : value;
}

/**
 * The secrets of a new source: the given ones (newest first), else a generated one. A scheme that
 * verifies needs at least one; Basic secrets must be `user:password`.
 */
export function initialSecrets(
  scheme: string,
  given: string[],
  now: number,
  random?: (size: number) => Uint8Array,
): EndpointSecret[] {
  const plain = given.length > 0 ? given : [generateSecretFor(scheme, random)].filter((s) => s !== undefined);
  if (scheme !== 'none' && plain.length === 0) {
    throw new ApiError(
      'invalid_secret',
      `The ${scheme} scheme needs the secret the provider gave you: pass "secret".`,
    );
  }
  checkSecrets(scheme, plain);
  // The first given secret is current; any others are kept as current too (a migration from two senders).
  return plain.map((secret) => ({ secret, createdAt: now, expiresAt: null }));
}

function checkSecrets(scheme: string, secrets: string[]): void {
  for (const secret of secrets) {
    const problem = sourceSecretProblem(scheme, secret);
    if (problem !== undefined) throw new ApiError('invalid_secret', problem);
  }
}

/**
 * Rotation: `secret` (or a generated one) becomes current; the secrets current until now expire after
 * `graceMs`; expired ones are dropped and at most {@link MAX_OLD_SECRETS} old ones are kept.
 */
export function rotateSecrets(
  source: Pick<Source, 'secrets' | 'verification'>,
  options: { secret?: string; graceMs: number; now: number; random?: (size: number) => Uint8Array },
): { secrets: EndpointSecret[]; secret: string } {
  const scheme = source.verification.scheme;
  if (scheme === 'none') throw new ApiError('invalid_secret', 'The none scheme has no secret to rotate.');
  const secret = options.secret ?? generateSecretFor(scheme, options.random);
  if (secret === undefined) {
    throw new ApiError(
      'invalid_secret',
      `The ${scheme} scheme needs the new secret the provider gave you: pass "secret".`,
    );
  }
  checkSecrets(scheme, [secret]);
  if (!(options.graceMs >= 0 && options.graceMs <= MAX_SECRET_GRACE_MS)) {
    throw new ApiError('validation_failed', `graceSeconds must be from 0 to ${MAX_SECRET_GRACE_MS / 1000}.`);
  }
  const until = options.now + options.graceMs;
  const old = source.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > options.now)
    .map((s) => ({ ...s, expiresAt: s.expiresAt === null ? until : Math.min(s.expiresAt, until) }))
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, MAX_OLD_SECRETS);
  return { secrets: [{ secret, createdAt: options.now, expiresAt: null }, ...old], secret };
}
