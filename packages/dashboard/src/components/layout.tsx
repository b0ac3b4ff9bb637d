import type { ComponentChildren } from 'preact';

export interface NavItem {
  path: string;
  label: string;
}

export const NAV: NavItem[] = [
  { path: '/', label: 'Overview' },
  { path: '/messages', label: 'Messages' },
  { path: '/endpoints', label: 'Endpoints' },
  { path: '/sources', label: 'Sources' },
  { path: '/event-types', label: 'Event types' },
];

/** True when `path` is the nav item's page or one below it (`/messages/msg_…` is under Messages). */
function isCurrent(item: NavItem, path: string): boolean {
  if (item.path === '/') return path === '/';
  return path === item.path || path.startsWith(`${item.path}/`);
}

/** The frame of every signed-in page: skip link, header with the nav and sign-out, then the page. */
export function Layout({
  path,
  onSignOut,
  children,
}: {
  path: string;
  onSignOut: () => void;
  children: ComponentChildren;
}) {
  return (
    <>
      <button type="button" class="skip-link button" onClick={skipToMain}>
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/">
          Hookline
        </a>
        <nav aria-label="Main">
          <ul class="nav">
            {NAV.map((item) => (
              <li key={item.path}>
                <a href={`#${item.path}`} aria-current={isCurrent(item, path) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="button button-small sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

// A button, not `<a href="#main">`: the hash is the router's, so the skip link moves focus itself.
function skipToMain(): void {
  document.getElementById('main')?.focus();
}
