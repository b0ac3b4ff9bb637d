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
 * The Messages pages in real headless Chromium against a real gateway: sign in, watch a webhook arrive
 * live, open it, resend it to an endpoint and see the manual attempt. Screenshots of each page, on a
 * laptop and a phone viewport, go to packages/dashboard/screenshots/.
 */
describe('dashboard: sign-in and messages (browser)', { skip: skip ?? false }, () => {
  let gateway: TestGateway;
  let browser: Browser;
  let receiver: Receiver;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureDashboardBuilt();
    // One at a time, so after() closes whatever did start when one of them fails (no chromium under CI).
    browser = await launchBrowser();
    gateway = await startGateway();
    receiver = await startReceiver();
    ({ page, errors } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await gateway?.close();
  });

  test('sign-in: a wrong key shows the coded error; the right one opens the app; sign-out forgets it', async () => {
    await page.goto(`${gateway.url}/`);
    assert.match(page.url(), /\/ui\/$/, '/ redirects to the dashboard');
    await screenshot(page, 'sign-in-desktop');
    await page.getByLabel('API key').fill('hk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('unauthorized').waitFor();

    await signIn(page, gateway);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('hookline.apiKey')), gateway.adminKey);
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'the key is never in localStorage');
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('hookline.apiKey')), null);
  });

  test('an empty list tells a newcomer the curl that makes the first message appear', async () => {
    await signIn(page, gateway, gateway.adminKey, '#/messages');
    await page.getByRole('heading', { name: 'No messages yet' }).waitFor();
    const help = await textOf(page.locator('.empty-state'));
    assert.ok(help.includes(`curl -X POST ${gateway.url}/webhook`), help);
    assert.ok(help.includes(`npx hookline send ${gateway.url}/webhook`), help);
    await screenshot(page, 'messages-empty-desktop');
  });

  test('a webhook received while the list is open appears live', async () => {
    await page.getByTestId('live-state').getByText('Live', { exact: true }).waitFor();
    const ingest = await fetch(`${gateway.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-demo': 'yes' },
      body: JSON.stringify({ event: 'user_signed_up', user: 'john_doe' }),
    });
    assert.equal(ingest.status, 202);
    const row = page.locator('tr.row-new');
    await row.waitFor();
    assert.match(await textOf(row), /msg_/);
    await screenshot(page, 'messages-desktop');
  });

  test('the message page shows body, headers and metadata; resend reaches the endpoint as a manual attempt', async () => {
    const endpoint = await gateway.api<{ id: string }>('POST', '/v1/endpoints', {
      url: `${receiver.url}/hooks`,
      description: 'local receiver',
    });
    await page.locator('tr.row-new a').first().click();
    await page.getByRole('heading', { name: 'Body' }).waitFor();
    const body = await textOf(page.locator('figure', { hasText: 'Body (JSON, pretty-printed)' }));
    assert.match(body, /"user": "john_doe"/, 'JSON is pretty-printed');
    assert.match(await textOf(page.locator('figure', { hasText: 'Headers received' })), /x-demo: yes/);
    assert.match(await textOf(page.locator('dl.facts')), /Source\s*default/);

    // Copy as curl carries the body and the headers.
    await page.getByText('Copy as curl').click();
    const curl = await textOf(page.locator('figure', { hasText: 'curl' }).last());
    assert.match(curl, /--data-raw '\{"event":"user_signed_up","user":"john_doe"\}'/);
    assert.match(curl, /-H 'x-demo: yes'/);

    await page.getByLabel('Resend to', { exact: true }).selectOption(endpoint.id);
    await page.getByRole('button', { name: 'Resend now' }).click();
    await page.getByRole('status').getByText('Sent:').waitFor();
    const attempt = page.getByTestId('delivery').getByTestId('attempt').filter({ hasText: 'manual' });
    await attempt.first().waitFor();
    assert.match(await textOf(attempt.first()), /200/);
    assert.ok(
      receiver.requests.some((request) => request.url.endsWith('/hooks')),
      `the receiver got the resend: ${JSON.stringify(receiver.requests.map((r) => r.url))}`,
    );
    assert.match(await textOf(attempt.first()), /webhook-signature/, 'the request headers sent are shown');
    await screenshot(page, 'message-desktop');
    assert.deepEqual(errors, []);
  });

  test('filtering by delivery status lists deliveries; a status-filtered link survives a reload', async () => {
    await page.goto(`${gateway.url}/ui/#/messages?status=succeeded`);
    await page.getByRole('table', { name: 'Deliveries with status succeeded' }).waitFor();
    assert.match(await textOf(page.locator('tbody')), /succeeded/);
    await page.goto(`${gateway.url}/ui/#/messages?eventType=nothing.here`);
    await page.getByRole('heading', { name: 'Nothing matches these filters' }).waitFor();
  });

  test('phone viewport: the list and the message page are readable without sideways scrolling', async () => {
    const phone = await newPage(browser, PHONE);
    try {
      await signIn(phone.page, gateway, gateway.adminKey, '#/messages');
      await phone.page.locator('tbody tr').first().waitFor();
      await screenshot(phone.page, 'messages-phone');
      assert.ok(await fitsWidth(phone.page), 'no horizontal overflow on the list');
      await phone.page.locator('tbody a').first().click();
      await phone.page.getByRole('heading', { name: 'Deliveries' }).waitFor();
      await phone.page.getByTestId('attempt').first().waitFor();
      await screenshot(phone.page, 'message-phone');
      assert.ok(await fitsWidth(phone.page), 'no horizontal overflow on the message page');
      await phone.page.goto(`${gateway.url}/ui/#/`);
      await phone.page.getByRole('button', { name: 'Sign out' }).click();
      await phone.page.getByLabel('API key').waitFor();
      await screenshot(phone.page, 'sign-in-phone');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });
});

function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
