import { failure, type VerifyFailure } from './errors.ts';

/** Default window, in seconds, in both directions around the receiver's clock (Standard Webhooks, Stripe). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

// Digits only: `parseInt` would read "12abc" or "1e9" as a time, so a malformed header could verify.
const DIGITS = /^[0-9]{1,12}$/;

/** Seconds since the epoch from a header value, or an `invalid_timestamp` failure. */
export function parseTimestamp(value: string, header: string): number | VerifyFailure {
  if (!DIGITS.test(value)) {
    return failure('invalid_timestamp', `${header} must be whole seconds since the Unix epoch (digits only)`);
  }
  return Number(value);
}

/**
 * `undefined` when `timestamp` is within `toleranceSeconds` of `nowMs` on either side, else the failure.
 * A timestamp in the future is refused as firmly as an old one: a sender with a fast clock could
 * otherwise mint messages that stay replayable for longer than the window.
 */
export function checkTolerance(
  timestamp: number,
  nowMs: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): VerifyFailure | undefined {
  const now = Math.floor(nowMs / 1000);
  if (now - timestamp > toleranceSeconds) {
    return failure(
      'timestamp_too_old',
      `the signed timestamp is ${now - timestamp} s old, more than the ${toleranceSeconds} s tolerance ` +
        '(a replay, a delayed retry signed long ago, or a receiver clock that is wrong)',
    );
  }
  if (timestamp - now > toleranceSeconds) {
    return failure(
      'timestamp_in_future',
      `the signed timestamp is ${timestamp - now} s in the future, more than the ${toleranceSeconds} s ` +
        'tolerance (check the sender and receiver clocks)',
    );
  }
  return undefined;
}
