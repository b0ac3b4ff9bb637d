import { useMemo, useState } from 'preact/hooks';
import type { MessageSummary } from '../api/types.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Loading } from '../components/loading.tsx';
import { Table } from '../components/table.tsx';
import { useDirectory } from '../hooks/use-directory.ts';
import { FilterForm } from '../messages/filter-form.tsx';
import { FirstMessageHelp } from '../messages/first-message-help.tsx';
import { IdSearch } from '../messages/id-search.tsx';
import { deliveryColumns, messageColumns } from '../messages/message-columns.tsx';
import {
  filtersFromQuery,
  filtersToQuery,
  isFiltered,
  liveOffReason,
  matchesFilters,
} from '../messages/message-filters.ts';
import { type LiveState, useLiveMessages } from '../messages/use-live-messages.ts';
import { useMessageList } from '../messages/use-message-list.ts';
import { navigate, type Route } from '../router.ts';

/** A resume point older than this is not replayed (a filtered list's newest row may be days old). */
const RESUME_WINDOW_MS = 10 * 60_000;

/**
 * Messages, newest first: filters in the URL, "Load more" pages with the cursor, and new messages
 * appear on top while the page is open (GET /v1/stream).
 */
export function MessagesPage({ route }: { route: Route }) {
  const filtersKey = route.query.toString();
  const filters = useMemo(() => filtersFromQuery(route.query), [filtersKey]);
  const directory = useDirectory();
  const list = useMessageList(filters, filtersKey);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());

  const offReason = liveOffReason(filters, Date.now());
  const newest = list.messages[0];
  const resumeFrom =
    newest && Date.now() - Date.parse(newest.createdAt) < RESUME_WINDOW_MS ? newest.id : null;
  const live = useLiveMessages({
    enabled: offReason === null && list.loaded,
    sourceId: filters.sourceId,
    eventType: filters.eventType,
    resumeFrom,
    onMessage: (message: MessageSummary) => {
      if (!matchesFilters(filters, message)) return;
      list.prepend(message);
      setFresh((previous) => new Set(previous).add(message.id));
    },
  });

  const empty = list.loaded && list.messages.length === 0 && list.deliveries.length === 0;
  return (
    <section>
      <div class="page-head">
        <h1>Messages</h1>
        <LiveIndicator state={live} offReason={offReason} />
      </div>
      <IdSearch />
      <FilterForm
        filters={filters}
        directory={directory}
        onApply={(next) => navigate('/messages', filtersToQuery(next))}
      />
      <ErrorBanner error={list.error} />
      {!list.loaded && list.loading ? <Loading what="Loading messages" /> : null}
      {empty && !isFiltered(filters) ? <FirstMessageHelp /> : null}
      {empty && isFiltered(filters) ? (
        <EmptyState title="Nothing matches these filters">
          <p>
            Widen the time range or <a href="#/messages">clear the filters</a>.
          </p>
        </EmptyState>
      ) : null}
      {list.byDelivery && list.deliveries.length > 0 ? (
        <Table
          caption={`Deliveries with status ${filters.status}`}
          columns={deliveryColumns(directory)}
          rows={list.deliveries}
          rowKey={(delivery) => delivery.id}
        />
      ) : null}
      {!list.byDelivery && list.messages.length > 0 ? (
        <Table
          caption="Messages, newest first"
          columns={messageColumns(directory)}
          rows={list.messages}
          rowKey={(message) => message.id}
          highlight={(message) => fresh.has(message.id)}
        />
      ) : null}
      {list.nextCursor !== null ? (
        <p>
          <button type="button" class="button" onClick={list.loadMore} disabled={list.loading}>
            {list.loading ? 'Loading…' : 'Load more'}
          </button>
        </p>
      ) : null}
    </section>
  );
}

const LIVE_TEXT: Record<LiveState, string> = {
  off: 'Live updates off',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

function LiveIndicator({ state, offReason }: { state: LiveState; offReason: string | null }) {
  const tone = state === 'live' ? 'live' : state === 'reconnecting' ? 'error' : 'idle';
  return (
    <span class="live" data-state={tone} role="status" data-testid="live-state">
      {offReason !== null ? `Live updates ${offReason}` : LIVE_TEXT[state]}
    </span>
  );
}
