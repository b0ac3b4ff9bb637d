import type { AttemptOutcome, AttemptResult } from '../store/store.ts';
import type { AttemptErrorKind, Endpoint } from '../store/types.ts';
import type { SendResult } from './http-client.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delays before each retry: the first attempt goes out immediately, then 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 14 h, 20 h and 24 h (10 attempts over about 3 days, DESIGN.md "Defaults"). An endpoint's
 * `retrySchedule` has the same meaning: one delay per retry, so attempts = delays + 1.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

export interface RetryPolicyConfig {
  /** Used when an endpoint has no `retrySchedule`. */
  schedule: readonly number[];
  /** Fraction each delay varies by (0.2 = ±20 %), so retries of a burst do not land together. */
  jitter: number;
  /** Longest `Retry-After` honoured; a receiver cannot park a delivery for longer. */
  retryAfterCapMs: number;
  /** Least wait after a 429 or a timeout: retrying a struggling receiver at once only adds load. */
  minDelayAfterThrottleMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyConfig = {
  schedule: DEFAULT_RETRY_SCHEDULE_MS,
  jitter: 0.2,
  retryAfterCapMs: 24 * HOUR,
  minDelayAfterThrottleMs: MINUTE,
};

export interface DecideInput {
  /** 1-based number of the attempt that just finished. */
  attemptNumber: number;
  result: SendResult;
  endpoint: Pick<Endpoint, 'retrySchedule'>;
  /** Epoch ms when the attempt finished. */
  now: number;
  /** Uniform in [0, 1); injected so tests pin the jitter. */
  random: () => number;
  /** The delivery's own limit, fixed when it was created; defaults to `maxAttempts(endpoint)`. */
  maxAttempts?: number;
}

export type EndpointEffect = NonNullable<AttemptResult['endpoint']>;

export interface Decision {
  outcome: AttemptOutcome;
  endpointEffect: EndpointEffect;
  /** For the attempt record: `none` on success, `http_status` for a non-2xx answer, else the send error. */
  errorKind: AttemptErrorKind;
  /** Why, in words, for the attempt record and logs; null on success. */
  errorMessage: string | null;
}

/** Attempts an endpoint's deliveries get: one per retry delay plus the first. */
export function maxAttempts(
  endpoint: Pick<Endpoint, 'retrySchedule'>,
  config = DEFAULT_RETRY_POLICY,
): number {
  return scheduleOf(endpoint, config).length + 1;
}

/**
 * Classifies one finished attempt: success on 2xx; `410 Gone` exhausts the delivery and disables the
 * endpoint; a `webhook-delivery: abort` response header cancels the remaining retries; after the last
 * attempt the delivery is exhausted; otherwise a retry at the schedule's next delay (±jitter), pushed
 * later by a `Retry-After` (capped) and to at least 60 s after a 429 or a timeout. A 3xx arrives as a
 * `redirect` error and is an ordinary failure.
 *
 * @example
 * decide({ attemptNumber: 1, result, endpoint, now: clock(), random: Math.random })
 * // { outcome: { kind: 'retry', nextAttemptAt: now + ~5000 }, endpointEffect: { effect: 'failure' }, … }
 */
export function decide(input: DecideInput, config = DEFAULT_RETRY_POLICY): Decision {
  const { result } = input;
  if (result.type === 'response' && result.status >= 200 && result.status < 300) {
    return {
      outcome: { kind: 'succeeded' },
      endpointEffect: { effect: 'success' },
      errorKind: 'none',
      errorMessage: null,
    };
  }
  const errorKind: AttemptErrorKind = result.type === 'response' ? 'http_status' : result.errorKind;
  const errorMessage = result.type === 'response' ? `receiver answered ${result.status}` : result.message;
  const failed = (outcome: AttemptOutcome, message = errorMessage): Decision => ({
    outcome,
    endpointEffect: { effect: 'failure' },
    errorKind,
    errorMessage: message,
  });

  if (result.type === 'response' && result.status === 410) {
    const reason = 'receiver answered 410 Gone';
    return {
      outcome: { kind: 'exhausted' },
      endpointEffect: { effect: 'disable', reason },
      errorKind,
      errorMessage: reason,
    };
  }
  const headers = result.type === 'response' ? result.headers : (result.response?.headers ?? {});
  if (headers['webhook-delivery']?.trim().toLowerCase() === 'abort') {
    return failed(
      { kind: 'cancelled' },
      `${errorMessage}; receiver asked to stop retrying (webhook-delivery: abort)`,
    );
  }
  const limit = input.maxAttempts ?? maxAttempts(input.endpoint, config);
  if (input.attemptNumber >= limit) return failed({ kind: 'exhausted' });

  const schedule = scheduleOf(input.endpoint, config);
  const base = schedule[Math.min(input.attemptNumber - 1, schedule.length - 1)] ?? 0;
  let delay = Math.round(base * (1 + config.jitter * (2 * input.random() - 1)));
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const asked = parseRetryAfter(retryAfter, input.now);
    if (asked !== null) delay = Math.max(delay, Math.min(asked, config.retryAfterCapMs));
  }
  const throttled = (result.type === 'response' && result.status === 429) || errorKind === 'timeout';
  if (throttled) delay = Math.max(delay, config.minDelayAfterThrottleMs);
  return failed({ kind: 'retry', nextAttemptAt: input.now + Math.max(0, delay) });
}

/**
 * Parses `Retry-After`: delay-seconds (`120`) or an HTTP date, as milliseconds from `now`; null when
 * malformed. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string, now: number): number | null {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * SECOND : null;
  }
  // Only date-shaped values: Date.parse accepts bare numbers and other loose forms.
  if (!/^[A-Za-z]{3},? /.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function scheduleOf(endpoint: Pick<Endpoint, 'retrySchedule'>, config: RetryPolicyConfig): readonly number[] {
  // An empty schedule is a choice (one attempt, no retries), not a request for the default.
  return endpoint.retrySchedule ?? config.schedule;
}
