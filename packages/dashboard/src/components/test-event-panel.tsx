import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { TestEventSent } from '../api/health-types.ts';
import type { Json } from '../api/types.ts';
import { toApiError } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { describedBy, FormField } from './form-field.tsx';

/**
 * Sends a test event to this endpoint only (`POST /v1/endpoints/{id}/test`) and links to the message, where
 * its delivery and every attempt show up. Event type and payload are optional: the server has defaults.
 */
export function TestEventPanel({ endpointId, onSent }: { endpointId: string; onSent: () => void }) {
  const api = useApi();
  const [eventType, setEventType] = useState('');
  const [payload, setPayload] = useState('');
  const [sent, setSent] = useState<TestEventSent | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const payloadError = parseError(payload);

  const send = async (event: Event) => {
    event.preventDefault();
    if (payloadError !== undefined) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, Json> = {};
      if (eventType.trim() !== '') body.eventType = eventType.trim();
      if (payload.trim() !== '') body.payload = JSON.parse(payload) as Json;
      setSent(await api.post<TestEventSent>(`/v1/endpoints/${endpointId}/test`, body));
      onSent();
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card panel" aria-labelledby="test-title">
      <h2 id="test-title">Send a test event</h2>
      <form class="form" onSubmit={send}>
        <FormField id="test-eventType" label="Event type" hint="Empty: the server's test event type.">
          <input
            type="text"
            {...describedBy('test-eventType', true, undefined)}
            value={eventType}
            onInput={(e) => setEventType((e.target as HTMLInputElement).value)}
          />
        </FormField>
        <FormField
          id="test-payload"
          label="Payload (JSON)"
          hint="Empty: a small example payload."
          error={payloadError}
        >
          <textarea
            rows={3}
            class="mono"
            spellcheck={false}
            {...describedBy('test-payload', true, payloadError)}
            value={payload}
            onInput={(e) => setPayload((e.target as HTMLTextAreaElement).value)}
          />
        </FormField>
        <div class="actions">
          <button type="submit" class="button" disabled={busy || payloadError !== undefined}>
            {busy ? 'Sending…' : 'Send test event'}
          </button>
        </div>
      </form>
      <ErrorBanner error={error} />
      <div role="status" aria-live="polite">
        {sent ? (
          <p>
            Sent: <a href={`#/messages/${sent.messageId}`}>message {sent.messageId}</a> — its delivery and
            attempts are on the message page.
          </p>
        ) : null}
      </div>
    </section>
  );
}

function parseError(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
}
