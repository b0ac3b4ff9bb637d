import type { FailingEndpoint, FailingSource } from '../api/health-types.ts';
import { formatCount, formatReasons } from './figures.ts';
import { StatusBadge } from './status-badge.tsx';
import { Time } from './time.tsx';

/** The endpoints and sources failing now, each a link to its page (where it can be fixed). */
export function FailingNow({
  endpoints,
  sources,
}: {
  endpoints: FailingEndpoint[];
  sources: FailingSource[];
}) {
  return (
    <div class="grid-2">
      <section aria-labelledby="failing-endpoints">
        <h2 id="failing-endpoints">Endpoints failing now</h2>
        {endpoints.length === 0 ? (
          <p class="muted">None: every endpoint's last attempt succeeded.</p>
        ) : (
          <ul class="failing-list">
            {endpoints.map((endpoint) => (
              <li key={endpoint.id} class="card">
                <a href={`#/endpoints/${endpoint.id}`} class="failing-title">
                  {endpoint.description || endpoint.url}
                </a>
                {endpoint.disabled ? (
                  <StatusBadge status="disabled" />
                ) : (
                  <StatusBadge status="failed" label="failing" />
                )}
                <p class="muted failing-url">{endpoint.url}</p>
                {endpoint.failingSince ? (
                  <p>
                    Failing since <Time iso={endpoint.failingSince} relative />
                  </p>
                ) : null}
                {endpoint.disabledReason ? <p>Disabled: {endpoint.disabledReason}</p> : null}
                {endpoint.lastError ? (
                  <p>
                    Last error <Time iso={endpoint.lastError.at} relative />:{' '}
                    {endpoint.lastError.status === null ? '' : `HTTP ${endpoint.lastError.status} `}
                    {endpoint.lastError.errorKind ?? ''} {endpoint.lastError.message ?? ''}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="failing-sources">
        <h2 id="failing-sources">Sources refusing requests</h2>
        {sources.length === 0 ? (
          <p class="muted">None: no verification failures in this window.</p>
        ) : (
          <ul class="failing-list">
            {sources.map((source) => (
              <li key={source.id} class="card">
                <a href={`#/sources/${source.id}`} class="failing-title">
                  {source.name}
                </a>
                <p>
                  {formatCount(source.failures)} refused: {formatReasons(source.reasons)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
