import { useApi } from '../api/api-context.ts';
import type { Page, Source } from '../api/types.ts';
import { useLoad } from '../hooks/use-load.ts';
import { CodeBlock } from './code-block.tsx';
import { EmptyState } from './empty-state.tsx';

/**
 * The overview of a new install: no message and no endpoint yet. It shows the `curl` that makes the first
 * event appear (to the default source's `/webhook`, or its token URL when the alias is taken) and the way
 * to the first endpoint.
 */
export function GettingStarted({ canCreate }: { canCreate: boolean }) {
  const api = useApi();
  // The default source is global (no tenant): a tenant-scoped key does not see it and gets the alias.
  const sources = useLoad(() => api.get<Page<Source>>('/v1/sources', { limit: 200 }), []);
  const source = sources.data?.data.find((candidate) => candidate.name === 'default');
  const path = source === undefined ? '/webhook' : (source.alias ?? source.ingestPath);
  const curl = [
    `curl -X POST ${location.origin}${path} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d '{"event": "user_signed_up", "user": "john_doe"}'`,
  ].join('\n');
  return (
    <EmptyState title="No events yet">
      <p>Hookline is running. Three steps to see it work:</p>
      <ol class="steps">
        <li>
          <p>Send a first webhook to the default source; it appears under Messages at once.</p>
          <CodeBlock code={curl} label="Terminal" />
        </li>
        <li>
          <p>
            {canCreate ? (
              <a href="#/endpoints/new">Create an endpoint</a>
            ) : (
              'Ask an admin to create an endpoint'
            )}{' '}
            — the URL Hookline delivers events to, signed and retried.
          </p>
        </li>
        <li>
          <p>
            Publish from your application with <code>POST /v1/messages</code>, or add a{' '}
            <a href="#/sources">source</a> for a provider such as GitHub or Stripe.
          </p>
        </li>
      </ol>
    </EmptyState>
  );
}
