import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { ApiRequestError } from '../api/api-client.ts';
import { graceSecondsOf, type RotationFormState, validateRotation } from '../forms/secret-rotation-model.ts';
import { toApiError } from '../hooks/use-load.ts';
import { ErrorBanner } from './error-banner.tsx';
import { describedBy, FormField } from './form-field.tsx';

/**
 * Rotate a source's or an endpoint's secret: an optional new secret and how long the previous ones keep
 * working. Checked as the user types; `onRotate` sends it (and shows the new secret), and the server's
 * coded error appears here when it refuses.
 */
export function RotateSecretPanel({
  intro,
  secretLabel,
  secretRequired,
  secretError,
  graceHint,
  onRotate,
}: {
  intro: ComponentChildren;
  secretLabel: string;
  secretRequired: boolean;
  secretError: (secret: string) => string | undefined;
  graceHint: string;
  onRotate: (state: RotationFormState) => Promise<void>;
}) {
  const [state, setState] = useState<RotationFormState>({ secret: '', grace: '' });
  const [touched, setTouched] = useState<Set<keyof RotationFormState>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<ApiRequestError | null>(null);
  const errors = useMemo(
    () => validateRotation(state, { secretRequired, secretError }),
    [state, secretRequired, secretError],
  );
  const shown = (field: keyof RotationFormState) =>
    submitted || touched.has(field) ? errors[field] : undefined;
  const input = (field: keyof RotationFormState) => ({
    ...describedBy(`rotate-${field}`, field === 'grace', shown(field)),
    value: state[field],
    onInput: (event: Event) => {
      const value = (event.currentTarget as HTMLInputElement).value;
      setState((previous) => ({ ...previous, [field]: value }));
      setTouched((previous) => (previous.has(field) ? previous : new Set(previous).add(field)));
    },
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    const invalid = Object.keys(errors);
    if (invalid.length > 0) {
      document.getElementById(`rotate-${invalid[0]}`)?.focus();
      return;
    }
    if (
      graceSecondsOf(state.grace) === 0 &&
      !window.confirm('Grace 0: the previous secrets stop working at once. Rotate?')
    ) {
      return;
    }
    setBusy(true);
    setServerError(null);
    try {
      await onRotate(state);
      setState({ secret: '', grace: '' });
      setTouched(new Set());
      setSubmitted(false);
    } catch (failure) {
      setServerError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card panel" aria-labelledby="rotate-secret-title">
      <h2 id="rotate-secret-title">Rotate the secret</h2>
      <p class="muted">{intro}</p>
      <form class="form" onSubmit={submit} noValidate aria-label="Rotate the secret">
        <div class="grid-2">
          <FormField id="rotate-secret" label={secretLabel} error={shown('secret')}>
            <input type="text" autoComplete="off" spellcheck={false} {...input('secret')} />
          </FormField>
          <FormField id="rotate-grace" label="Grace period" hint={graceHint} error={shown('grace')}>
            <input type="text" autoComplete="off" spellcheck={false} {...input('grace')} />
          </FormField>
        </div>
        <ErrorBanner error={serverError} />
        <div class="actions">
          <button type="submit" class="button" disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate secret'}
          </button>
        </div>
      </form>
    </section>
  );
}
