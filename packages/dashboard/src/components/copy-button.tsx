import { useState } from 'preact/hooks';

/** Copies `text` to the clipboard and says so; falls back to selecting a prompt where the API is absent. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Clipboard needs a secure context (https or localhost); show the text to copy by hand instead.
      window.prompt('Copy this:', text);
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" class="button button-small" onClick={copy}>
      {state === 'copied' ? 'Copied' : label}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Copied to the clipboard' : ''}
      </span>
    </button>
  );
}
