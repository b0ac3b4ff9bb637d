import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Delivery, MessageSummary, Page } from '../api/types.ts';
import { toApiError } from '../hooks/use-load.ts';
import { listsDeliveries, type MessageFilters } from './message-filters.ts';

const PAGE_SIZE = 50;

export interface MessageList {
  messages: MessageSummary[];
  /** Set instead of `messages` when filtering by delivery status. */
  deliveries: Delivery[];
  byDelivery: boolean;
  nextCursor: string | null;
  loading: boolean;
  error: ApiRequestError | null;
  loaded: boolean;
  loadMore(): void;
  /** Puts a live message on top (once). */
  prepend(message: MessageSummary): void;
}

/** The first page for the filters, "Load more" with the cursor, and live additions on top. */
export function useMessageList(filters: MessageFilters, filtersKey: string): MessageList {
  const api = useApi();
  const byDelivery = listsDeliveries(filters);
  const [messages, setMessages] = useState<MessageSummary[]>([]);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ApiRequestError | null>(null);
  // Answers to an older filter set must not land in the list of a newer one.
  const generation = useRef(0);

  const fetchPage = useCallback(
    (cursor: string | null) => {
      const query = {
        limit: PAGE_SIZE,
        cursor,
        tenant: filters.tenant,
        endpointId: filters.endpointId,
        since: filters.since,
        until: filters.until,
      };
      return byDelivery
        ? api.get<Page<Delivery>>('/v1/deliveries', { ...query, status: filters.status })
        : api.get<Page<MessageSummary>>('/v1/messages', {
            ...query,
            eventType: filters.eventType,
            sourceId: filters.sourceId,
          });
    },
    [api, filtersKey],
  );

  const load = useCallback(
    (cursor: string | null) => {
      const mine = cursor === null ? ++generation.current : generation.current;
      setLoading(true);
      fetchPage(cursor).then(
        (page) => {
          if (mine !== generation.current) return;
          if (byDelivery) {
            const rows = page.data as Delivery[];
            setDeliveries((previous) => (cursor === null ? rows : [...previous, ...rows]));
          } else {
            const rows = page.data as MessageSummary[];
            setMessages((previous) => (cursor === null ? rows : appendNew(previous, rows)));
          }
          setNextCursor(page.nextCursor);
          setError(null);
          setLoading(false);
          setLoaded(true);
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          setError(toApiError(failure));
          setLoading(false);
        },
      );
    },
    [fetchPage, byDelivery],
  );

  useEffect(() => {
    setLoaded(false);
    setMessages([]);
    setDeliveries([]);
    setNextCursor(null);
    load(null);
  }, [load]);

  return {
    messages,
    deliveries,
    byDelivery,
    nextCursor,
    loading,
    error,
    loaded,
    loadMore: () => {
      if (nextCursor !== null) load(nextCursor);
    },
    prepend: (message) =>
      setMessages((previous) =>
        previous.some((m) => m.id === message.id) ? previous : [message, ...previous],
      ),
  };
}

/** A later page can repeat a message a live update already put on top; keep one. */
function appendNew(previous: MessageSummary[], rows: MessageSummary[]): MessageSummary[] {
  const seen = new Set(previous.map((m) => m.id));
  return [...previous, ...rows.filter((m) => !seen.has(m.id))];
}
