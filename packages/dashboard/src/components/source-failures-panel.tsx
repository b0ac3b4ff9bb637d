import { useApi } from '../api/api-context.ts';
import type { SourceFailures } from '../api/health-types.ts';
import { useLoad } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { formatCount } from './figures.ts';
import { Loading } from './loading.tsx';
import { Time } from './time.tsx';

/**
 * The requests a source refused in the last 24 h, by reason (the codes of docs/errors.md), and the latest
 * ones: what to look at when a provider says its webhooks fail.
 */
export function SourceFailuresPanel({ sourceId }: { sourceId: string }) {
  const api = useApi();
  const failures = useLoad(() => api.get<SourceFailures>(`/v1/sources/${sourceId}/failures`), [sourceId]);
  const data = failures.data;
  return (
    <section class="card panel" aria-labelledby="source-failures" data-testid="source-failures">
      <h2 id="source-failures">Refused requests (24 h)</h2>
      <ErrorBanner error={failures.error} />
      {data === null ? (
        failures.error ? null : (
          <Loading what="Loading failures" />
        )
      ) : data.total === 0 ? (
        <p class="muted">None: every request in the last 24 hours was verified and stored.</p>
      ) : (
        <>
          <p>
            {formatCount(data.total)} refused.{' '}
            <span class="muted">Counted by this gateway process since it started.</span>
          </p>
          <ul class="reasons" aria-label="By reason">
            {Object.entries(data.reasons)
              .sort((a, b) => b[1] - a[1])
              .map(([code, count]) => (
                <li key={code} class="badge badge-bad">
                  {code}: {count}
                </li>
              ))}
          </ul>
          <h3 class="subhead">Latest</h3>
          <ul class="failing-list">
            {data.recent.map((entry) => (
              <li key={`${entry.at}-${entry.code}-${entry.clientIp}`}>
                <Time iso={entry.at} relative /> <code>{entry.code}</code> ({entry.status})
                {entry.clientIp ? <span class="muted"> from {entry.clientIp}</span> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
