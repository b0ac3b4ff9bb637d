import type { ApiRequestError } from '../api/api-client.ts';

/** A failed call as the user sees it: the server's message and its stable code (docs/errors.md). */
export function ErrorBanner({ error }: { error: ApiRequestError | null }) {
  if (error === null) return null;
  return (
    <div class="error-banner" role="alert">
      <strong>{error.message || 'Request failed'}</strong> <code class="error-code">{error.code}</code>
    </div>
  );
}
