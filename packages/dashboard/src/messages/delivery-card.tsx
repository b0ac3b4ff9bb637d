import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Attempt, Delivery, Page } from '../api/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Time } from '../components/time.tsx';
import { toApiError, useLoad } from '../hooks/use-load.ts';
import { AttemptView } from './attempt-view.tsx';

/** Deliveries that still have retries ahead and can be cancelled. */
const CANCELLABLE = new Set(['pending', 'failed']);

/** One delivery (message × endpoint) with its state and every attempt, newest last. */
export function DeliveryCard({
  delivery,
  endpointLabel,
  refreshKey,
  onChanged,
}: {
  delivery: Delivery;
  endpointLabel: string;
  /** Changes when the message page reloads, so attempts reload too. */
  refreshKey: number;
  onChanged: () => void;
}) {
  const api = useApi();
  const attempts = useLoad(
    () => api.get<Page<Attempt>>(`/v1/deliveries/${delivery.id}/attempts`, { limit: 100 }),
    [delivery.id, delivery.attemptCount, refreshKey],
  );
  const [error, setError] = useState<ApiRequestError | null>(null);
  const cancel = async () => {
    try {
      await api.post(`/v1/deliveries/${delivery.id}/cancel`);
      onChanged();
    } catch (failure) {
      setError(toApiError(failure));
    }
  };
  const rows = [...(attempts.data?.data ?? [])].sort((a, b) => a.attemptNumber - b.attemptNumber);
  return (
    <article class="delivery card" aria-labelledby={`d-${delivery.id}`} data-testid="delivery">
      <div class="page-head">
        <h3 id={`d-${delivery.id}`}>
          <a href={`#/endpoints/${delivery.endpointId}`} class="id">
            {endpointLabel}
          </a>
        </h3>
        <StatusBadge status={delivery.status} />
      </div>
      <p class="muted">
        {delivery.attemptCount} of {delivery.maxAttempts} attempts
        {delivery.nextAttemptAt ? (
          <>
            {' '}
            · next <Time iso={delivery.nextAttemptAt} relative />
          </>
        ) : null}
        {delivery.completedAt ? (
          <>
            {' '}
            · finished <Time iso={delivery.completedAt} />
          </>
        ) : null}{' '}
        · <code>{delivery.id}</code>
      </p>
      {CANCELLABLE.has(delivery.status) ? (
        <button type="button" class="button button-small button-danger" onClick={cancel}>
          Cancel retries
        </button>
      ) : null}
      <ErrorBanner error={error ?? attempts.error} />
      {attempts.loading && attempts.data === null ? <Loading what="Loading attempts" /> : null}
      {attempts.data !== null && rows.length === 0 ? <p class="muted">No attempt yet.</p> : null}
      {rows.map((attempt, index) => (
        <AttemptView key={attempt.id} attempt={attempt} open={index === rows.length - 1} />
      ))}
    </article>
  );
}
