import { useApi } from '../api/api-context.ts';
import type { EventType, Json, Message, MessageSummary, Page } from '../api/types.ts';
import { catalogExample } from '../forms/event-type-form-model.ts';
import { useLoad } from '../hooks/use-load.ts';
import { CodeBlock } from './code-block.tsx';
import { StatusBadge } from './status-badge.tsx';

/**
 * One catalog entry: name, description, its JSON Schema pretty-printed, and an example payload — the
 * catalog's own, else the schema's `examples`, else the newest message of that type (two reads, only
 * for types that have no example).
 */
export function EventTypeCard({ eventType, onEdit }: { eventType: EventType; onEdit: (() => void) | null }) {
  const api = useApi();
  const own = catalogExample(eventType);
  const newest = useLoad(async (): Promise<{ payload: Json; id: string } | null> => {
    if (own !== undefined) return null;
    const page = await api.get<Page<MessageSummary>>('/v1/messages', { eventType: eventType.name, limit: 1 });
    const latest = page.data[0];
    if (latest === undefined) return null;
    const message = await api.get<Message>(`/v1/messages/${latest.id}`);
    return message.payloadExpired ? null : { payload: message.payload ?? message.body, id: message.id };
  }, [eventType.name, own === undefined]);
  return (
    <article class="card panel event-type" aria-labelledby={`et-${eventType.name}`}>
      <div class="page-head">
        <h2 id={`et-${eventType.name}`} class="mono">
          {eventType.name}
        </h2>
        <span class="actions">
          {eventType.enforceSchema ? <StatusBadge status="enabled" label="schema enforced" /> : null}
          {eventType.archived ? <StatusBadge status="cancelled" label="archived" /> : null}
          {onEdit ? (
            <button type="button" class="button button-small" onClick={onEdit}>
              Edit<span class="visually-hidden"> {eventType.name}</span>
            </button>
          ) : null}
        </span>
      </div>
      <p>{eventType.description || <span class="muted">No description.</span>}</p>
      <div class="grid-2">
        {eventType.schema === null ? (
          <p class="muted">No schema: any payload is accepted.</p>
        ) : (
          <CodeBlock code={JSON.stringify(eventType.schema, null, 2)} label="JSON Schema" />
        )}
        {own !== undefined ? (
          <CodeBlock code={JSON.stringify(own, null, 2)} label="Example payload" />
        ) : newest.data ? (
          <div>
            <CodeBlock code={JSON.stringify(newest.data.payload, null, 2)} label="Newest message's payload" />
            <a href={`#/messages/${newest.data.id}`}>Open that message</a>
          </div>
        ) : (
          <p class="muted">
            {newest.loading ? 'Looking for an example…' : 'No example and no message of this type yet.'}
          </p>
        )}
      </div>
    </article>
  );
}
