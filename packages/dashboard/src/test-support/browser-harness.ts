import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { type RunningServer, runServer } from '../../../server/src/main.ts';
import { startWorker } from '../../../server/src/worker.ts';

/**
 * What the dashboard's browser tests share: Debian's chromium driven by playwright-core (no browser
 * download), a real gateway (runServer with its delivery worker, on a fresh SQLite file, --dev so
 * loopback receivers get deliveries), sign-in, and screenshots into packages/dashboard/screenshots/.
 */

const DASHBOARD = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS_DIR = join(DASHBOARD, 'screenshots');
const CHROMIUM = process.env.HOOKLINE_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that work on this machine's chromium as root in a container, offline. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * Why the browser suite cannot run here, or null. Under CI=true a missing chromium is not a reason:
 * the suite runs and fails (.ci/run installs chromium), the same rule as the PostgreSQL suite.
 */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return null;
  return `no chromium at ${CHROMIUM} (apt-get install chromium, or set HOOKLINE_CHROMIUM); CI=true makes this a failure`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`CI=true requires chromium at ${CHROMIUM}: the browser suite may not be skipped`);
  }
  // playwright-core's launch gives every browser a fresh temporary profile (user-data-dir).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Builds the dashboard when dist/ is missing or older than a source file (`npm install` builds it; this
 * keeps a test run after an edit honest). Test files run in parallel processes, so a directory lock makes
 * one of them build while the others wait for it.
 */
export function ensureDashboardBuilt(): void {
  const index = join(DASHBOARD, 'dist', 'index.html');
  const lock = join(tmpdir(), 'hookline-dashboard-build.lock');
  for (;;) {
    if (existsSync(index) && newestSource() <= statSync(index).mtimeMs) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another test process is building. A lock older than two minutes is a crashed build's: take it over.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 120_000) rmSync(lock, { recursive: true, force: true });
      // Blocks this thread for 200 ms without a busy loop, then looks again.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      const vite = join(DASHBOARD, '../../node_modules/vite/bin/vite.js');
      const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
        cwd: DASHBOARD,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (!path.endsWith('.test.ts')) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  visit(join(DASHBOARD, 'src'));
  for (const file of ['index.html', 'vite.config.ts']) visit(join(DASHBOARD, file));
  return newest;
}

export interface TestGateway {
  server: RunningServer;
  /** `http://127.0.0.1:port` */
  url: string;
  /** The admin key its first start printed. */
  adminKey: string;
  /** Calls the API with the admin key (or another). */
  api<T = unknown>(method: string, path: string, body?: unknown, key?: string): Promise<T>;
  close(): Promise<void>;
}

/** A real gateway as `npm start` runs it: runServer with the worker, on a fresh SQLite file in a temp dir. */
export async function startGateway(): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-ui-e2e-'));
  let printed = '';
  const server = await runServer({
    argv: ['--port', '0', '--host', '127.0.0.1', '--database', join(dir, 'hookline.db'), '--dev'],
    env: {},
    cwd: dir,
    print: (text) => {
      printed += text;
    },
    logStream: { write: () => true },
    startWorker: (context) => startWorker(context, { maintenanceEveryMs: 0 }),
  });
  const adminKey = /\b(hk_[A-Za-z0-9_-]{43})\b/.exec(printed)?.[1];
  const url = server.url;
  if (!adminKey || !url) throw new Error(`gateway did not start as expected:\n${printed}`);
  const api = async <T>(method: string, path: string, body?: unknown, key = adminKey): Promise<T> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  return {
    server,
    url,
    adminKey,
    api,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh context (own sessionStorage) and page at a viewport; errors in the page fail loudly. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport,
    isMobile: viewport.width < 600,
    hasTouch: viewport.width < 600,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Console errors catch what throws nothing, such as a Content-Security-Policy refusal; an HTTP error
  // status (a test signing in with a wrong key) is expected and is the page's own business.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  // Nothing but the gateway under test may be reached: no CDN, no font service.
  await context.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => {
    errors.push(`blocked request to ${route.request().url()}`);
    return route.abort();
  });
  return { context, page, errors };
}

/** Opens /ui/, signs in with `key` and waits for the signed-in layout. */
export async function signIn(
  page: Page,
  gateway: TestGateway,
  key = gateway.adminKey,
  hash = '#/',
): Promise<void> {
  await page.goto(`${gateway.url}/ui/${hash}`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Writes `screenshots/{name}.png` (full page) for people to look at; the folder is not committed. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

/** An element's text ('' when it has none), for assertions. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}
