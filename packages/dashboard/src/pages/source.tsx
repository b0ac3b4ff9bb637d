import { useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Source } from '../api/types.ts';
import { CopyLine, ingestUrl } from '../components/copy-line.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { IdText } from '../components/id-text.tsx';
import { Loading } from '../components/loading.tsx';
import { RotateSecretPanel } from '../components/rotate-secret-panel.tsx';
import { SecretReveal } from '../components/secret-reveal.tsx';
import { SourceFailuresPanel } from '../components/source-failures-panel.tsx';
import { type SavedSource, SourceForm } from '../components/source-form.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Time } from '../components/time.tsx';
import {
  DEFAULT_GRACE_SECONDS,
  graceHint,
  graceInWords,
  type RotationFormState,
  sourceRotationBody,
} from '../forms/secret-rotation-model.ts';
import { schemeInfo, sourceSecretError } from '../forms/source-form-model.ts';
import { handshakeInfo } from '../forms/source-handshake.ts';
import { useCapabilities } from '../hooks/use-capabilities.ts';
import { toApiError, useLoad } from '../hooks/use-load.ts';
import { navigate, type Route } from '../router.ts';
import '../pages.css';

/** Secrets returned once (create, a replacing edit, rotate), kept in memory until dismissed. */
interface Shown {
  secrets: string[];
  note: string;
}

/**
 * One source (`#/sources/src_…`) or the create form (`#/sources/new`): ingest URL with copy, settings,
 * refused requests by reason, and the fixes — edit, rotate the token (new URL), rotate the secret (shown
 * once), enable/disable, delete.
 */
export function SourcePage({ id }: { id: string; route: Route }) {
  const capabilities = useCapabilities();
  const [created, setCreated] = useState<Shown | null>(null);
  if (id === 'new') {
    return (
      <section>
        <h1>New source</h1>
        <SourceForm
          source={null}
          tenantEditable={capabilities?.tenant === null}
          onCancel={() => navigate('/sources')}
          onSaved={(saved) => {
            if (saved.secrets && saved.secrets.length > 0) {
              setCreated({
                secrets: saved.secrets,
                note: 'Give it to the sender; Hookline verifies with it.',
              });
            }
            navigate(`/sources/${saved.id}`);
          }}
        />
      </section>
    );
  }
  return <SourceDetail id={id} created={created} />;
}

