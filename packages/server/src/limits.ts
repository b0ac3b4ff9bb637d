import { MAX_OLD_SECRETS, MAX_SECRET_GRACE_MS } from './secrets/secret-rotation-rules.ts';

// Apart from config.ts so the dashboard's endpoint form can import the bounds without bundling every
// option's documentation with them (about 10 KB of its script).

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

/** Bounds the API enforces on endpoint overrides too. */
export const LIMITS = {
  maxAttemptTimeoutMs: 30 * SECOND,
  minAttemptTimeoutMs: 1 * SECOND,
  maxRetryScheduleEntries: 20,
  maxRetryDelayMs: 7 * DAY,
  maxSecretRotationGraceMs: MAX_SECRET_GRACE_MS,
  maxOldSecrets: MAX_OLD_SECRETS,
} as const;
