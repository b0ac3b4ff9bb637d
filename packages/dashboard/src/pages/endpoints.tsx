import { useState } from 'preact/hooks';
import { useApi } from '../api/api-context.ts';
import type { EndpointHealth } from '../api/health-types.ts';
import type { Endpoint, Page } from '../api/types.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { formatPercent } from '../components/figures.ts';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { type Column, Table } from '../components/table.tsx';
import { Time } from '../components/time.tsx';
import { useCapabilities } from '../hooks/use-capabilities.ts';
import { useLoad } from '../hooks/use-load.ts';
import type { Route } from '../router.ts';
import '../pages.css';

const PAGE_SIZE = 50;

/**
 * Endpoints with their health over the last hour: one `GET …/health` per visible row (a page holds at
 * most {@link PAGE_SIZE}), so the list itself stays one cheap read.
 */
export function EndpointsPage(_props: { route: Route }) {
  const api = useApi();
  const capabilities = useCapabilities();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const list = useLoad(
    () => api.get<Page<Endpoint>>('/v1/endpoints', { limit: PAGE_SIZE, cursor }),
    [cursor],
  );
  const rows = list.data?.data ?? [];
  const ids = rows.map((row) => row.id).join(',');
  const health = useLoad(async () => {
    const settled = await Promise.allSettled(
      rows.map((row) => api.get<EndpointHealth>(`/v1/endpoints/${row.id}/health`, { window: '1h' })),
    );
    const byId = new Map<string, EndpointHealth | null>();
    settled.forEach((result, i) => {
      const id = rows[i]?.id;
      if (id !== undefined) byId.set(id, result.status === 'fulfilled' ? result.value : null);
    });
    return byId;
  }, [ids]);
  const healthOf = (id: string) => health.data?.get(id);

  const columns: Column<Endpoint>[] = [
    {
      title: 'Endpoint',
      render: (row) => (
        <>
          <a href={`#/endpoints/${row.id}`} class="strong-link">
            {row.url}
          </a>
          {row.description ? <div class="muted">{row.description}</div> : null}
        </>
      ),
    },
    {
      title: 'Event types',
      render: (row) =>
        row.eventTypes === null || row.eventTypes.length === 0 ? (
          <span class="muted">all</span>
        ) : (
          row.eventTypes.join(', ')
        ),
    },
    {
      title: 'State',
      render: (row) =>
        row.disabled ? (
          <>
            <StatusBadge status="disabled" />
            {row.disabledReason ? <div class="muted">{row.disabledReason}</div> : null}
          </>
        ) : row.failingSince ? (
          <>
            <StatusBadge status="failed" label="failing" />
            <div class="muted">
              since <Time iso={row.failingSince} relative />
            </div>
          </>
        ) : (
          <StatusBadge status="enabled" />
        ),
    },
    {
      title: 'Success (1 h)',
      render: (row) => {
        const found = healthOf(row.id);
        if (found === undefined) return <span class="muted">…</span>;
        if (found === null) return <span class="muted">unknown</span>;
        return (
          <span title={`${found.succeeded} of ${found.attempts} attempts`}>
            {formatPercent(found.successRate)}
            {found.attempts > 0 ? <span class="muted"> ({found.attempts})</span> : null}
          </span>
        );
      },
    },
    {
      title: 'Last error',
      render: (row) => {
        const error = healthOf(row.id)?.lastError;
        if (!error) return <span class="muted">—</span>;
        return (
          <span>
            {error.status === null ? (error.errorKind ?? 'error') : `HTTP ${error.status}`}{' '}
            <Time iso={error.at} relative />
          </span>
        );
      },
    },
  ];
  if (capabilities?.tenant !== undefined && capabilities.tenant === null) {
    columns.splice(1, 0, { title: 'Tenant', render: (row) => row.tenant ?? <span class="muted">all</span> });
  }

  return (
    <section>
      <div class="page-head">
        <h1>Endpoints</h1>
        {capabilities?.admin ? (
          <a class="button button-primary" href="#/endpoints/new">
            New endpoint
          </a>
        ) : null}
      </div>
      <ErrorBanner error={list.error} />
      {list.data === null ? (
        list.error ? null : (
          <Loading what="Loading endpoints" />
        )
      ) : rows.length === 0 && cursors.length === 1 ? (
        <EmptyState title="No endpoints yet">
          <p>
            An endpoint is a URL Hookline delivers events to: signed, retried with backoff, every attempt
            logged.
          </p>
          {capabilities?.admin ? (
            <a class="button button-primary" href="#/endpoints/new">
              Create the first endpoint
            </a>
          ) : (
            <p class="muted">This API key can read only; an admin key creates endpoints.</p>
          )}
        </EmptyState>
      ) : (
        <>
          <Table columns={columns} rows={rows} rowKey={(row) => row.id} caption="Endpoints" />
          <div class="actions pager">
            {cursors.length > 1 ? (
              <button type="button" class="button" onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </button>
            ) : null}
            {list.data.nextCursor ? (
              <button
                type="button"
                class="button"
                onClick={() => setCursors([...cursors, list.data?.nextCursor ?? null])}
              >
                Next
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
