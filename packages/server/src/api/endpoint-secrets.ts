import { randomBytes } from 'node:crypto';
import { generateKeyPair, generateSecret, publicKeyOf } from '@hookline/webhooks';
import { LIMITS } from '../config.ts';
import { ApiError } from '../errors.ts';
import type { EndpointSecret, SigningScheme } from '../store/types.ts';
import { endpointSecretProblem } from './endpoint-secret-rules.ts';

/** A secret for a new endpoint or a rotation; `publicKey` is what v1a receivers verify with. */
export interface IssuedSecret {
  secret: string;
  publicKey?: string;
}

/**
 * Issues the signing secret: the caller's (checked against the scheme) or a new one — `whsec_` for
 * Standard Webhooks v1, a `whsk_` ed25519 key for v1a, 32 random bytes (base64url) for legacy modes.
 */
export async function issueSecret(
  signing: SigningScheme,
  given: string | undefined,
  random: (size: number) => Uint8Array = randomBytes,
): Promise<IssuedSecret> {
  if (given !== undefined) {
    assertSecretFits(signing, given);
    if (signing.scheme !== 'standard-webhooks-v1a') return { secret: given };
    const publicKey = await publicKeyOf(given);
    if (typeof publicKey !== 'string')
      throw new ApiError('invalid_secret', 'Not a whsk_ ed25519 secret key.');
    return { secret: given, publicKey };
  }
  if (signing.scheme === 'standard-webhooks-v1') return { secret: generateSecret(random) };
  if (signing.scheme === 'standard-webhooks-v1a') {
    const pair = await generateKeyPair(random);
    return { secret: pair.secretKey, publicKey: pair.publicKey };
  }
  return { secret: Buffer.from(random(32)).toString('base64url') };
}

function assertSecretFits(signing: SigningScheme, secret: string): void {
  const problem = endpointSecretProblem(signing.scheme, secret);
  if (problem !== undefined) throw new ApiError('invalid_secret', problem);
}

/**
 * The secret list after a rotation: the new secret becomes current, the old current one keeps signing
 * until `now + graceMs`, expired ones are dropped and at most `LIMITS.maxOldSecrets` old ones remain.
 */
export function rotateSecrets(
  secrets: EndpointSecret[],
  next: string,
  now: number,
  graceMs: number,
): EndpointSecret[] {
  const old = secrets
    .map((entry) => (entry.expiresAt === null ? { ...entry, expiresAt: now + graceMs } : entry))
    .filter((entry) => (entry.expiresAt ?? 0) > now)
    .sort((a, b) => (b.expiresAt ?? 0) - (a.expiresAt ?? 0))
    .slice(0, LIMITS.maxOldSecrets);
  return [{ secret: next, createdAt: now, expiresAt: null }, ...old];
}
