import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Delivery, Message, Page } from '../api/types.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { IdText } from '../components/id-text.tsx';
import { Loading } from '../components/loading.tsx';
import { useDirectory } from '../hooks/use-directory.ts';
import { toApiError, useLoad } from '../hooks/use-load.ts';
import { CurlCopy } from '../messages/curl-copy.tsx';
import { DeliveryCard } from '../messages/delivery-card.tsx';
import { HeadersBlock, MessageBody } from '../messages/message-body.tsx';
import { MessageFacts } from '../messages/message-facts.tsx';
import { ResendForm } from '../messages/resend-form.tsx';
import type { Route } from '../router.ts';

/**
 * One message: metadata, headers, body, and its deliveries with every attempt; resend to an endpoint,
 * cancel pending retries, copy as curl.
 */
export function MessagePage({ id }: { id: string; route: Route }) {
  const api = useApi();
  const directory = useDirectory();
  const [refresh, setRefresh] = useState(0);
  const message = useLoad(() => api.get<Message>(`/v1/messages/${encodeURIComponent(id)}`), [id]);
  const deliveries = useLoad(
    () => api.get<Page<Delivery>>(`/v1/messages/${encodeURIComponent(id)}/deliveries`, { limit: 100 }),
    [id, refresh],
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<ApiRequestError | null>(null);
  const reload = () => setRefresh((n) => n + 1);

  const cancelAll = async () => {
    setActionError(null);
    try {
      const { cancelled } = await api.post<{ cancelled: number }>(`/v1/messages/${id}/cancel`);
      setNotice(
        cancelled === 0 ? 'No pending retries to cancel.' : `Cancelled ${cancelled} pending deliveries.`,
      );
      reload();
    } catch (failure) {
      setActionError(toApiError(failure));
    }
  };

  if (message.error) {
    return (
      <section>
        <h1>Message</h1>
        <ErrorBanner error={message.error} />
        <p>
          <a href="#/messages">Back to messages</a>
        </p>
      </section>
    );
  }
  if (message.data === null) return <Loading what="Loading the message" />;
  const m = message.data;
  const rows = deliveries.data?.data ?? [];
  const source = directory.sources.find((s) => s.id === m.sourceId);
  const replayUrl = source
    ? `${location.origin}${source.alias ?? source.ingestPath}`
    : 'http://localhost:3000/webhook';
  const retrying = rows.some((d) => d.status === 'pending' || d.status === 'failed');

  return (
    <section>
      <p>
        <a href="#/messages">← Messages</a>
      </p>
      <div class="page-head">
        <h1>
          <code>{m.eventType}</code>
        </h1>
        <IdText id={m.id} />
      </div>
      <div class="grid-2">
        <MessageFacts message={m} directory={directory} />
        <HeadersBlock headers={m.headers} label="Headers received" />
      </div>
      <h2>Body</h2>
      <MessageBody message={m} />
      <CurlCopy message={m} defaultUrl={replayUrl} />

      <h2>Deliveries</h2>
      <div class="card">
        <ResendForm
          messageId={m.id}
          endpoints={directory.endpoints}
          preferred={rows.map((d) => d.endpointId)}
          onSent={reload}
        />
        {retrying ? (
          <p>
            <button type="button" class="button button-danger" onClick={cancelAll}>
              Cancel pending retries
            </button>
          </p>
        ) : null}
        {notice ? <p role="status">{notice}</p> : null}
        <ErrorBanner error={actionError ?? deliveries.error} />
      </div>
      {deliveries.data !== null && rows.length === 0 ? (
        <p class="muted">
          No endpoint subscribed to <code>{m.eventType}</code> when this message arrived. Add an endpoint, or
          resend to one above.
        </p>
      ) : null}
      {rows.map((delivery) => (
        <DeliveryCard
          key={delivery.id}
          delivery={delivery}
          endpointLabel={directory.endpointLabel(delivery.endpointId)}
          refreshKey={refresh}
          onChanged={reload}
        />
      ))}
    </section>
  );
}
