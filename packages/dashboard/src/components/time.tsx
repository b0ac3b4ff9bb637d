/** Times are shown in the viewer's zone with the full ISO time on hover, and relative when recent. */

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function formatRelative(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  const text =
    abs < 5
      ? 'just now'
      : abs < 60
        ? `${abs} s`
        : abs < 3600
          ? `${Math.floor(abs / 60)} min`
          : abs < 86_400
            ? `${Math.floor(abs / 3600)} h`
            : `${Math.floor(abs / 86_400)} d`;
  if (text === 'just now') return text;
  return future ? `in ${text}` : `${text} ago`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function Time({ iso, relative = false }: { iso: string | null; relative?: boolean }) {
  if (iso === null) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {relative ? formatRelative(iso, Date.now()) : formatTime(iso)}
    </time>
  );
}
