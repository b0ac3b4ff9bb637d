import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
 * The Sources pages in real headless Chromium against a real gateway: create a GitHub source through the
 * form (its secret shown once), copy its ingest URL to the clipboard and POST to it, see refused requests
 * by reason, rotate the token (new URL, the old one stops) and the secret.
 */
describe('dashboard: sources (browser)', { skip: skip ?? false }, () => {
  let gateway: TestGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let sourceId = '';
  let copiedUrl = '';

  before(async () => {
    ensureDashboardBuilt();
    browser = await launchBrowser();
    gateway = await startGateway();
    ({ context, page, errors } = await newPage(browser));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url });
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
  });

  test('the list shows the default source with its absolute ingest URLs', async () => {
    await signIn(page, gateway, gateway.adminKey, '#/sources');
    const row = page.locator('tbody tr', { hasText: 'default' });
    await row.waitFor();
    const text = await textOf(row);
    assert.ok(text.includes(`${gateway.url}/in/`), text);
    assert.ok(text.includes(`${gateway.url}/webhook`), text);
    assert.match(text, /none/, 'scheme');
  });

  test('create a source through the form: checks as you type, the secret shown once', async () => {
    await page.getByRole('link', { name: 'New source' }).click();
    await page.getByRole('heading', { name: 'New source' }).waitFor();
    await page.getByLabel('Name').fill('github');
    await page.getByLabel('Scheme').selectOption('stripe');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByText("Required: The endpoint's whsec_… from Stripe.").waitFor();
    await page.getByLabel('Scheme').selectOption('github');
    await page.getByLabel('Alias path').fill('git hub');
    await page.getByText('One path segment such as /github, or empty.').waitFor();
    await page.getByLabel('Alias path').fill('/github');
    await page.getByLabel('Event type from').selectOption('pointer');
    await page.getByLabel('Pointer').fill('data.type');
    await page.getByText('A JSON pointer, e.g. /data/type.').waitFor();
    await page.getByLabel('Event type from').selectOption('provider');
    await screenshot(page, 'source-new-desktop');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    assert.ok((await textOf(page.getByTestId('secret-value'))).length >= 32, 'a generated secret');
    sourceId = /#\/sources\/(src_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    assert.notEqual(sourceId, '');
    await page.getByRole('button', { name: 'I have stored it' }).click();
  });

  test('copy the ingest URL from the list; a badly signed POST to it shows up as refused by reason', async () => {
    await page.goto(`${gateway.url}/ui/#/sources`);
    const row = page.locator('tbody tr', { hasText: 'github' });
    await row.getByRole('button', { name: 'Copy URL' }).click();
    await row.getByText('Copied').first().waitFor();
    copiedUrl = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copiedUrl, new RegExp(`^${gateway.url}/in/[A-Za-z0-9_-]+$`));
    const refused = await fetch(copiedUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body: '{"action":"opened"}',
    });
    assert.equal(refused.status, 401);
    await page.reload();
    await row.getByText(/1: \w+ 1/).waitFor();
    await screenshot(page, 'sources-desktop');
  });

  test('the source page: refused requests by reason; rotate the token (old URL stops) and the secret', async () => {
    await page.locator('tbody tr', { hasText: 'github' }).getByRole('link', { name: 'github' }).click();
    const failures = page.getByTestId('source-failures');
    await failures.getByText('1 refused.').waitFor();
    const reason = await textOf(failures.locator('.reasons'));
    assert.match(reason, /signature/);

    await page.getByRole('button', { name: 'Rotate URL token' }).click();
    const notice = page.getByText(/^New URL:/);
    await notice.waitFor();
    const newUrl = /New URL: (\S+)\./.exec(await textOf(notice))?.[1] ?? '';
    assert.notEqual(newUrl, copiedUrl);
    assert.equal(
      (await fetch(copiedUrl, { method: 'POST', body: '{}' })).status,
      404,
      'the old URL stops at once',
    );

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secrets keep verifying for 24 hours.').waitFor();
    const source = await gateway.api<{ secretCount: number }>('GET', `/v1/sources/${sourceId}`);
    assert.equal(source.secretCount, 2);
    await screenshot(page, 'source-desktop');
    assert.deepEqual(errors, []);
  });

  test('rotate the secret with a grace period: above 7d refused as the API would, 0 ends the old ones', async () => {
    const panel = page.getByRole('region', { name: 'Rotate the secret' });
    const count = async () =>
      (await gateway.api<{ secretCount: number }>('GET', `/v1/sources/${sourceId}`)).secretCount;
    const grace = panel.getByLabel('Grace period');
    await grace.fill('8d');
    await panel.getByText('At most 7d: previous secrets are kept no longer.').waitFor();
    await grace.fill('a week');
    await panel.getByText('Write it like 0, 90s, 30m, 24h or 7d.').waitFor();
    await panel.getByRole('button', { name: 'Rotate secret' }).click();
    assert.equal(await grace.evaluate((element) => element === document.activeElement), true);
    assert.equal(await count(), 2, 'nothing was sent');

    await grace.fill('2h');
    await panel.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secrets keep verifying for 2 hours.').waitFor();
    assert.equal(await count(), 3, 'the previous secrets keep verifying');
    assert.equal(await grace.inputValue(), '', 'the form is cleared for the next rotation');
    await page.getByRole('button', { name: 'I have stored it' }).click();

    const chosen = 'provider-rolled-secret';
    await panel.getByLabel('New secret (empty: generated)').fill(chosen);
    await grace.fill('0');
    await panel.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secrets stopped verifying.').waitFor();
    assert.equal(await textOf(page.getByTestId('secret-value')), chosen);
    assert.equal(await count(), 1, 'grace 0: only the new secret verifies');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.deepEqual(errors, []);
  });

  test('content types, a dedup header and the answer to the provider, set through the form', async () => {
    await page.goto(`${gateway.url}/ui/#/sources`);
    await page.getByRole('link', { name: 'New source' }).click();
    await page.getByRole('heading', { name: 'New source' }).waitFor();
    await page.getByLabel('Name').fill('crm');
    await page.getByLabel('Scheme').selectOption('token');
    const contentTypes = page.getByLabel('Content types', { exact: true });
    await contentTypes.fill('application/json; charset=utf-8');
    await page.getByText('without parameters (application/json matches any charset)').waitFor();
    await contentTypes.fill('application/json');
    await page.getByLabel('Deduplicate by').selectOption('header');
    await page.getByLabel('Dedup header').fill('X-Request-Id');
    await page.getByLabel('Status', { exact: true }).fill('200');
    await page.getByLabel('Content type', { exact: true }).fill('text/plain');
    await page.getByLabel('Body', { exact: true }).fill('ok');
    await screenshot(page, 'source-new-options-desktop');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    const token = await textOf(page.getByTestId('secret-value'));
    const id = /#\/sources\/(src_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    const saved = await gateway.api<{ ingestPath: string; dedupRule: unknown }>('GET', `/v1/sources/${id}`);
    assert.deepEqual(saved.dedupRule, { kind: 'header', name: 'x-request-id' });
    const post = (contentType: string) =>
      fetch(`${gateway.url}${saved.ingestPath}`, {
        method: 'POST',
        headers: { 'content-type': contentType, 'x-webhook-token': token, 'x-request-id': 'r-1' },
        body: '{"type":"lead.created"}',
      });
    const answered = await post('application/json');
    assert.equal(answered.status, 200);
    assert.equal(await answered.text(), 'ok');
    assert.equal((await post('text/plain')).status, 415);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const settings = await textOf(page.getByRole('region', { name: 'Settings' }));
    assert.match(settings, /header x-request-id/);
    assert.match(settings, /application\/json/);
    assert.match(settings, /200 text\/plain/);
    assert.deepEqual(errors, []);
  });

  test('several secrets at create, each verifying; the body limit stops where the server’s does', async () => {
    await page.goto(`${gateway.url}/ui/#/sources/new`);
    await page.getByRole('heading', { name: 'New source' }).waitFor();
    await page.getByLabel('Name').fill('migrating');
    await page.getByLabel('Scheme').selectOption('basic');
    const secrets = page.getByLabel('Secrets', { exact: true });
    await secrets.fill('alice:wonderland\nnot-a-pair');
    await page.getByText('Line 2: Basic secrets are "user:password" strings.').waitFor();
    await page.getByLabel('Scheme').selectOption('token');
    await secrets.fill(`old-token-${'a'.repeat(20)}\nnew-token-${'b'.repeat(20)}`);

    const maxBody = page.getByLabel('Max body (bytes)');
    await maxBody.fill(String(25 * 1024 * 1024 + 1));
    const limit = page.getByText("Must be an integer from 1 to 26214400 (25 MiB, the server's limit).");
    await limit.waitFor();
    await page.getByRole('button', { name: 'Create source' }).click();
    assert.equal(await maxBody.evaluate((element) => element === document.activeElement), true);
    assert.match(page.url(), /#\/sources\/new$/, 'nothing was sent');
    await maxBody.fill(String(25 * 1024 * 1024));
    await limit.waitFor({ state: 'detached' });
    await screenshot(page, 'source-new-secrets-desktop');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    assert.equal(
      await textOf(page.getByTestId('secret-value')),
      `old-token-${'a'.repeat(20)}\nnew-token-${'b'.repeat(20)}`,
    );
    const id = /#\/sources\/(src_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    const saved = await gateway.api<{ ingestPath: string; secretCount: number; maxBodyBytes: number }>(
      'GET',
      `/v1/sources/${id}`,
    );
    assert.equal(saved.secretCount, 2);
    assert.equal(saved.maxBodyBytes, 25 * 1024 * 1024);
    for (const token of [`old-token-${'a'.repeat(20)}`, `new-token-${'b'.repeat(20)}`, 'other']) {
      const answered = await fetch(`${gateway.url}${saved.ingestPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': token },
        body: '{"type":"lead.created"}',
      });
      assert.equal(answered.status, token === 'other' ? 403 : 202, token);
    }
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.deepEqual(errors, []);
  });

  test('a provider handshake through the form: X’s and Meta’s rules, answered, shown, kept, and cleared by None', async () => {
    await page.goto(`${gateway.url}/ui/#/sources/new`);
    await page.getByRole('heading', { name: 'New source' }).waitFor();
    await page.getByLabel('Name').fill('whatsapp');
    const handshake = page.getByLabel('Provider handshake');
    await handshake.selectOption('x');
    await page.getByText("X's CRC: GET ?crc_token=…", { exact: false }).waitFor();
    await page
      .getByText("X signs its answer with the source's secret: use the Generic HMAC header scheme.")
      .waitFor();
    await page.getByLabel('Scheme').selectOption('hmac');
    await page.getByLabel('Header', { exact: true }).fill('X-Hub-Signature-256');
    const needsJson = page.getByText('X needs "Refuse bodies that are not JSON"', { exact: false });
    await needsJson.waitFor();
    await page.getByLabel('Refuse bodies that are not JSON').check();
    await needsJson.waitFor({ state: 'detached' });

    await handshake.selectOption('meta');
    const verifyToken = page.getByLabel('Verify token');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page
      .getByText("Required for Meta: 1 to 256 characters, as typed in Meta's webhook settings.")
      .waitFor();
    assert.equal(await verifyToken.evaluate((element) => element === document.activeElement), true);
    assert.match(page.url(), /#\/sources\/new$/, 'nothing was sent');
    await verifyToken.fill('meta-verify');
    await screenshot(page, 'source-new-handshake-desktop');
    await page.getByRole('button', { name: 'Create source' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    const id = /#\/sources\/(src_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    const saved = await gateway.api<{ ingestPath: string; handshake: unknown }>('GET', `/v1/sources/${id}`);
    assert.deepEqual(saved.handshake, { kind: 'meta', verifyToken: 'meta-verify' });
    const verify = () =>
      fetch(
        `${gateway.url}${saved.ingestPath}?hub.mode=subscribe&hub.challenge=c-7&hub.verify_token=meta-verify`,
      );
    const answered = await verify();
    assert.equal(answered.status, 200);
    assert.equal(await answered.text(), 'c-7');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const settings = page.getByRole('region', { name: 'Settings' });
    assert.match(await textOf(settings), /Handshake\s*Meta \(verify token meta-verify\)/);

    await page.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await handshake.inputValue(), 'meta', 'the edit form keeps the handshake');
    assert.equal(await verifyToken.inputValue(), 'meta-verify');
    await handshake.selectOption('none');
    await verifyToken.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Edit' }).waitFor();
    await settings.getByText('verify token', { exact: false }).waitFor({ state: 'detached' });
    assert.match(await textOf(settings), /Handshake\s*none/);
    const edited = await gateway.api<{ handshake: unknown }>('GET', `/v1/sources/${id}`);
    assert.equal(edited.handshake, null, 'None on edit clears it');
    assert.equal((await verify()).status, 405);
    assert.deepEqual(errors, []);
  });

  test('phone viewport: the list and a source fit the screen', async () => {
    const phone = await newPage(browser, PHONE);
    try {
      await signIn(phone.page, gateway, gateway.adminKey, '#/sources');
      await phone.page.locator('tbody tr').first().waitFor();
      await screenshot(phone.page, 'sources-phone');
      assert.ok(await fitsWidth(phone.page), 'list');
      await phone.page.goto(`${gateway.url}/ui/#/sources/${sourceId}`);
      await phone.page.getByTestId('source-failures').waitFor();
      await screenshot(phone.page, 'source-phone');
      assert.ok(await fitsWidth(phone.page), 'source');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });
});

function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
