import { useMemo, useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Source } from '../api/types.ts';
import {
  emptySourceForm,
  MAX_BODY_HINT,
  SOURCE_SCHEMES,
  type SourceFormState,
  type SourceTextField,
  schemeInfo,
  secretsHint,
  sourceBodyOf,
  sourceFormOf,
  validateSourceForm,
} from '../forms/source-form-model.ts';
import { HANDSHAKE_CHOICES, handshakeInfo, MAX_VERIFY_TOKEN } from '../forms/source-handshake.ts';
import { toApiError } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { describedBy, FormField } from './form-field.tsx';
import { HmacDigestFields } from './hmac-digest-fields.tsx';

/** What create (and an edit that replaced secrets) answers: the source plus its secrets, shown once. */
export type SavedSource = Source & { secrets?: string[] };

type Field = keyof SourceFormState;

/**
 * Create or edit a source: its verification scheme with the scheme's options and secrets, timestamp
 * tolerance, body size limit, accepted content types, event-type and dedup rules, the answer sent to the
 * provider, the provider's URL-registration handshake, and alias. Checked as the user types; the server's coded error is shown on submit.
 */
export function SourceForm({
  source,
  tenantEditable,
  onSaved,
  onCancel,
}: {
  source: Source | null;
  tenantEditable: boolean;
  onSaved: (saved: SavedSource) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const mode = source === null ? 'create' : 'edit';
  const [state, setState] = useState<SourceFormState>(() =>
    source === null ? emptySourceForm() : sourceFormOf(source),
  );
  const [touched, setTouched] = useState<Set<Field>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<ApiRequestError | null>(null);
  const currentScheme = (source?.verification as { scheme?: string } | null | undefined)?.scheme;
  const errors = useMemo(() => validateSourceForm(state, mode, currentScheme), [state, mode, currentScheme]);
  const shown = (field: Field) => (submitted || touched.has(field) ? errors[field] : undefined);
  const set = (field: Field, value: string | boolean) => {
    setState((previous) => ({ ...previous, [field]: value }));
    setTouched((previous) => (previous.has(field) ? previous : new Set(previous).add(field)));
  };
  const input = (field: SourceTextField, hasHint = false) => ({
    ...describedBy(`source-${field}`, hasHint, shown(field)),
    value: state[field],
    onInput: (event: Event) => set(field, (event.currentTarget as HTMLInputElement).value),
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    const invalid = Object.keys(errors);
    if (invalid.length > 0) {
      document.getElementById(`source-${invalid[0]}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const body = sourceBodyOf(state, mode, { tenantEditable });
      const saved =
        source === null
          ? await api.post<SavedSource>('/v1/sources', body)
          : await api.patch<SavedSource>(`/v1/sources/${source.id}`, body);
      onSaved(saved);
    } catch (failure) {
      setServerError(toApiError(failure));
    } finally {
      setSaving(false);
    }
  };

  const info = schemeInfo(state.scheme);
  const ruleHints: Record<string, string> = {
    provider: "The provider's own event type (e.g. GitHub's X-GitHub-Event).",
    header: 'The header holding the event type.',
    pointer: 'Where the event type is in the JSON body.',
    fixed: 'Every request becomes this event type.',
  };
  const dedupHints: Record<string, string> = {
    provider: "The provider's delivery id (e.g. X-GitHub-Delivery); a repeat gets the same answer.",
    header: 'The header holding a unique delivery id.',
    pointer: 'Where a unique delivery id is in the JSON body.',
    none: 'Every request is stored, repeats included.',
  };
  return (
    <form
      class="card form"
      onSubmit={submit}
      noValidate
      aria-label={mode === 'create' ? 'New source' : 'Edit source'}
    >
      <div class="grid-2">
        <FormField id="source-name" label="Name" error={shown('name')}>
          <input type="text" autoComplete="off" {...input('name')} />
        </FormField>
        {tenantEditable ? (
          <FormField
            id="source-tenant"
            label="Tenant"
            hint="Copied onto every message; empty for none."
            error={shown('tenant')}
          >
            <input type="text" autoComplete="off" {...input('tenant', true)} />
          </FormField>
        ) : null}
      </div>
      <fieldset class="fieldset">
        <legend>Verification</legend>
        <div class="grid-2">
          <FormField id="source-scheme" label="Scheme" error={shown('scheme')}>
            <select {...input('scheme')}>
              {SOURCE_SCHEMES.map((scheme) => (
                <option key={scheme.name} value={scheme.name}>
                  {scheme.label}
                </option>
              ))}
            </select>
          </FormField>
          {info?.secret === 'none' ? null : (
            <FormField
              id="source-secrets"
              label={mode === 'edit' ? 'Replace the secrets' : 'Secrets'}
              hint={secretsHint(mode, info)}
              error={shown('secrets')}
            >
              <textarea
                rows={2}
                class="mono"
                autoComplete="off"
                spellcheck={false}
                {...input('secrets', true)}
              />
            </FormField>
          )}
        </div>
        {state.scheme === 'hmac' || state.scheme === 'token' ? (
          <div class="grid-3">
            <FormField id="source-header" label="Header" error={shown('header')}>
              <input
                type="text"
                placeholder={state.scheme === 'hmac' ? 'X-Signature' : 'X-Webhook-Token'}
                {...input('header')}
              />
            </FormField>
            <FormField id="source-prefix" label="Value prefix" hint="e.g. sha256=" error={shown('prefix')}>
              <input type="text" {...input('prefix', true)} />
            </FormField>
            {state.scheme === 'hmac' ? (
              <FormField
                id="source-timestampHeader"
                label="Timestamp header"
                hint="Optional"
                error={shown('timestampHeader')}
              >
                <input type="text" {...input('timestampHeader', true)} />
              </FormField>
            ) : null}
          </div>
        ) : null}
        {state.scheme === 'github' ? (
          <label class="field-check">
            <input
              type="checkbox"
              checked={state.allowSha1}
              onChange={(event) => set('allowSha1', (event.currentTarget as HTMLInputElement).checked)}
            />
            Also accept the legacy SHA-1 signature (X-Hub-Signature) when no SHA-256 one came
          </label>
        ) : null}
        {state.scheme === 'hmac' ? (
          <div class="grid-3">
            <HmacDigestFields algorithm={input('algorithm')} encoding={input('encoding')} />
            <FormField
              id="source-signedContent"
              label="Signed content"
              hint="Empty: the body; e.g. {timestamp}.{body}"
              error={shown('signedContent')}
            >
              <input type="text" {...input('signedContent', true)} />
            </FormField>
          </div>
        ) : null}
      </fieldset>
      <div class="grid-3">
        <FormField
          id="source-toleranceSeconds"
          label="Tolerance (s)"
          hint="Accepted clock difference"
          error={shown('toleranceSeconds')}
        >
          <input type="number" min={1} inputMode="numeric" {...input('toleranceSeconds', true)} />
        </FormField>
        <FormField
          id="source-maxBodyBytes"
          label="Max body (bytes)"
          hint={MAX_BODY_HINT}
          error={shown('maxBodyBytes')}
        >
          <input type="number" min={1} inputMode="numeric" {...input('maxBodyBytes', true)} />
        </FormField>
        <FormField
          id="source-alias"
          label="Alias path"
          hint="Optional short path, e.g. /github"
          error={shown('alias')}
        >
          <input type="text" {...input('alias', true)} />
        </FormField>
      </div>
      <div class="grid-2">
        <FormField id="source-ruleKind" label="Event type from">
          <select {...input('ruleKind')}>
            <option value="provider">the provider's event type</option>
            <option value="header">a header</option>
            <option value="pointer">a JSON pointer</option>
            <option value="fixed">a fixed event type</option>
          </select>
        </FormField>
        {state.ruleKind === 'provider' ? (
          <p class="field-hint">{ruleHints.provider}</p>
        ) : (
          <FormField
            id="source-ruleValue"
            label={
              state.ruleKind === 'header' ? 'Header' : state.ruleKind === 'pointer' ? 'Pointer' : 'Event type'
            }
            hint={ruleHints[state.ruleKind]}
            error={shown('ruleValue')}
          >
            <input type="text" {...input('ruleValue', true)} />
          </FormField>
        )}
      </div>
      <div class="grid-2">
        <FormField id="source-dedupKind" label="Deduplicate by">
          <select {...input('dedupKind')}>
            <option value="provider">the provider's delivery id</option>
            <option value="header">a header</option>
            <option value="pointer">a JSON pointer</option>
            <option value="none">nothing (store every request)</option>
          </select>
        </FormField>
        {state.dedupKind === 'provider' || state.dedupKind === 'none' ? (
          <p class="field-hint">{dedupHints[state.dedupKind]}</p>
        ) : (
          <FormField
            id="source-dedupValue"
            label={state.dedupKind === 'header' ? 'Dedup header' : 'Dedup pointer'}
            hint={dedupHints[state.dedupKind]}
            error={shown('dedupValue')}
          >
            <input type="text" {...input('dedupValue', true)} />
          </FormField>
        )}
      </div>
      <fieldset class="fieldset">
        <legend>Requests accepted</legend>
        <FormField
          id="source-contentTypes"
          label="Content types"
          hint="Comma-separated type/subtype, e.g. application/json; empty: any. Others get 415."
          error={shown('contentTypes')}
        >
          <input type="text" autoComplete="off" spellcheck={false} {...input('contentTypes', true)} />
        </FormField>
        <label class="field-check">
          <input
            type="checkbox"
            checked={state.requireJson}
            onChange={(event) => set('requireJson', (event.currentTarget as HTMLInputElement).checked)}
          />
          Refuse bodies that are not JSON
        </label>
        <label class="field-check">
          <input
            type="checkbox"
            checked={state.decompress}
            onChange={(event) => set('decompress', (event.currentTarget as HTMLInputElement).checked)}
          />
          Forward compressed bodies decompressed (for receivers whose body parser inflates before they verify;
          the provider's own signature then no longer matches)
        </label>
      </fieldset>
      <fieldset class="fieldset">
        <legend>Answer to the provider</legend>
        <div class="grid-3">
          <FormField
            id="source-responseStatus"
            label="Status"
            hint="2xx, sent once the request is stored"
            error={shown('responseStatus')}
          >
            <input type="number" min={200} max={299} inputMode="numeric" {...input('responseStatus', true)} />
          </FormField>
          <FormField
            id="source-responseContentType"
            label="Content type"
            error={shown('responseContentType')}
          >
            <input type="text" autoComplete="off" spellcheck={false} {...input('responseContentType')} />
          </FormField>
          <FormField
            id="source-responseBody"
            label="Body"
            hint="Empty with status 204"
            error={shown('responseBody')}
          >
            <textarea rows={2} class="mono" spellcheck={false} {...input('responseBody', true)} />
          </FormField>
        </div>
        <div class="grid-2">
          <FormField
            id="source-handshake"
            label="Provider handshake"
            hint={handshakeInfo(state.handshake)?.hint}
            error={shown('handshake')}
          >
            <select {...input('handshake', true)}>
              {HANDSHAKE_CHOICES.map((choice) => (
                <option key={choice.kind} value={choice.kind}>
                  {choice.label}
                </option>
              ))}
            </select>
          </FormField>
          {state.handshake === 'meta' ? (
            <FormField
              id="source-verifyToken"
              label="Verify token"
              hint={`The text typed as Verify Token in Meta's webhook settings (at most ${MAX_VERIFY_TOKEN} characters).`}
              error={shown('verifyToken')}
            >
              <input type="text" autoComplete="off" spellcheck={false} {...input('verifyToken', true)} />
            </FormField>
          ) : null}
        </div>
      </fieldset>
      <ErrorBanner error={serverError} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={saving}>
          {saving ? 'Saving…' : mode === 'create' ? 'Create source' : 'Save changes'}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
