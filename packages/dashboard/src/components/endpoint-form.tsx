import { useMemo, useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { Endpoint } from '../api/types.ts';
import {
  type EndpointFormState,
  type EndpointTextField,
  emptyEndpointForm,
  endpointBodyOf,
  endpointFormOf,
  validateEndpointForm,
} from '../forms/endpoint-form-model.ts';
import { RETRY_SCHEDULE_HINT } from '../forms/retry-schedule.ts';
import { toApiError } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { describedBy, FormField } from './form-field.tsx';
import { HmacDigestFields } from './hmac-digest-fields.tsx';
import { SourcePicker } from './source-picker.tsx';

/** What the create call answers: the endpoint plus its secret, shown once. */
export type CreatedEndpoint = Endpoint & { secret: string; publicKey?: string };

type Field = keyof EndpointFormState;

/** What the secret field takes for each signing scheme (endpoint-secret-rules.ts holds the rule). */
const SECRET_HINTS: Record<EndpointFormState['scheme'], string> = {
  'standard-webhooks-v1': "whsec_…, e.g. the receiver's existing secret. Empty: Hookline generates one.",
  'standard-webhooks-v1a': 'A whsk_… ed25519 secret key. Empty: Hookline generates a key pair.',
  hmac: "The receiver's existing secret, 16 to 256 characters. Empty: Hookline generates one.",
  token: "The receiver's existing token, 16 to 256 characters. Empty: Hookline generates one.",
};

/**
 * Create or edit an endpoint. Each field is checked as the user types (once touched) and every field on
 * submit; the server's coded error (an SSRF-blocked address, a reserved header…) is shown when it refuses.
 */
export function EndpointForm({
  endpoint,
  tenantEditable,
  onSaved,
  onCancel,
}: {
  endpoint: Endpoint | null;
  tenantEditable: boolean;
  onSaved: (saved: Endpoint | CreatedEndpoint) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const mode = endpoint === null ? 'create' : 'edit';
  const [state, setState] = useState<EndpointFormState>(() =>
    endpoint === null ? emptyEndpointForm() : endpointFormOf(endpoint),
  );
  const [touched, setTouched] = useState<Set<Field>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<ApiRequestError | null>(null);
  const errors = useMemo(() => validateEndpointForm(state, mode), [state, mode]);
  const shown = (field: Field) => (submitted || touched.has(field) ? errors[field] : undefined);

  const update = (field: EndpointTextField) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setState((previous) => ({ ...previous, [field]: value }));
    setTouched((previous) => (previous.has(field) ? previous : new Set(previous).add(field)));
  };
  const input = (field: EndpointTextField, hasHint = false) => ({
    ...describedBy(`endpoint-${field}`, hasHint, shown(field)),
    value: state[field],
    onInput: update(field),
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length > 0) {
      const first = Object.keys(errors)[0];
      document.getElementById(`endpoint-${first}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const body = endpointBodyOf(state, mode, { tenantEditable });
      const saved =
        endpoint === null
          ? await api.post<CreatedEndpoint>('/v1/endpoints', body)
          : await api.patch<Endpoint>(`/v1/endpoints/${endpoint.id}`, body);
      onSaved(saved);
    } catch (failure) {
      setServerError(toApiError(failure));
    } finally {
      setSaving(false);
    }
  };

  const legacy = state.scheme === 'hmac' || state.scheme === 'token';
  const hints = {
    url: 'Where deliveries are POSTed: http:// or https://.',
    eventTypes: 'One per line or comma-separated; * matches a segment (invoice.*). Empty: every event type.',
    payloadFilter: 'JSON, e.g. {"data.amount": {"$gte": 100}}. Empty: no filter.',
    headers: 'One per line: X-Team: billing',
  };
  return (
    <form
      class="card form"
      onSubmit={submit}
      noValidate
      aria-label={mode === 'create' ? 'New endpoint' : 'Edit endpoint'}
    >
      <FormField id="endpoint-url" label="URL" hint={hints.url} error={shown('url')}>
        <input type="url" inputMode="url" autoComplete="off" required {...input('url', true)} />
      </FormField>
      <FormField id="endpoint-description" label="Description" error={shown('description')}>
        <input type="text" {...input('description')} />
      </FormField>
      {tenantEditable ? (
        <FormField
          id="endpoint-tenant"
          label="Tenant"
          hint="Empty: receives every tenant's messages."
          error={shown('tenant')}
        >
          <input type="text" autoComplete="off" {...input('tenant', true)} />
        </FormField>
      ) : null}
      <div class="grid-2">
        <FormField
          id="endpoint-eventTypes"
          label="Event types"
          hint={hints.eventTypes}
          error={shown('eventTypes')}
        >
          <textarea rows={3} {...input('eventTypes', true)} />
        </FormField>
        <FormField
          id="endpoint-payloadFilter"
          label="Payload filter"
          hint={hints.payloadFilter}
          error={shown('payloadFilter')}
        >
          <textarea rows={3} class="mono" spellcheck={false} {...input('payloadFilter', true)} />
        </FormField>
      </div>
      <div class="grid-2">
        <FormField
          id="endpoint-channels"
          label="Channels"
          hint="Comma-separated; empty: every channel."
          error={shown('channels')}
        >
          <input type="text" {...input('channels', true)} />
        </FormField>
        <FormField id="endpoint-headers" label="Custom headers" hint={hints.headers} error={shown('headers')}>
          <textarea rows={2} class="mono" spellcheck={false} {...input('headers', true)} />
        </FormField>
      </div>
      <SourcePicker
        selected={state.sources}
        onChange={(sources) => setState((previous) => ({ ...previous, sources }))}
      />
      <div class="grid-3">
        <FormField
          id="endpoint-timeoutSeconds"
          label="Timeout (s)"
          hint="1 to 30"
          error={shown('timeoutSeconds')}
        >
          <input type="number" min={1} max={30} inputMode="numeric" {...input('timeoutSeconds', true)} />
        </FormField>
        <FormField
          id="endpoint-rateLimitPerSecond"
          label="Rate limit (/s)"
          hint="Empty: none"
          error={shown('rateLimitPerSecond')}
        >
          <input type="number" min={1} inputMode="numeric" {...input('rateLimitPerSecond', true)} />
        </FormField>
        <FormField
          id="endpoint-maxConcurrency"
          label="Concurrency"
          hint="Empty: server default"
          error={shown('maxConcurrency')}
        >
          <input type="number" min={1} inputMode="numeric" {...input('maxConcurrency', true)} />
        </FormField>
      </div>
      <FormField
        id="endpoint-retrySchedule"
        label="Retry schedule"
        hint={RETRY_SCHEDULE_HINT}
        error={shown('retrySchedule')}
      >
        <input type="text" autoComplete="off" spellcheck={false} {...input('retrySchedule', true)} />
      </FormField>
      <fieldset class="fieldset">
        <legend>Signing</legend>
        <div class="grid-2">
          <FormField
            id="endpoint-scheme"
            label="Scheme"
            hint={
              mode === 'edit'
                ? 'The scheme cannot change after creation (its secrets would not fit).'
                : undefined
            }
          >
            <select {...input('scheme', mode === 'edit')} disabled={mode === 'edit'}>
              <option value="standard-webhooks-v1">Standard Webhooks v1 (HMAC-SHA256)</option>
              <option value="standard-webhooks-v1a">Standard Webhooks v1a (ed25519)</option>
              <option value="hmac">Legacy HMAC header</option>
              <option value="token">Legacy token header</option>
            </select>
          </FormField>
          {mode === 'create' ? (
            <FormField
              id="endpoint-secret"
              label="Secret"
              hint={SECRET_HINTS[state.scheme]}
              error={shown('secret')}
            >
              <input type="text" autoComplete="off" spellcheck={false} {...input('secret', true)} />
            </FormField>
          ) : null}
        </div>
        {legacy ? (
          <div class="grid-2">
            <FormField id="endpoint-signingHeader" label="Header" error={shown('signingHeader')}>
              <input
                type="text"
                placeholder={state.scheme === 'hmac' ? 'X-Signature' : 'X-Webhook-Token'}
                {...input('signingHeader')}
              />
            </FormField>
            {state.scheme === 'hmac' ? (
              <FormField
                id="endpoint-signaturePrefix"
                label="Signature prefix"
                hint="Before the signature, e.g. sha256="
                error={shown('signaturePrefix')}
              >
                <input
                  type="text"
                  autoComplete="off"
                  spellcheck={false}
                  {...input('signaturePrefix', true)}
                />
              </FormField>
            ) : null}
          </div>
        ) : null}
        {state.scheme === 'hmac' ? (
          <div class="grid-2">
            <HmacDigestFields algorithm={input('algorithm')} encoding={input('encoding')} />
            <FormField
              id="endpoint-timestampHeader"
              label="Timestamp header"
              error={shown('timestampHeader')}
            >
              <input type="text" placeholder="optional" {...input('timestampHeader')} />
            </FormField>
            <FormField
              id="endpoint-signedContent"
              label="Signed content"
              hint="Empty: the body alone (the timestamp header is sent unsigned); e.g. {timestamp}.{body}"
              error={shown('signedContent')}
            >
              <input type="text" autoComplete="off" spellcheck={false} {...input('signedContent', true)} />
            </FormField>
          </div>
        ) : null}
      </fieldset>
      <ErrorBanner error={serverError} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={saving}>
          {saving ? 'Saving…' : mode === 'create' ? 'Create endpoint' : 'Save changes'}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
