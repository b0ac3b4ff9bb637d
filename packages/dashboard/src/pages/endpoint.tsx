import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Endpoint } from '../api/types.ts';
import { type CreatedEndpoint, EndpointForm } from '../components/endpoint-form.tsx';
import { EndpointHealthPanel } from '../components/endpoint-health-panel.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { IdText } from '../components/id-text.tsx';
import { Loading } from '../components/loading.tsx';
import { RecoverPanel } from '../components/recover-panel.tsx';
import { RotateSecretPanel } from '../components/rotate-secret-panel.tsx';
import { SecretReveal } from '../components/secret-reveal.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TestEventPanel } from '../components/test-event-panel.tsx';
import { Time } from '../components/time.tsx';
import { windowOf } from '../components/window-toggle.tsx';
import { endpointSecretProblem } from '../forms/endpoint-form-model.ts';
import { retryScheduleText } from '../forms/retry-schedule.ts';
import { endpointRotationBody, graceHint, type RotationFormState } from '../forms/secret-rotation-model.ts';
import { useCapabilities } from '../hooks/use-capabilities.ts';
import { toApiError, useLoad } from '../hooks/use-load.ts';
import { navigate, type Route } from '../router.ts';
import '../pages.css';

/** A secret returned once, by create or rotate, kept in memory until dismissed. */
interface Shown {
  secret: string;
  publicKey?: string | undefined;
  note: string;
}

/**
 * One endpoint (`#/endpoints/ep_…`), or the create form (`#/endpoints/new`): its settings, health, and
 * the fixes — edit, enable/disable, recover failed deliveries, send a test, rotate the secret (shown once)
 * with a chosen grace period.
 */
export function EndpointPage({ id, route }: { id: string; route: Route }) {
  const capabilities = useCapabilities();
  const [created, setCreated] = useState<Shown | null>(null);
  if (id === 'new') {
    return (
      <section>
        <h1>New endpoint</h1>
        <EndpointForm
          endpoint={null}
          tenantEditable={capabilities?.tenant === null}
          onCancel={() => navigate('/endpoints')}
          onSaved={(saved) => {
            const withSecret = saved as CreatedEndpoint;
            setCreated({
              secret: withSecret.secret,
              publicKey: withSecret.publicKey,
              note: 'Receivers verify deliveries with it.',
            });
            navigate(`/endpoints/${saved.id}`);
          }}
        />
      </section>
    );
  }
  return <EndpointDetail id={id} route={route} created={created} onCreatedSeen={() => setCreated(null)} />;
}

