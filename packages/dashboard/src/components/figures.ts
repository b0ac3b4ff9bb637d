/** Number formats shared by the health and statistics views. */

/** `0.9731` → `97.3 %`; null (nothing attempted) → `—`. */
export function formatPercent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  const percent = rate * 100;
  // 99.95 % must not read as 100 %: one decimal unless the rate is exactly whole.
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)} %`;
}

/** A count with thousands separators in the viewer's locale. */
export function formatCount(value: number): string {
  return value.toLocaleString();
}

/** Milliseconds as `850 ms` or `1.25 s`; null → `—`. */
export function formatLatency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** `{bad_signature: 3, expired: 1}` → `bad_signature 3, expired 1`, largest first. */
export function formatReasons(reasons: Record<string, number>): string {
  return Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
}
