import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm install` builds the dashboard (packages/dashboard, `vite build`). */
export const DEFAULT_UI_DIST = resolve(import.meta.dirname, '../../../dashboard/dist');

export interface UiRoutesOptions {
  /** The built dashboard (index.html and assets/); DEFAULT_UI_DIST unless a test points elsewhere. */
  distDir?: string;
}

/**
 * Sent with every dashboard file. The UI holds an API key, so it loads nothing from elsewhere, may not be
 * framed, and talks only to its own origin; Vite's build has no inline script or style to allow.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * Serves the dashboard at `/ui/` (and `/` redirects there). @fastify/static rather than a hand-written
 * handler: content types, ETag/Last-Modified, HEAD, ranges and path-traversal checks are solved there.
 * Hashed files under assets/ are cached for a year (their name changes with their content); index.html
 * is revalidated every time so a new build is picked up at once. Without a build, `/ui` answers a page
 * saying how to build it instead of a bare 404.
 */
export async function uiRoutes(app: FastifyInstance, options: UiRoutesOptions): Promise<void> {
  const distDir = options.distDir ?? DEFAULT_UI_DIST;
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/ui/', 302));

  if (!existsSync(join(distDir, 'index.html'))) {
    const notBuilt = (_request: unknown, reply: FastifyReply) =>
      reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE);
    app.get('/ui', { schema: { hide: true } }, notBuilt);
    app.get('/ui/*', { schema: { hide: true } }, notBuilt);
    return;
  }

  // Relative asset URLs resolve against the folder, so `/ui` must become `/ui/`.
  app.get('/ui', { schema: { hide: true } }, (_request, reply) => reply.redirect('/ui/', 301));
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/ui/',
    index: ['index.html'],
    schemaHide: true,
    decorateReply: false,
    dotfiles: 'deny',
    cacheControl: false, // set per file below
    etag: true,
    lastModified: true,
    setHeaders: (reply: FastifyReply, path: string) => {
      const hashed = path.startsWith(join(distDir, 'assets'));
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.headers(SECURITY_HEADERS);
    },
  });
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hookline: dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 10vh auto; padding: 0 1rem; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>This gateway serves the web UI from <code>packages/dashboard/dist</code>, which does not exist yet.
Run <code>npm install</code> in the repository (it builds the dashboard), or
<code>npm run build -w @hookline/dashboard</code>, then restart the gateway.</p>
<p>The API works without it: see <code>docs/api.md</code> and <code>npx hookline --help</code>.</p>
</body></html>
`;
