import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
 * The event-type catalog in real headless Chromium against a real gateway: add a type with a schema
 * through the form (JSON checked as you type, the server's invalid_schema on submit), see its example from
 * the schema, and, for a type without one, the newest message's payload.
 */
describe('dashboard: event types (browser)', { skip: skip ?? false }, () => {
  let gateway: TestGateway;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureDashboardBuilt();
    browser = await launchBrowser();
    gateway = await startGateway();
    ({ page, errors } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await gateway?.close();
  });

  test('an empty catalog says what it is for', async () => {
    await signIn(page, gateway, gateway.adminKey, '#/event-types');
    await page.getByRole('heading', { name: 'No event types in the catalog' }).waitFor();
  });

  test('add an event type with a schema: checked as you type, the server compiles it', async () => {
    await page.getByRole('link', { name: 'Add the first event type' }).click();
    const rule = 'Dot-separated segments of letters, digits and _ : / -, none empty, e.g. invoice.paid.';
    await page.getByLabel('Name').fill('invoice paid');
    await page.getByText(rule).waitFor();
    await page.getByLabel('Name').fill('invoice..paid');
    await page.getByText(rule).waitFor();
    await page.getByLabel('Name').fill('invoice.paid');
    const schema = page.getByLabel('Schema', { exact: true });
    await schema.fill('{"type": "object",');
    await page.getByText(/Not valid JSON/).waitFor();
    // Valid JSON, not a valid schema: the server says so with its code.
    await schema.fill('{"type": 12}');
    await page.getByRole('button', { name: 'Add event type' }).click();
    await page.getByRole('alert').getByText('invalid_schema').waitFor();
    await schema.fill(
      JSON.stringify({
        type: 'object',
        required: ['id', 'amount'],
        properties: { id: { type: 'string' }, amount: { type: 'integer' } },
        examples: [{ id: 'inv_1', amount: 4200 }],
      }),
    );
    await page.getByLabel('Description').fill('An invoice was paid in full.');
    await page.getByText('Refuse publishes whose payload breaks the schema').click();
    await screenshot(page, 'event-type-new-desktop');
    await page.getByRole('button', { name: 'Add event type' }).click();
    const card = page.locator('article', { hasText: 'invoice.paid' });
    await card.waitFor();
    assert.match(await textOf(card), /schema enforced/);
    const example = await textOf(card.locator('figure', { hasText: 'Example payload' }));
    assert.match(example, /"amount": 4200/, 'the example comes from the schema, pretty-printed');
    assert.match(await textOf(card.locator('figure', { hasText: 'JSON Schema' })), /"required": \[/);
  });

  test('a type without an example shows the newest message of that type; edit changes it', async () => {
    await gateway.api('POST', '/v1/event-types', { name: 'user.signed_up', description: 'A new account.' });
    await gateway.api('POST', '/v1/messages', { eventType: 'user.signed_up', payload: { user: 'ada' } });
    await gateway.api('POST', '/v1/messages', { eventType: 'user.signed_up', payload: { user: 'john_doe' } });
    await page.reload();
    const card = page.locator('article', { hasText: 'user.signed_up' });
    const newest = card.locator('figure', { hasText: "Newest message's payload" });
    await newest.waitFor();
    assert.match(await textOf(newest), /"user": "john_doe"/);

    await card.getByRole('button', { name: 'Edit user.signed_up' }).click();
    const description = page.getByLabel('Description');
    // The form takes the focus in an effect once it has rendered, which may land after click() returns:
    // wait for it (bounded), then assert, so a form that never takes it still fails here.
    await page
      .waitForFunction(() => document.activeElement?.id === 'event-type-description', undefined, {
        timeout: 5_000,
      })
      .catch(() => undefined);
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'event-type-description',
      'the form takes the focus',
    );
    await description.fill('Someone created an account.');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await card.getByText('Someone created an account.').waitFor();
    await screenshot(page, 'event-types-desktop');
    assert.deepEqual(errors, []);
  });

  test('a tenant-scoped key reads the catalog but cannot change it', async () => {
    const key = await gateway.api<{ key: string }>('POST', '/v1/api-keys', {
      name: 'acme admin',
      scopes: ['admin'],
      tenant: 'acme',
    });
    const tenant = await newPage(browser, PHONE);
    try {
      await signIn(tenant.page, gateway, key.key, '#/event-types');
      await tenant.page.locator('article', { hasText: 'invoice.paid' }).waitFor();
      assert.equal(await tenant.page.getByRole('link', { name: 'New event type' }).count(), 0);
      assert.equal(await tenant.page.getByRole('button', { name: /^Edit/ }).count(), 0);
      await screenshot(tenant.page, 'event-types-phone');
      assert.ok(
        await tenant.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        'fits a phone',
      );
      assert.deepEqual(tenant.errors, []);
    } finally {
      await tenant.context.close();
    }
  });
});
