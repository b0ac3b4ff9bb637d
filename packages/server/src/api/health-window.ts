/** The windows the dashboard's health views offer, and the chart buckets of each. */
export const HEALTH_WINDOWS = {
  '1h': { ms: 3_600_000, bucketMs: 60_000 },
  // 48 half-hour buckets: fine enough to see when a failure started, few enough for a phone-width chart.
  '24h': { ms: 86_400_000, bucketMs: 1_800_000 },
} as const;

export type HealthWindow = keyof typeof HEALTH_WINDOWS;

/** The `window` query parameter's schema. */
export function windowQuery(defaultWindow: HealthWindow) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      window: { type: 'string', enum: Object.keys(HEALTH_WINDOWS), default: defaultWindow },
    },
  } as const;
}

/** `{at, status, errorKind, message}` of a failed attempt, or null. */
export const attemptFailureSchema = {
  type: ['object', 'null'],
  required: ['at', 'status', 'errorKind', 'message'],
  properties: {
    at: { type: 'string', format: 'date-time' },
    status: { type: ['integer', 'null'], description: 'HTTP status of the response; null when none came.' },
    errorKind: { type: 'string', description: '`http_status`, `timeout`, `connect`, `dns`, `tls`…' },
    message: { type: ['string', 'null'] },
  },
} as const;

/** Successes over attempts; null when nothing was attempted (no data is not 0 %). */
export function successRate(succeeded: number, failed: number): number | null {
  const attempts = succeeded + failed;
  return attempts === 0 ? null : succeeded / attempts;
}
