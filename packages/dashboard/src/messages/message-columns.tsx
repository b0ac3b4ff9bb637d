import type { Delivery, MessageSummary } from '../api/types.ts';
import { HttpStatus, StatusBadge } from '../components/status-badge.tsx';
import type { Column } from '../components/table.tsx';
import { Time } from '../components/time.tsx';
import type { Directory } from '../hooks/use-directory.ts';

function MessageLink({ id }: { id: string }) {
  return (
    <a href={`#/messages/${id}`} class="id">
      {id}
    </a>
  );
}

/** The Messages list's columns. */
export function messageColumns(directory: Directory): Column<MessageSummary>[] {
  return [
    { title: 'Message', render: (m) => <MessageLink id={m.id} /> },
    { title: 'Event type', render: (m) => <code>{m.eventType}</code> },
    { title: 'Source', render: (m) => directory.sourceLabel(m.sourceId) },
    { title: 'Tenant', render: (m) => m.tenant ?? <span class="muted">—</span> },
    { title: 'Received', render: (m) => <Time iso={m.createdAt} /> },
  ];
}

/** The columns when filtering by delivery status: one row per delivery, linking to its message. */
export function deliveryColumns(directory: Directory): Column<Delivery>[] {
  return [
    { title: 'Message', render: (d) => <MessageLink id={d.messageId} /> },
    { title: 'Endpoint', render: (d) => <span class="id">{directory.endpointLabel(d.endpointId)}</span> },
    { title: 'Status', render: (d) => <StatusBadge status={d.status} /> },
    { title: 'Attempts', render: (d) => `${d.attemptCount} / ${d.maxAttempts}` },
    {
      title: 'Last response',
      render: (d) =>
        d.attemptCount === 0 ? <span class="muted">—</span> : <HttpStatus code={d.lastStatusCode} />,
    },
    { title: 'Updated', render: (d) => <Time iso={d.updatedAt} /> },
  ];
}
