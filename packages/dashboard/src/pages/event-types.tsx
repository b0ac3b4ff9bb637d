import { useApi } from '../api/api-context.ts';
import type { EventType, Page } from '../api/types.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { EventTypeCard } from '../components/event-type-card.tsx';
import { EventTypeForm } from '../components/event-type-form.tsx';
import { Loading } from '../components/loading.tsx';
import { useCapabilities } from '../hooks/use-capabilities.ts';
import { useLoad } from '../hooks/use-load.ts';
import { navigate, type Route } from '../router.ts';
import '../pages.css';

/**
 * The event-type catalog: what publishers send, with schemas and example payloads. `?new=1` opens the
 * create form, `?edit={name}` the edit form. The catalog is global: only unscoped admin keys change it.
 */
export function EventTypesPage({ route }: { route: Route }) {
  const api = useApi();
  const capabilities = useCapabilities();
  const list = useLoad(() => api.get<Page<EventType>>('/v1/event-types', { limit: 200 }), []);
  // A tenant-scoped admin key gets 403 from the server; hide the controls once its tenant is known.
  const canEdit = capabilities?.admin === true && capabilities.tenant == null;
  const creating = route.query.get('new') === '1';
  const editing = route.query.get('edit');
  const close = () => navigate('/event-types', {}, true);
  const saved = () => {
    close();
    list.reload();
  };
  const rows = list.data?.data ?? [];
  const edited = rows.find((row) => row.name === editing) ?? null;

  return (
    <section>
      <div class="page-head">
        <h1>Event types</h1>
        {canEdit && !creating ? (
          <a class="button button-primary" href="#/event-types?new=1">
            New event type
          </a>
        ) : null}
      </div>
      <p class="muted">
        The catalog of events publishers send. A schema documents the payload and, when enforced, refuses
        payloads that break it.
      </p>
      {creating && canEdit ? <EventTypeForm eventType={null} onSaved={saved} onCancel={close} /> : null}
      {edited && canEdit ? (
        <EventTypeForm key={edited.name} eventType={edited} onSaved={saved} onCancel={close} />
      ) : null}
      <ErrorBanner error={list.error} />
      {list.data === null ? (
        list.error ? null : (
          <Loading what="Loading the catalog" />
        )
      ) : rows.length === 0 ? (
        creating ? null : (
          <EmptyState title="No event types in the catalog">
            <p>
              Messages can use any event type; the catalog is optional. Add one to document its payload with a
              JSON Schema and an example, and optionally refuse publishes that do not match.
            </p>
            {canEdit ? (
              <a class="button button-primary" href="#/event-types?new=1">
                Add the first event type
              </a>
            ) : null}
          </EmptyState>
        )
      ) : (
        rows.map((row) => (
          <EventTypeCard
            key={row.name}
            eventType={row}
            onEdit={canEdit ? () => navigate('/event-types', { edit: row.name }, true) : null}
          />
        ))
      )}
    </section>
  );
}
