// The grace syntax and limit of the CLI's --grace and of the API, from the server's Node-free module.
import {
  DEFAULT_SECRET_GRACE_MS,
  formatGraceSeconds,
  GRACE_EXAMPLES,
  MAX_SECRET_GRACE_MS,
  parseGraceSeconds,
} from '../../../server/src/secrets/secret-rotation-rules.ts';

/**
 * The secret rotation form of sources and endpoints: an optional new secret and the grace period during
 * which the previous secrets keep working. The two APIs take the grace in different units (sources
 * `graceSeconds`, endpoints `graceMs`); the form reads it the same way for both, as the CLI does.
 */

export interface RotationFormState {
  /** The new secret; empty to have Hookline generate one where the scheme allows it. */
  secret: string;
  /** `0`, `90s`, `30m`, `24h`, `7d`; empty for the server's default. */
  grace: string;
}

export type RotationFormErrors = Partial<Record<keyof RotationFormState, string>>;

const MAX_GRACE_SECONDS = MAX_SECRET_GRACE_MS / 1000;

/** The grace a source rotation gets when none is given (the endpoint default is a server option). */
export const DEFAULT_GRACE_SECONDS = DEFAULT_SECRET_GRACE_MS / 1000;

export function graceError(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const seconds = parseGraceSeconds(trimmed);
  if (seconds === null) return `Write it like ${GRACE_EXAMPLES}.`;
  if (seconds > MAX_GRACE_SECONDS) {
    return `At most ${formatGraceSeconds(MAX_GRACE_SECONDS)}: previous secrets are kept no longer.`;
  }
  return undefined;
}

/** The grace field's hint; `whenEmpty` is what the server does without one. */
export function graceHint(whenEmpty: string): string {
  return `Like ${GRACE_EXAMPLES} (at most ${formatGraceSeconds(MAX_GRACE_SECONDS)}). Empty: ${whenEmpty}.`;
}

/** The grace in seconds, or undefined for the server's default; call once valid. */
export function graceSecondsOf(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : (parseGraceSeconds(trimmed) ?? undefined);
}

/**
 * `rules.secretRequired`: the scheme's secrets come from a provider, so Hookline cannot make one up;
 * `rules.secretError`: the scheme's rule for a given secret, in the API's words.
 */
export function validateRotation(
  state: RotationFormState,
  rules: { secretRequired: boolean; secretError: (secret: string) => string | undefined },
): RotationFormErrors {
  const errors: RotationFormErrors = {};
  const secret = state.secret.trim();
  if (secret === '' && rules.secretRequired)
    errors.secret = 'Required: paste the new secret the provider gave you.';
  const problem = secret === '' ? undefined : rules.secretError(secret);
  if (problem !== undefined) errors.secret = problem;
  const grace = graceError(state.grace);
  if (grace !== undefined) errors.grace = grace;
  return errors;
}

/** The body of `POST /v1/sources/{id}/secrets/rotate`. */
export function sourceRotationBody(state: RotationFormState): { secret?: string; graceSeconds?: number } {
  const secret = state.secret.trim();
  const grace = graceSecondsOf(state.grace);
  return { ...(secret === '' ? {} : { secret }), ...(grace === undefined ? {} : { graceSeconds: grace }) };
}

/** The body of `POST /v1/endpoints/{id}/secret/rotate`. */
export function endpointRotationBody(state: RotationFormState): { secret?: string; graceMs?: number } {
  const secret = state.secret.trim();
  const grace = graceSecondsOf(state.grace);
  return { ...(secret === '' ? {} : { secret }), ...(grace === undefined ? {} : { graceMs: grace * 1000 }) };
}

const UNITS = [
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
] as const;

/** `86400` → `24 hours`, `172800` → `2 days`, `5400` → `90 minutes`: for the notes after a rotation. */
export function graceInWords(seconds: number): string {
  for (const [size, name] of UNITS) {
    // Days from two on: the 24-hour default reads better in hours.
    const count = seconds / size;
    if (Number.isInteger(count) && count >= (size === 86_400 ? 2 : 1)) {
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
