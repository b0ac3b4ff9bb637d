import type { Message } from '../api/types.ts';
import { CodeBlock } from '../components/code-block.tsx';

/** The body: pretty-printed when it is JSON, as received otherwise; a note when retention removed it. */
export function MessageBody({ message }: { message: Message }) {
  if (message.payloadExpired) {
    return <p class="notice">The body has expired under the retention policy; the metadata is kept.</p>;
  }
  // Stored and forwarded compressed, as it came; the server shows it decoded.
  const coding = message.contentEncoding === null ? '' : `, received ${message.contentEncoding}-encoded`;
  if (message.body !== null) return <CodeBlock label={`Body (raw${coding})`} code={message.body} />;
  return (
    <CodeBlock
      label={`Body (JSON, pretty-printed${coding})`}
      code={JSON.stringify(message.payload, null, 2)}
    />
  );
}

/** Headers as `name: value` lines, the way they travel. */
export function HeadersBlock({ headers, label }: { headers: Record<string, string> | null; label: string }) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return <p class="muted">{label}: none.</p>;
  return <CodeBlock label={label} code={entries.map(([name, value]) => `${name}: ${value}`).join('\n')} />;
}
