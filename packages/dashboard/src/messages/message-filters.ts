import type { DeliveryStatus, MessageSummary } from '../api/types.ts';
import { DELIVERY_STATUSES } from '../api/types.ts';

/**
 * The Messages list's filters, kept in the hash query (`#/messages?eventType=x&status=failed`) so a
 * reload or a shared link shows the same list. Empty string = not filtered.
 */
export interface MessageFilters {
  eventType: string;
  sourceId: string;
  endpointId: string;
  /** A delivery status: the list then shows deliveries (GET /v1/deliveries?status=), see listsDeliveries. */
  status: DeliveryStatus | '';
  tenant: string;
  /** ISO 8601 times. */
  since: string;
  until: string;
}

export const NO_FILTERS: MessageFilters = {
  eventType: '',
  sourceId: '',
  endpointId: '',
  status: '',
  tenant: '',
  since: '',
  until: '',
};

export function filtersFromQuery(query: URLSearchParams): MessageFilters {
  const status = query.get('status') ?? '';
  return {
    eventType: query.get('eventType') ?? '',
    sourceId: query.get('sourceId') ?? '',
    endpointId: query.get('endpointId') ?? '',
    status: (DELIVERY_STATUSES as readonly string[]).includes(status) ? (status as DeliveryStatus) : '',
    tenant: query.get('tenant') ?? '',
    since: validIso(query.get('since')),
    until: validIso(query.get('until')),
  };
}

export function filtersToQuery(filters: MessageFilters): Record<string, string> {
  return { ...filters };
}

export function isFiltered(filters: MessageFilters): boolean {
  return Object.values(filters).some((value) => value !== '');
}

/**
 * /v1/messages has no status filter (a message has one delivery per endpoint), so a status filter lists
 * deliveries in that status instead, each linking to its message.
 */
export function listsDeliveries(filters: MessageFilters): boolean {
  return filters.status !== '';
}

/**
 * Why live updates are off for these filters, or null when they are on. The stream carries messages,
 * not deliveries, so it cannot tell which endpoint or status a new message will have; and a range that
 * ends in the past gets no new messages.
 */
export function liveOffReason(filters: MessageFilters, now: number): string | null {
  if (filters.status !== '') return 'paused while filtering by delivery status';
  if (filters.endpointId !== '') return 'paused while filtering by endpoint';
  if (filters.until !== '' && Date.parse(filters.until) <= now) return 'paused: the time range has ended';
  return null;
}

/** Whether a streamed message belongs in the list (the stream itself filters by source and event type). */
export function matchesFilters(filters: MessageFilters, message: MessageSummary): boolean {
  if (filters.eventType !== '' && message.eventType !== filters.eventType) return false;
  if (filters.sourceId !== '' && message.sourceId !== filters.sourceId) return false;
  if (filters.tenant !== '' && message.tenant !== filters.tenant) return false;
  if (filters.since !== '' && Date.parse(message.createdAt) < Date.parse(filters.since)) return false;
  return true;
}

function validIso(value: string | null): string {
  if (value === null || value === '' || Number.isNaN(Date.parse(value))) return '';
  return new Date(value).toISOString();
}

/** ISO → the `YYYY-MM-DDTHH:mm` a datetime-local input shows, in the viewer's zone. */
export function toLocalInput(iso: string): string {
  if (iso === '') return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (viewer's zone) → ISO, or '' when empty or invalid. */
export function fromLocalInput(value: string): string {
  if (value === '') return '';
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
