import { useApi } from '../api/api-context.ts';
import type { EndpointHealth, StatsWindow } from '../api/health-types.ts';
import { useLoad } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { formatCount, formatPercent } from './figures.ts';
import { Loading } from './loading.tsx';
import { Time } from './time.tsx';
import { WindowToggle } from './window-toggle.tsx';

/** An endpoint's recent health: attempts, success rate, last success and error, deliveries waiting. */
export function EndpointHealthPanel({
  endpointId,
  window,
  onWindow,
  generation,
}: {
  endpointId: string;
  window: StatsWindow;
  onWindow: (next: StatsWindow) => void;
  /** Changes when an action (recover, test, enable) may have changed the figures. */
  generation: number;
}) {
  const api = useApi();
  const health = useLoad(
    () => api.get<EndpointHealth>(`/v1/endpoints/${endpointId}/health`, { window }),
    [endpointId, window, generation],
  );
  const data = health.data;
  return (
    <section class="card panel" aria-labelledby="health-title">
      <div class="page-head">
        <h2 id="health-title">Health</h2>
        <WindowToggle value={window} onChange={onWindow} />
      </div>
      <ErrorBanner error={health.error} />
      {data === null ? (
        health.error ? null : (
          <Loading what="Loading health" />
        )
      ) : (
        <dl class="facts" data-testid="endpoint-health">
          <dt>Success rate</dt>
          <dd>
            {formatPercent(data.successRate)}{' '}
            <span class="muted">
              ({formatCount(data.succeeded)} of {formatCount(data.attempts)} attempts)
            </span>
          </dd>
          <dt>Last attempt</dt>
          <dd>
            <Time iso={data.lastAttemptAt} relative />
          </dd>
          <dt>Last success</dt>
          <dd>
            <Time iso={data.lastSuccessAt} relative />
          </dd>
          <dt>Last error</dt>
          <dd>
            {data.lastError === null ? (
              <span class="muted">—</span>
            ) : (
              <>
                {data.lastError.status === null ? '' : `HTTP ${data.lastError.status} `}
                {data.lastError.errorKind ?? ''} {data.lastError.message ?? ''} (
                <Time iso={data.lastError.at} relative />)
              </>
            )}
          </dd>
          {data.failingSince ? (
            <>
              <dt>Failing since</dt>
              <dd>
                <Time iso={data.failingSince} />
              </dd>
            </>
          ) : null}
          <dt>Waiting</dt>
          <dd>{formatCount(data.pending)} deliveries pending</dd>
        </dl>
      )}
    </section>
  );
}
