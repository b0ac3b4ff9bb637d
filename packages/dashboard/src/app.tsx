import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApiClient } from './api/api-client.ts';
import { ApiContext } from './api/api-context.ts';
import { Layout } from './components/layout.tsx';
import { PageForRoute, titleOf } from './pages/page-for-route.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { useRoute } from './router.ts';
import { clearApiKey, loadApiKey, saveApiKey } from './session.ts';

/** Signed out: the sign-in page. Signed in: the layout around the page the hash names. */
export function App() {
  const [apiKey, setApiKey] = useState<string | null>(loadApiKey);
  const route = useRoute();
  const signOut = () => {
    clearApiKey();
    setApiKey(null);
  };
  const api = useMemo(
    // A 401 means the key was revoked (or the store reset): back to sign-in instead of broken pages.
    () => (apiKey === null ? null : createApiClient({ apiKey, onUnauthorized: signOut })),
    [apiKey],
  );
  useEffect(() => {
    document.title = api === null ? 'Sign in · Hookline' : titleOf(route);
  }, [api, route]);
  // Move focus to the new page's content after navigation, so keyboard and screen-reader users follow it.
  useEffect(() => {
    if (api !== null) document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.path]);

  if (api === null) {
    return (
      <SignInPage
        onSignedIn={(key) => {
          saveApiKey(key);
          setApiKey(key);
        }}
      />
    );
  }
  return (
    <ApiContext.Provider value={api}>
      <Layout path={route.path} onSignOut={signOut}>
        <PageForRoute route={route} />
      </Layout>
    </ApiContext.Provider>
  );
}
