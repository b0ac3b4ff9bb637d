import { CopyButton } from './copy-button.tsx';

/** Preformatted text (a body, headers, a command) with a copy button; scrolls instead of widening the page. */
export function CodeBlock({ code, label, copy = true }: { code: string; label: string; copy?: boolean }) {
  return (
    <figure class="code-block">
      <figcaption>
        <span>{label}</span>
        {copy ? <CopyButton text={code} /> : null}
      </figcaption>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard. */}
      <pre tabIndex={0}>
        <code>{code}</code>
      </pre>
    </figure>
  );
}
