import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Attempt, Endpoint } from '../api/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { HttpStatus } from '../components/status-badge.tsx';
import { toApiError } from '../hooks/use-load.ts';

/**
 * Resend the message to one endpoint now (POST /v1/messages/{id}/resend): a manual attempt that leaves
 * the delivery's retry schedule alone. Any endpoint may be picked, also one the message was not routed to.
 */
export function ResendForm({
  messageId,
  endpoints,
  preferred,
  onSent,
}: {
  messageId: string;
  endpoints: Endpoint[];
  /** Endpoints the message already has deliveries to, listed first. */
  preferred: string[];
  onSent: () => void;
}) {
  const api = useApi();
  const ordered = [
    ...endpoints.filter((e) => preferred.includes(e.id)),
    ...endpoints.filter((e) => !preferred.includes(e.id)),
  ];
  const [endpointId, setEndpointId] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Attempt | null>(null);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const chosen = endpointId || ordered[0]?.id || '';

  const send = async (event: Event) => {
    event.preventDefault();
    if (chosen === '') return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.post<Attempt>(`/v1/messages/${messageId}/resend`, { endpointId: chosen }));
      onSent();
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  if (ordered.length === 0) {
    return (
      <p class="muted">
        No endpoint to resend to yet: <a href="#/endpoints">add one</a>.
      </p>
    );
  }
  return (
    <form class="actions" onSubmit={send} aria-label="Resend to an endpoint">
      <div>
        <label for="resend-endpoint">Resend to</label>
        <select
          id="resend-endpoint"
          value={chosen}
          onChange={(e) => setEndpointId((e.target as HTMLSelectElement).value)}
        >
          {ordered.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.url}
              {endpoint.disabled ? ' (disabled)' : ''}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" class="button button-primary" disabled={busy}>
        {busy ? 'Sending…' : 'Resend now'}
      </button>
      <span role="status">
        {result ? (
          <>
            Sent: <HttpStatus code={result.responseStatus} />
            {result.errorKind && result.errorKind !== 'none' ? ` ${result.errorKind}` : ''}
          </>
        ) : null}
      </span>
      <ErrorBanner error={error} />
    </form>
  );
}