function SourceDetail({ id, created }: { id: string; created: Shown | null }) {
  const api = useApi();
  const capabilities = useCapabilities();
  const admin = capabilities?.admin === true;
  const source = useLoad(() => api.get<Source>(`/v1/sources/${id}`), [id]);
  const [editing, setEditing] = useState(false);
  const [shown, setShown] = useState<Shown | null>(created);
  const [newUrl, setNewUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiRequestError | null>(null);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      source.reload();
    } catch (failure) {
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  const rotateToken = () =>
    act(async () => {
      if (!window.confirm('Give this source a new URL? The current URL stops answering at once.')) return;
      const updated = await api.post<Source>(`/v1/sources/${id}/token/rotate`);
      setNewUrl(ingestUrl(updated.ingestPath));
    });
  const rotateSecret = async (rotation: RotationFormState) => {
    const body = sourceRotationBody(rotation);
    const result = await api.post<Source & { secret: string }>(`/v1/sources/${id}/secrets/rotate`, body);
    const grace = body.graceSeconds ?? DEFAULT_GRACE_SECONDS;
    setShown({
      secrets: [result.secret],
      note:
        grace === 0
          ? 'The previous secrets stopped verifying.'
          : `The previous secrets keep verifying for ${graceInWords(grace)}.`,
    });
    source.reload();
  };
  const remove = () =>
    act(async () => {
      if (!window.confirm('Delete this source? Its URL stops answering; its messages stay.')) return;
      await api.delete(`/v1/sources/${id}`);
      navigate('/sources');
    });

  const data = source.data;
  if (data === null) {
    return (
      <section>
        <h1>
          Source <IdText id={id} />
        </h1>
        {source.error ? <ErrorBanner error={source.error} /> : <Loading what="Loading the source" />}
        <p>
          <a href="#/sources">All sources</a>
        </p>
      </section>
    );
  }
  const verification = (data.verification ?? {}) as Record<string, unknown>;
  const scheme = String(verification.scheme ?? '');
  const info = schemeInfo(scheme);
  const options = Object.entries(verification).filter(([key]) => key !== 'scheme');
  const rule = (data.eventTypeRule ?? {}) as Record<string, unknown>;
  const dedup = (data.dedupRule ?? {}) as Record<string, unknown>;
  const response = (data.response ?? {}) as Record<string, unknown>;
  return (
    <section>
      <p class="breadcrumb">
        <a href="#/sources">Sources</a>
      </p>
      <div class="page-head">
        <h1>{data.name}</h1>
        {data.disabled ? <StatusBadge status="disabled" /> : <StatusBadge status="enabled" />}
      </div>
      <div class="card panel">
        <dl class="facts">
          <dt>Ingest URL</dt>
          <dd>
            <CopyLine value={ingestUrl(data.ingestPath)} label="URL" />
          </dd>
          {data.alias ? (
            <>
              <dt>Alias</dt>
              <dd>
                <CopyLine value={ingestUrl(data.alias)} label="alias URL" />
              </dd>
            </>
          ) : null}
        </dl>
        {newUrl ? (
          <p class="notice" role="status">
            New URL: <code>{newUrl}</code>. Update it in the sender's webhook settings: the old one no longer
            answers.
          </p>
        ) : null}
      </div>
      {shown ? (
        <SecretReveal
          label="Source secret"
          secret={shown.secrets.join('\n')}
          note={shown.note}
          onDismiss={() => setShown(null)}
        />
      ) : null}
      {admin ? (
        // biome-ignore lint/a11y/useSemanticElements: a toolbar of buttons, not a form fieldset.
        <div class="actions panel" role="group" aria-label="Source actions">
          <button type="button" class="button" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {editing ? 'Close the editor' : 'Edit'}
          </button>
          <button type="button" class="button" disabled={busy} onClick={rotateToken}>
            Rotate URL token
          </button>
          <button
            type="button"
            class="button"
            disabled={busy}
            onClick={() => act(() => api.patch(`/v1/sources/${id}`, { disabled: !data.disabled }))}
          >
            {data.disabled ? 'Enable' : 'Disable'}
          </button>
          <button type="button" class="button button-danger" disabled={busy} onClick={remove}>
            Delete
          </button>
        </div>
      ) : null}
      <ErrorBanner error={error} />
      {editing ? (
        <SourceForm
          source={data}
          tenantEditable={capabilities?.tenant === null}
          onCancel={() => setEditing(false)}
          onSaved={(saved: SavedSource) => {
            setEditing(false);
            if (saved.secrets && saved.secrets.length > 0) {
              setShown({ secrets: saved.secrets, note: 'These replaced the previous secrets.' });
            }
            source.reload();
          }}
        />
      ) : null}
      <div class="grid-2">
        <section class="card panel" aria-labelledby="source-settings">
          <h2 id="source-settings">Settings</h2>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <IdText id={data.id} />
            </dd>
            <dt>Tenant</dt>
            <dd>{data.tenant ?? <span class="muted">none</span>}</dd>
            <dt>Scheme</dt>
            <dd>
              {info?.label ?? scheme}
              {options.length > 0 ? (
                <span class="muted">
                  {' '}
                  ({options.map(([key, value]) => `${key}: ${String(value)}`).join(', ')})
                </span>
              ) : null}
            </dd>
            <dt>Secrets</dt>
            <dd>{data.secretCount} verifying</dd>
            <dt>Tolerance</dt>
            <dd>{data.toleranceSeconds === null ? '—' : `${data.toleranceSeconds} s`}</dd>
            <dt>Max body</dt>
            <dd>{data.maxBodyBytes === null ? '—' : `${data.maxBodyBytes.toLocaleString()} bytes`}</dd>
            <dt>Event type</dt>
            <dd>
              {rule.kind === 'header'
                ? `header ${String(rule.name)}`
                : rule.kind === 'pointer'
                  ? `body at ${String(rule.pointer)}`
                  : rule.kind === 'fixed'
                    ? `always ${String(rule.eventType)}`
                    : "the provider's"}
            </dd>
            <dt>Dedup by</dt>
            <dd>
              {dedup.kind === 'header'
                ? `header ${String(dedup.name)}`
                : dedup.kind === 'pointer'
                  ? `body at ${String(dedup.pointer)}`
                  : dedup.kind === 'none'
                    ? 'nothing'
                    : "the provider's id"}
            </dd>
            <dt>Content types</dt>
            <dd>{data.contentTypes === null ? 'any' : data.contentTypes.join(', ')}</dd>
            <dt>JSON only</dt>
            <dd>{data.requireJson ? 'yes' : 'no'}</dd>
            <dt>Compressed bodies</dt>
            <dd>{data.decompress ? 'forwarded decompressed' : 'forwarded as they came'}</dd>
            <dt>Handshake</dt>
            <dd>
              {data.handshake ? (
                (handshakeInfo(data.handshake.kind)?.label ?? data.handshake.kind)
              ) : (
                <span class="muted">none</span>
              )}
              {data.handshake?.kind === 'meta' ? (
                <span class="muted">
                  {' '}
                  (verify token <code class="mono">{data.handshake.verifyToken}</code>)
                </span>
              ) : null}
            </dd>
            <dt>Answer</dt>
            <dd>
              {String(response.status ?? '')} <span class="muted">{String(response.contentType ?? '')}</span>
              {typeof response.body === 'string' && response.body !== '' ? (
                <code class="mono"> {response.body}</code>
              ) : null}
            </dd>
            <dt>Created</dt>
            <dd>
              <Time iso={data.createdAt} />
            </dd>
          </dl>
          <p>
            <a href={`#/messages?sourceId=${data.id}`}>Messages from this source</a>
          </p>
        </section>
        <SourceFailuresPanel sourceId={id} />
      </div>
      {admin && scheme !== 'none' ? (
        <RotateSecretPanel
          intro="The new secret verifies at once; the previous ones keep verifying for the grace period, so the sender can switch."
          secretLabel={`New secret ${info?.secret === 'provider' ? '(from the provider)' : '(empty: generated)'}`}
          secretRequired={info?.secret === 'provider'}
          secretError={(secret) => sourceSecretError(scheme, secret)}
          graceHint={graceHint(graceInWords(DEFAULT_GRACE_SECONDS))}
          onRotate={rotateSecret}
        />
      ) : null}
    </section>
  );
}
