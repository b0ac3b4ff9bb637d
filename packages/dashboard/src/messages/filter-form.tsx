import { useEffect, useState } from 'preact/hooks';
import { DELIVERY_STATUSES } from '../api/types.ts';
import type { Directory } from '../hooks/use-directory.ts';
import {
  fromLocalInput,
  listsDeliveries,
  type MessageFilters,
  NO_FILTERS,
  toLocalInput,
} from './message-filters.ts';

/**
 * The Messages filters as a form: edits stay local until "Apply" (or Enter), so typing an event type does
 * not fire a request per keystroke; "Clear" resets them.
 */
export function FilterForm({
  filters,
  directory,
  onApply,
}: {
  filters: MessageFilters;
  directory: Directory;
  onApply: (filters: MessageFilters) => void;
}) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const set = (name: keyof MessageFilters) => (event: Event) =>
    setDraft({ ...draft, [name]: (event.target as HTMLInputElement).value });
  const byDelivery = listsDeliveries(draft);

  return (
    <form
      class="filters card"
      aria-label="Filter messages"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <div>
        <label for="f-event-type">Event type</label>
        <input
          id="f-event-type"
          value={draft.eventType}
          onInput={set('eventType')}
          placeholder="invoice.paid"
          disabled={byDelivery}
        />
      </div>
      <div>
        <label for="f-source">Source</label>
        <select id="f-source" value={draft.sourceId} onChange={set('sourceId')} disabled={byDelivery}>
          <option value="">Any source</option>
          {directory.sources.map((source) => (
            <option key={source.id} value={source.id}>
              {source.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-endpoint">Endpoint</label>
        <select id="f-endpoint" value={draft.endpointId} onChange={set('endpointId')}>
          <option value="">Any endpoint</option>
          {directory.endpoints.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.url}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-status">Delivery status</label>
        <select id="f-status" value={draft.status} onChange={set('status')}>
          <option value="">Any status</option>
          {DELIVERY_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status.replace('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-tenant">Tenant</label>
        <input id="f-tenant" value={draft.tenant} onInput={set('tenant')} placeholder="acme" />
      </div>
      <div>
        <label for="f-since">From</label>
        <input
          id="f-since"
          type="datetime-local"
          value={toLocalInput(draft.since)}
          onChange={(event) =>
            setDraft({ ...draft, since: fromLocalInput((event.target as HTMLInputElement).value) })
          }
        />
      </div>
      <div>
        <label for="f-until">Until</label>
        <input
          id="f-until"
          type="datetime-local"
          value={toLocalInput(draft.until)}
          onChange={(event) =>
            setDraft({ ...draft, until: fromLocalInput((event.target as HTMLInputElement).value) })
          }
        />
      </div>
      <div class="actions">
        <button type="submit" class="button button-primary">
          Apply filters
        </button>
        <button type="button" class="button" onClick={() => onApply(NO_FILTERS)}>
          Clear
        </button>
        {byDelivery ? (
          <span class="muted">
            With a status the list shows deliveries; event type and source do not apply.
          </span>
        ) : null}
      </div>
    </form>
  );
}
