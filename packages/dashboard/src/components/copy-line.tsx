import { CopyButton } from './copy-button.tsx';

/** A value people paste elsewhere (an ingest URL): shown whole, wrapping on a phone, with a copy button. */
export function CopyLine({ value, label }: { value: string; label: string }) {
  return (
    <span class="copy-line">
      <code>{value}</code>
      <CopyButton text={value} label={`Copy ${label}`} />
    </span>
  );
}

/** The absolute URL senders POST to: the page's origin (the gateway serves the UI) plus the path. */
export function ingestUrl(path: string): string {
  return `${location.origin}${path}`;
}
