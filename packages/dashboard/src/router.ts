import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/messages/msg_…?eventType=x`): the server serves only static files, and a reload or a
 * shared link lands on the same page with the same filters.
 */
export interface Route {
  /** `/messages/msg_…` (always starts with `/`). */
  path: string;
  /** The path split on `/`, decoded: `['messages', 'msg_…']`. */
  segments: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const queryAt = raw.indexOf('?');
  const pathPart = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const path = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
  return { path, segments, query: new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1)) };
}

/** `#/path?query` for links; empty query values are dropped. */
export function href(path: string, query?: Record<string, string | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(name, value);
  }
  const text = params.toString();
  return `#${path}${text === '' ? '' : `?${text}`}`;
}

export function navigate(
  path: string,
  query?: Record<string, string | undefined | null>,
  replace = false,
): void {
  const target = href(path, query);
  if (replace) history.replaceState(null, '', target);
  else location.hash = target.slice(1);
  // replaceState fires no hashchange; tell the router ourselves.
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The current route, updated on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
