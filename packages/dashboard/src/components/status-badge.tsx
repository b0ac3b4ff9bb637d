const TONES: Record<string, string> = {
  succeeded: 'ok',
  delivered: 'ok',
  enabled: 'ok',
  pending: 'wait',
  in_flight: 'wait',
  failed: 'warn',
  exhausted: 'bad',
  disabled: 'bad',
  cancelled: 'muted',
  manual: 'info',
  scheduled: 'muted',
};

/** A delivery status (or any short state) as a coloured label; the text carries the meaning, not the colour. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span class={`badge badge-${TONES[status] ?? 'muted'}`}>{label ?? status.replace('_', ' ')}</span>;
}

/** An HTTP status code: 2xx ok, 4xx warning, 5xx and none bad. */
export function HttpStatus({ code }: { code: number | null }) {
  if (code === null) return <span class="badge badge-bad">no response</span>;
  const tone = code < 300 ? 'ok' : code < 500 ? 'warn' : 'bad';
  return <span class={`badge badge-${tone}`}>{code}</span>;
}
