import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { useApi } from '../api/api-context.ts';
import type { EventType } from '../api/types.ts';
import {
  type EventTypeFormState,
  emptyEventTypeForm,
  eventTypeBodyOf,
  eventTypeFormOf,
  validateEventTypeForm,
} from '../forms/event-type-form-model.ts';
import { toApiError } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { describedBy, FormField } from './form-field.tsx';

type Field = keyof EventTypeFormState;

/**
 * Add an event type to the catalog or edit one: description, JSON Schema (parse-checked as you type; the
 * server compiles it and answers invalid_schema), whether publishes must match it, examples, archived.
 */
export function EventTypeForm({
  eventType,
  onSaved,
  onCancel,
}: {
  eventType: EventType | null;
  onSaved: (saved: EventType) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const mode = eventType === null ? 'create' : 'edit';
  const [state, setState] = useState<EventTypeFormState>(() =>
    eventType === null ? emptyEventTypeForm() : eventTypeFormOf(eventType),
  );
  const [touched, setTouched] = useState<Set<Field>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<ApiRequestError | null>(null);
  const errors = useMemo(() => validateEventTypeForm(state), [state]);
  // The form opens above the catalog: take the focus there, so keyboard users land in it.
  useEffect(() => {
    document.getElementById(eventType === null ? 'event-type-name' : 'event-type-description')?.focus();
  }, [eventType?.name]);
  const shown = (field: Field) => (submitted || touched.has(field) ? errors[field] : undefined);
  const set = (field: Field, value: string | boolean) => {
    setState((previous) => ({ ...previous, [field]: value }));
    setTouched((previous) => (previous.has(field) ? previous : new Set(previous).add(field)));
  };
  const text = (field: 'name' | 'description' | 'schema' | 'examples', hasHint = false) => ({
    ...describedBy(`event-type-${field}`, hasHint, shown(field)),
    value: state[field],
    onInput: (event: Event) => set(field, (event.currentTarget as HTMLInputElement).value),
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    const invalid = Object.keys(errors);
    if (invalid.length > 0) {
      document.getElementById(`event-type-${invalid[0]}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const body = eventTypeBodyOf(state, mode);
      onSaved(
        eventType === null
          ? await api.post<EventType>('/v1/event-types', body)
          : await api.patch<EventType>(`/v1/event-types/${encodeURIComponent(eventType.name)}`, body),
      );
    } catch (failure) {
      setServerError(toApiError(failure));
    } finally {
      setSaving(false);
    }
  };

  const schemaHint = 'JSON Schema (draft 2020-12, 2019-09, 07 or 06); empty for none.';
  return (
    <form
      class="card form"
      onSubmit={submit}
      noValidate
      aria-label={mode === 'create' ? 'New event type' : `Edit ${eventType?.name}`}
    >
      {mode === 'create' ? (
        <FormField id="event-type-name" label="Name" hint="e.g. invoice.paid" error={shown('name')}>
          <input type="text" autoComplete="off" {...text('name', true)} />
        </FormField>
      ) : null}
      <FormField id="event-type-description" label="Description" error={shown('description')}>
        <input type="text" {...text('description')} />
      </FormField>
      <div class="grid-2">
        <FormField id="event-type-schema" label="Schema" hint={schemaHint} error={shown('schema')}>
          <textarea rows={8} class="mono" spellcheck={false} {...text('schema', true)} />
        </FormField>
        <FormField
          id="event-type-examples"
          label="Examples"
          hint="A JSON array of example payloads."
          error={shown('examples')}
        >
          <textarea rows={8} class="mono" spellcheck={false} {...text('examples', true)} />
        </FormField>
      </div>
      <label class="field-check">
        <input
          type="checkbox"
          checked={state.enforceSchema}
          onChange={(event) => set('enforceSchema', (event.currentTarget as HTMLInputElement).checked)}
        />
        Refuse publishes whose payload breaks the schema (400 schema_violation)
      </label>
      {shown('enforceSchema') ? <p class="field-error">{shown('enforceSchema')}</p> : null}
      <label class="field-check">
        <input
          type="checkbox"
          checked={state.archived}
          onChange={(event) => set('archived', (event.currentTarget as HTMLInputElement).checked)}
        />
        Archived (kept for old messages, hidden from new integrations)
      </label>
      <ErrorBanner error={serverError} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={saving}>
          {saving ? 'Saving…' : mode === 'create' ? 'Add event type' : 'Save changes'}
        </button>
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