function EndpointDetail({
  id,
  route,
  created,
  onCreatedSeen,
}: {
  id: string;
  route: Route;
  created: Shown | null;
  onCreatedSeen: () => void;
}) {
  const api = useApi();
  const capabilities = useCapabilities();
  const admin = capabilities?.admin === true;
  const endpoint = useLoad(() => api.get<Endpoint>(`/v1/endpoints/${id}`), [id]);
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState(false);
  const [shown, setShown] = useState<Shown | null>(created);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiRequestError | null>(null);
  const refresh = () => {
    setGeneration((n) => n + 1);
    endpoint.reload();
  };

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      refresh();
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  const rotate = async (rotation: RotationFormState) => {
    const body = endpointRotationBody(rotation);
    const result = await api.post<{ secret: string; publicKey?: string; previousSecretExpiresAt: string }>(
      `/v1/endpoints/${id}/secret/rotate`,
      body,
    );
    setShown({
      secret: result.secret,
      publicKey: result.publicKey,
      note:
        body.graceMs === 0
          ? 'The previous secret stopped signing.'
          : `The previous secret keeps signing until ${new Date(result.previousSecretExpiresAt).toLocaleString()}.`,
    });
    refresh();
  };
  const remove = () =>
    act(async () => {
      if (!window.confirm('Delete this endpoint? Its pending deliveries are cancelled.')) return;
      await api.delete(`/v1/endpoints/${id}`);
      navigate('/endpoints');
    });

  const data = endpoint.data;
  if (data === null) {
    return (
      <section>
        <h1>
          Endpoint <IdText id={id} />
        </h1>
        {endpoint.error ? <ErrorBanner error={endpoint.error} /> : <Loading what="Loading the endpoint" />}
        <p>
          <a href="#/endpoints">All endpoints</a>
        </p>
      </section>
    );
  }
  const signing = (data.signing ?? {}) as Record<string, unknown>;
  const scheme = String(signing.scheme ?? '');
  return (
    <section>
      <p class="breadcrumb">
        <a href="#/endpoints">Endpoints</a>
      </p>
      <div class="page-head">
        <h1>{data.url}</h1>
        {data.disabled ? <StatusBadge status="disabled" /> : <StatusBadge status="enabled" />}
      </div>
      {shown ? (
        <SecretReveal
          label="Signing secret"
          secret={shown.secret}
          note={`${shown.note}${shown.publicKey ? ` Public key: ${shown.publicKey}` : ''}`}
          onDismiss={() => {
            setShown(null);
            onCreatedSeen();
          }}
        />
      ) : null}
      {admin ? (
        // biome-ignore lint/a11y/useSemanticElements: a toolbar of buttons, not a form fieldset.
        <div class="actions panel" role="group" aria-label="Endpoint actions">
          <button type="button" class="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? 'Close the editor' : 'Edit'}
          </button>
          {data.disabled ? (
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() => act(() => api.post(`/v1/endpoints/${id}/enable`))}
            >
              Enable
            </button>
          ) : (
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() =>
                act(() => api.post(`/v1/endpoints/${id}/disable`, { reason: 'disabled in the dashboard' }))
              }
            >
              Disable
            </button>
          )}
          <button type="button" class="button button-danger" disabled={busy} onClick={remove}>
            Delete
          </button>
        </div>
      ) : null}
      <ErrorBanner error={error} />
      {editing ? (
        <EndpointForm
          endpoint={data}
          tenantEditable={capabilities?.tenant === null}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            refresh();
          }}
        />
      ) : null}
      <div class="grid-2">
        <section class="card panel" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <IdText id={data.id} />
            </dd>
            {data.description ? (
              <>
                <dt>Description</dt>
                <dd>{data.description}</dd>
              </>
            ) : null}
            <dt>Tenant</dt>
            <dd>{data.tenant ?? <span class="muted">every tenant</span>}</dd>
            {data.disabledReason ? (
              <>
                <dt>Disabled because</dt>
                <dd>{data.disabledReason}</dd>
              </>
            ) : null}
            <dt>Event types</dt>
            <dd>{data.eventTypes?.length ? data.eventTypes.join(', ') : <span class="muted">all</span>}</dd>
            <dt>Channels</dt>
            <dd>{data.channels?.length ? data.channels.join(', ') : <span class="muted">all</span>}</dd>
            <dt>Sources</dt>
            <dd>
              {data.sources?.length ? (
                data.sources.map((source, i) => (
                  <span key={source}>
                    {i > 0 ? ', ' : ''}
                    <a href={`#/sources/${source}`}>
                      <IdText id={source} />
                    </a>
                  </span>
                ))
              ) : (
                <span class="muted">all</span>
              )}
            </dd>
            <dt>Payload filter</dt>
            <dd>
              {data.payloadFilter === null ? (
                <span class="muted">none</span>
              ) : (
                <code>{JSON.stringify(data.payloadFilter)}</code>
              )}
            </dd>
            <dt>Headers</dt>
            <dd>
              {Object.keys(data.headers ?? {}).length === 0 ? (
                <span class="muted">none</span>
              ) : (
                Object.entries(data.headers).map(([name, value]) => (
                  <div key={name}>{`${name}: ${value}`}</div>
                ))
              )}
            </dd>
            <dt>Signing</dt>
            <dd>
              {scheme} ({data.secretCount} {data.secretCount === 1 ? 'secret' : 'secrets'} signing)
            </dd>
            <dt>Timeout</dt>
            <dd>{data.timeoutMs === null ? '—' : `${data.timeoutMs / 1000} s`}</dd>
            <dt>Retries</dt>
            <dd>
              {data.retrySchedule === null ? (
                <span class="muted">the server's schedule</span>
              ) : data.retrySchedule.length === 0 ? (
                'none (one attempt)'
              ) : (
                `after ${retryScheduleText(data.retrySchedule)}`
              )}
            </dd>
            <dt>Rate limit</dt>
            <dd>
              {data.rateLimitPerSecond === null ? (
                <span class="muted">none</span>
              ) : (
                `${data.rateLimitPerSecond}/s`
              )}
            </dd>
            <dt>Concurrency</dt>
            <dd>{data.maxConcurrency ?? <span class="muted">default</span>}</dd>
            <dt>Created</dt>
            <dd>
              <Time iso={data.createdAt} />
            </dd>
          </dl>
          <p>
            <a href={`#/messages?endpointId=${data.id}`}>Messages sent to this endpoint</a>
          </p>
        </section>
        <EndpointHealthPanel
          endpointId={id}
          window={windowOf(route.query)}
          onWindow={(next) => navigate(`/endpoints/${id}`, { window: next }, true)}
          generation={generation}
        />
      </div>
      {admin ? (
        <>
          <div class="grid-2">
            <RecoverPanel endpointId={id} onChanged={refresh} />
            <TestEventPanel endpointId={id} onSent={refresh} />
          </div>
          <RotateSecretPanel
            intro="The new secret signs at once; the previous one keeps signing for the grace period, so receivers can switch."
            secretLabel="New secret (empty: generated)"
            secretRequired={false}
            secretError={(secret) => endpointSecretProblem(scheme, secret)}
            graceHint={graceHint("the server's secretRotationGraceMs, 24 hours by default")}
            onRotate={rotate}
          />
        </>
      ) : null}
    </section>
  );
}
