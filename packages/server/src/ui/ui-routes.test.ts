import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandling } from '../api/error-handler.ts';
import { createTestApp, type TestApp } from '../test-support/test-app.ts';
import { uiRoutes } from './ui-routes.ts';

/** A fake build: index.html and one hashed asset, as `vite build` lays them out. */
async function fakeDist(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-ui-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Hookline</title><div id="app"></div>');
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dir, 'assets', 'index-abc123.css'), 'body{}');
  return dir;
}

async function appWith(distDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandling(app);
  await app.register(uiRoutes, { distDir });
  return app;
}

describe('ui routes: a built dashboard', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = await fakeDist();
    app = await appWith(dir);
  });
  after(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('/ui/ is index.html, revalidated every time, with a strict CSP', async () => {
    const response = await app.inject({ method: 'GET', url: '/ui/' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.equal(response.headers['cache-control'], 'no-cache');
    assert.match(String(response.headers['content-security-policy']), /default-src 'self'/);
    assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.match(response.body, /<div id="app">/);
  });

  test('/ui redirects to /ui/ and / redirects to the dashboard', async () => {
    const ui = await app.inject({ method: 'GET', url: '/ui' });
    assert.equal(ui.statusCode, 301);
    assert.equal(ui.headers.location, '/ui/');
    const root = await app.inject({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/ui/');
  });

  test('hashed assets: their content type and a year of immutable caching', async () => {
    const js = await app.inject({ method: 'GET', url: '/ui/assets/index-abc123.js' });
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    const css = await app.inject({ method: 'GET', url: '/ui/assets/index-abc123.css' });
    assert.match(String(css.headers['content-type']), /^text\/css/);
  });

  test('a missing file is the catalog 404, and no path escapes the build folder', async () => {
    const missing = await app.inject({ method: 'GET', url: '/ui/assets/nope.js' });
    assert.equal(missing.statusCode, 404);
    assert.equal(JSON.parse(missing.body).error.code, 'not_found');
    const traversal = await app.inject({ method: 'GET', url: '/ui/..%2f..%2fpackage.json' });
    assert.ok([400, 403, 404].includes(traversal.statusCode), `status ${traversal.statusCode}`);
    assert.doesNotMatch(traversal.body, /"dependencies"/);
  });
});

describe('ui routes: no build', () => {
  test('/ui answers a page that says to run npm install, not a 500', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'hookline-ui-empty-'));
    const app = await appWith(join(dir, 'dist'));
    t.after(async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    });
    for (const url of ['/ui', '/ui/', '/ui/assets/index.js']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 503, url);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      assert.match(response.body, /npm install/);
    }
  });
});

describe('ui routes: inside the whole app', () => {
  let testApp: TestApp;
  before(async () => {
    testApp = await createTestApp();
  });
  after(() => testApp.close());

  test('the dashboard needs no API key (it signs in in the browser), the API still does', async () => {
    const ui = await testApp.app.inject({ method: 'GET', url: '/ui/' });
    assert.ok([200, 503].includes(ui.statusCode), `status ${ui.statusCode}`);
    const api = await testApp.app.inject({ method: 'GET', url: '/v1/messages' });
    assert.equal(api.statusCode, 401);
  });
});
