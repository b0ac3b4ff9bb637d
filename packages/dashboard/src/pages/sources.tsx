import { useState } from 'preact/hooks';
import { useApi } from '../api/api-context.ts';
import type { SourceFailures } from '../api/health-types.ts';
import type { Page, Source } from '../api/types.ts';
import { CopyLine, ingestUrl } from '../components/copy-line.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { formatReasons } from '../components/figures.ts';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { type Column, Table } from '../components/table.tsx';
import { useCapabilities } from '../hooks/use-capabilities.ts';
import { useLoad } from '../hooks/use-load.ts';
import type { Route } from '../router.ts';
import '../pages.css';

const PAGE_SIZE = 50;

/**
 * Sources: each one's ingest URL (absolute, with a copy button), its verification scheme and the requests
 * it refused in the last 24 h by reason (one `GET …/failures` per visible row, answered from memory).
 */
export function SourcesPage(_props: { route: Route }) {
  const api = useApi();
  const capabilities = useCapabilities();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const list = useLoad(() => api.get<Page<Source>>('/v1/sources', { limit: PAGE_SIZE, cursor }), [cursor]);
  const rows = list.data?.data ?? [];
  const failures = useLoad(async () => {
    const settled = await Promise.allSettled(
      rows.map((row) => api.get<SourceFailures>(`/v1/sources/${row.id}/failures`)),
    );
    return new Map(
      settled.map((result, i) => [rows[i]?.id ?? '', result.status === 'fulfilled' ? result.value : null]),
    );
  }, [rows.map((row) => row.id).join(',')]);

  const columns: Column<Source>[] = [
    {
      title: 'Source',
      render: (row) => (
        <>
          <a href={`#/sources/${row.id}`} class="strong-link">
            {row.name}
          </a>
          {row.disabled ? (
            <>
              {' '}
              <StatusBadge status="disabled" />
            </>
          ) : null}
        </>
      ),
    },
    {
      title: 'Ingest URL',
      render: (row) => (
        <>
          <CopyLine value={ingestUrl(row.ingestPath)} label="URL" />
          {row.alias ? (
            <div>
              <CopyLine value={ingestUrl(row.alias)} label="alias URL" />
            </div>
          ) : null}
        </>
      ),
    },
    {
      title: 'Scheme',
      render: (row) => String((row.verification as { scheme?: string } | null)?.scheme ?? ''),
    },
    {
      title: 'Refused (24 h)',
      render: (row) => {
        const found = failures.data?.get(row.id);
        if (found === undefined) return <span class="muted">…</span>;
        if (found === null) return <span class="muted">unknown</span>;
        if (found.total === 0) return <span class="muted">none</span>;
        return (
          <span class="bad-text">
            {found.total}: {formatReasons(found.reasons)}
          </span>
        );
      },
    },
  ];

  return (
    <section>
      <div class="page-head">
        <h1>Sources</h1>
        {capabilities?.admin ? (
          <a class="button button-primary" href="#/sources/new">
            New source
          </a>
        ) : null}
      </div>
      <p class="muted">
        A source is a URL a provider (GitHub, Stripe, your own app…) sends webhooks to. Hookline checks the
        signature, stores the request and forwards it to your endpoints.
      </p>
      <ErrorBanner error={list.error} />
      {list.data === null ? (
        list.error ? null : (
          <Loading what="Loading sources" />
        )
      ) : rows.length === 0 && cursors.length === 1 ? (
        <EmptyState title="No sources yet">
          <p>
            Create one per provider; its ingest URL is what you paste into the provider's webhook settings.
          </p>
          {capabilities?.admin ? (
            <a class="button button-primary" href="#/sources/new">
              Create a source
            </a>
          ) : null}
        </EmptyState>
      ) : (
        <>
          <Table columns={columns} rows={rows} rowKey={(row) => row.id} caption="Sources" />
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
