import { CopyButton } from './copy-button.tsx';

/**
 * A secret the server returns once (an endpoint's signing secret, a source's secret): shown in full with
 * a copy button and a warning, and gone when dismissed — the API cannot show it again.
 */
export function SecretReveal({
  label,
  secret,
  note,
  onDismiss,
}: {
  label: string;
  secret: string;
  note?: string;
  onDismiss: () => void;
}) {
  return (
    <section class="secret-reveal" aria-label={label} role="status">
      <p class="secret-warning">
        <strong>Copy it now: it is shown only once.</strong> {note}
      </p>
      <div class="secret-row">
        <code class="secret-value" data-testid="secret-value">
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
      <button type="button" class="button button-small" onClick={onDismiss}>
        I have stored it
      </button>
    </section>
  );
}
