import { useState } from 'preact/hooks';
import { ApiRequestError, createApiClient } from '../api/api-client.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { toApiError } from '../hooks/use-load.ts';

/**
 * Asks for an API key and checks it with a cheap read before keeping it. The admin key is printed by the
 * gateway's first start; a tenant-scoped key shows only that tenant's messages, endpoints and sources.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: (apiKey: string) => void }) {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<ApiRequestError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const key = apiKey.trim();
    if (key === '') {
      setError(new ApiRequestError(0, 'validation_failed', 'Paste an API key (it starts with hk_).'));
      return;
    }
    setBusy(true);
    try {
      await createApiClient({ apiKey: key }).get('/v1/messages', { limit: 1 });
      onSignedIn(key);
    } catch (failure) {
      setError(toApiError(failure));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Hookline</h1>
      <form onSubmit={submit} class="card" aria-describedby="sign-in-help">
        <h2>Sign in</h2>
        <p id="sign-in-help">
          Use an API key with the <code>read</code> scope (the admin key printed at the gateway's first start
          works). It is kept in this browser tab's session only.
        </p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="hk_…"
          value={apiKey}
          onInput={(event) => setApiKey((event.target as HTMLInputElement).value)}
        />
        <ErrorBanner error={error} />
        <button type="submit" class="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
