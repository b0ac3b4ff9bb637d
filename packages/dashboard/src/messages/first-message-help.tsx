import { useApi } from '../api/api-context.ts';
import type { Page, Source } from '../api/types.ts';
import { CodeBlock } from '../components/code-block.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { useLoad } from '../hooks/use-load.ts';

const EXAMPLE = '{"event": "user_signed_up", "user": "john_doe"}';

/**
 * The empty Messages list of a new install: the two commands that make the first message appear here,
 * against the default source (`POST /webhook` unless configured otherwise).
 */
export function FirstMessageHelp() {
  const api = useApi();
  const sources = useLoad(() => api.get<Page<Source>>('/v1/sources', { limit: 50 }), []);
  const source = sources.data?.data.find((s) => s.alias !== null) ?? sources.data?.data[0] ?? null;
  const url = `${location.origin}${source?.alias ?? source?.ingestPath ?? '/webhook'}`;
  return (
    <EmptyState title="No messages yet">
      <p>
        Every webhook Hookline receives or you publish shows up here, live. Send one to the default source
        {source ? (
          <>
            {' '}
            (<strong>{source.name}</strong>)
          </>
        ) : null}{' '}
        and watch it arrive:
      </p>
      <CodeBlock
        label="curl"
        code={`curl -X POST ${url} -H "Content-Type: application/json" \\\n  -d '${EXAMPLE}'`}
      />
      <p>or with the CLI:</p>
      <CodeBlock label="hookline send" code={`npx hookline send ${url} --data '${EXAMPLE}'`} />
      <p class="muted">
        To deliver messages somewhere, add an endpoint on the <a href="#/endpoints">Endpoints</a> page.
      </p>
    </EmptyState>
  );
}
