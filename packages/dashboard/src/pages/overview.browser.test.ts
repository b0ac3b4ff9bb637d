import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type Receiver, startReceiver } from '../../../server/src/test-support/delivery-kit.ts';
import {
  browserSkipReason,
  ensureDashboardBuilt,
  launchBrowser,
  newPage,
  PHONE,
  screenshot,
  signIn,
  startGateway,
  type TestGateway,
  textOf,
} from '../test-support/browser-harness.ts';

const skip = browserSkipReason();

/**
 * The Overview in real headless Chromium against a real gateway: a new install gets the getting-started
 * steps; after real traffic (a healthy and a failing receiver, a source refusing a bad signature) it shows
 * the figures, the charts with their text, and what is failing, one click away.
 */
describe('dashboard: overview (browser)', { skip: skip ?? false }, () => {
  let gateway: TestGateway;
  let browser: Browser;
  let healthy: Receiver;
  let failing: Receiver;
  let page: Page;
  let errors: string[];
  let failingId = '';

  before(async () => {
    ensureDashboardBuilt();
    browser = await launchBrowser();
    gateway = await startGateway();
    healthy = await startReceiver();
    failing = await startReceiver((_request, response) => {
      response.writeHead(500).end('down');
    });
    ({ page, errors } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await healthy?.close();
    await failing?.close();
    await gateway?.close();
  });

  test('a new install: the curl to the default source and the way to a first endpoint', async () => {
    await signIn(page, gateway);
    await page.getByRole('heading', { name: 'No events yet' }).waitFor();
    const help = await textOf(page.locator('.empty-state'));
    assert.ok(help.includes(`curl -X POST ${gateway.url}/webhook`), help);
    await page.getByRole('link', { name: 'Create an endpoint' }).waitFor();
    await screenshot(page, 'overview-empty-desktop');
  });

  test('after traffic: figures, charts with their figures in text, and what is failing now', async () => {
    await gateway.api('POST', '/v1/endpoints', { url: healthy.url, eventTypes: ['order.*'] });
    const bad = await gateway.api<{ id: string }>('POST', '/v1/endpoints', {
      url: failing.url,
      description: 'flaky partner',
      eventTypes: ['order.*'],
      retrySchedule: [],
    });
    failingId = bad.id;
    const source = await gateway.api<{ ingestPath: string }>('POST', '/v1/sources', {
      name: 'github',
      verification: { scheme: 'github' },
    });
    const refused = await fetch(`${gateway.url}${source.ingestPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: '{}',
    });
    assert.equal(refused.status, 401);
    for (let i = 0; i < 4; i++) {
      await gateway.api('POST', '/v1/messages', { eventType: 'order.created', payload: { n: i } });
    }
    await waitFor('8 finished deliveries', async () => {
      const done = await gateway.api<{ data: unknown[] }>('GET', '/v1/deliveries?status=succeeded,exhausted');
      return done.data.length === 8;
    });

    // Each exhausted delivery also publishes an operational event (a message like any other): count what
    // the store holds rather than guess.
    const stored = await gateway.api<{ data: unknown[] }>('GET', '/v1/messages?limit=1000');
    const received = stored.data.length;
    assert.ok(received >= 4);
    await page.reload();
    const figures = page.getByRole('definition');
    await figures.first().waitFor();
    const totals = await textOf(page.locator('dl.figures'));
    assert.match(totals, new RegExp(`Messages received\\s*${received}(?!\\d)`));
    assert.match(totals, /Delivered\s*4/);
    assert.match(totals, /Failed attempts\s*4/);
    assert.match(totals, /Success rate\s*50 %/);
    assert.match(totals, /p95 delivery latency\s*\d+ ms/);

    const chart = page.getByRole('img', { name: 'Messages received and delivered' });
    await chart.waitFor();
    assert.match(
      (await chart.getAttribute('aria-labelledby')) ?? '',
      /-d$/,
      'the chart is described by its figures sentence',
    );
    assert.match(
      await textOf(page.locator('figure.chart').first()),
      new RegExp(`${received} messages received, 4 delivered, 4 failed attempts`),
    );
    assert.ok((await page.locator('figure.chart rect').count()) > 0, 'bars are drawn');
    await page.locator('figure.chart').first().getByText('Figures').click();
    assert.match(await textOf(page.locator('figure.chart').first().locator('tbody')), /4/);

    const failingEndpoints = page.getByRole('region', { name: 'Endpoints failing now' });
    assert.match(await textOf(failingEndpoints), /HTTP 500/);
    const failingSources = page.getByRole('region', { name: 'Sources refusing requests' });
    assert.match(await textOf(failingSources), /1 refused: invalid_signature 1/);
    await screenshot(page, 'overview-desktop');

    await page.getByRole('button', { name: 'Last day' }).click();
    await page.waitForURL(/window=24h/);
    await page.getByRole('button', { name: 'Last day', pressed: true }).waitFor();
    assert.match(
      await textOf(page.locator('dl.figures')),
      new RegExp(`Messages received\\s*${received}(?!\\d)`),
    );

    await failingEndpoints.getByRole('link', { name: 'flaky partner' }).click();
    await page.waitForURL(new RegExp(`#/endpoints/${failingId}`));
    await page.getByTestId('endpoint-health').waitFor();
    assert.deepEqual(errors, []);
  });

  test('phone viewport: the overview fits the screen', async () => {
    const phone = await newPage(browser, PHONE);
    try {
      await signIn(phone.page, gateway);
      await phone.page.getByRole('img', { name: 'Success rate' }).waitFor();
      await screenshot(phone.page, 'overview-phone');
      assert.ok(
        await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        'no horizontal overflow',
      );
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });
});

/** Polls a condition of the real system (deliveries go out on the worker's own schedule). */
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
