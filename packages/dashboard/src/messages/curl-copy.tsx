import { useState } from 'preact/hooks';
import type { Message } from '../api/types.ts';
import { CodeBlock } from '../components/code-block.tsx';
import { curlCommand } from './curl-command.ts';

/** "Copy as curl": the body and headers as a command against a URL the user picks (their receiver). */
export function CurlCopy({ message, defaultUrl }: { message: Message; defaultUrl: string }) {
  const [url, setUrl] = useState(defaultUrl);
  return (
    <details class="card">
      <summary>Copy as curl</summary>
      <div>
        <label for="curl-url">Target URL</label>
        <input
          id="curl-url"
          type="url"
          value={url}
          onInput={(event) => setUrl((event.target as HTMLInputElement).value)}
        />
        <CodeBlock label="curl" code={curlCommand(message, url)} />
      </div>
    </details>
  );
}
