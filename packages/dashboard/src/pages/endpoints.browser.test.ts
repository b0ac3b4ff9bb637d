import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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

interface Delivery {
  status: string;
}

/**
 * The Endpoints pages in real headless Chromium against a real gateway and a real local receiver:
 * create an endpoint through the form (validation as you type, the server's coded error on submit),
 * rotate its secret, recover deliveries that failed while the receiver answered 500, send a test event,
 * and a tenant-scoped key seeing only its tenant's endpoints.
 */
describe('dashboard: endpoints (browser)', { skip: skip ?? false }, () => {
  let gateway: TestGateway;
  let browser: Browser;
  let receiver: Receiver;
  let page: Page;
  let errors: string[];
  // The receiver answers 500 until healed.
  let healthy = false;
  let endpointId = '';

  before(async () => {
    ensureDashboardBuilt();
    browser = await launchBrowser();
    gateway = await startGateway();
    receiver = await startReceiver((_request, response) => {
      response.writeHead(healthy ? 200 : 500, { 'content-type': 'text/plain' }).end(healthy ? 'ok' : 'down');
    });
    ({ page, errors } = await newPage(browser));
    // Rotate and delete ask for confirmation.
    page.on('dialog', (dialog) => void dialog.accept());
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await gateway?.close();
  });

  test('an empty list says what an endpoint is and offers to create one', async () => {
    await signIn(page, gateway, gateway.adminKey, '#/endpoints');
    await page.getByRole('heading', { name: 'No endpoints yet' }).waitFor();
    await screenshot(page, 'endpoints-empty-desktop');
  });

  test('create through the form: checks as you type, the server’s coded error on submit, then saved', async () => {
    await page.getByRole('link', { name: 'Create the first endpoint' }).click();
    await page.getByRole('heading', { name: 'New endpoint' }).waitFor();
    const url = page.getByLabel('URL', { exact: true });
    await url.fill('ftp://example.com/hooks');
    await page.getByText('Only http:// and https:// URLs.').waitFor();
    assert.equal(await url.getAttribute('aria-invalid'), 'true');
    await url.fill(receiver.url);
    await page.getByText('Only http:// and https:// URLs.').waitFor({ state: 'detached' });

    const types = page.getByLabel('Event types');
    await types.fill('invoice..paid');
    await page.getByText('"invoice..paid" has an empty segment').waitFor();
    await types.fill('invoice.*\norder.created');

    const filter = page.getByLabel('Payload filter');
    await filter.fill('{"amount": ');
    await page.getByText(/Not valid JSON/).waitFor();
    await page.getByLabel('Custom headers').fill('Content-Type: text/plain');
    await page.getByText('"Content-Type" is set by Hookline or by HTTP itself').waitFor();
    await page.getByLabel('Custom headers').fill('X-Team: billing');
    await page.getByLabel('Timeout (s)').fill('45');
    await page.getByText('Timeout: from 1 to 30 seconds.').waitFor();
    await page.getByLabel('Timeout (s)').fill('10');

    // Valid JSON but an unknown operator: only the server knows, and says so with its code.
    await filter.fill('{"amount": {"$bogus": 1}}');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('alert').getByText('invalid_filter').waitFor();
    await screenshot(page, 'endpoint-new-desktop');

    await filter.fill('');
    await page.getByLabel('Description').fill('billing receiver');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    const secret = await textOf(page.getByTestId('secret-value'));
    assert.match(secret, /^whsec_/);
    endpointId = /#\/endpoints\/(ep_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    assert.notEqual(endpointId, '');
    const saved = await gateway.api<{
      eventTypes: string[];
      headers: Record<string, string>;
      timeoutMs: number;
    }>('GET', `/v1/endpoints/${endpointId}`);
    assert.deepEqual(saved.eventTypes, ['invoice.*', 'order.created']);
    assert.deepEqual(saved.headers, { 'X-Team': 'billing' });
    assert.equal(saved.timeoutMs, 10_000);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByTestId('secret-value').waitFor({ state: 'detached' });
  });

  test('rotate the secret: the new one is shown once, with a copy button', async () => {
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secret keeps signing until').waitFor();
    assert.match(await textOf(page.getByTestId('secret-value')), /^whsec_/);
    await page.locator('.secret-reveal').getByRole('button', { name: 'Copy' }).waitFor();
    const after = await gateway.api<{ secretCount: number }>('GET', `/v1/endpoints/${endpointId}`);
    assert.equal(after.secretCount, 2, 'the old secret keeps signing during the grace period');
    await page.getByRole('button', { name: 'I have stored it' }).click();
  });

  test('rotate with a chosen secret and grace: refused as the API would, 0 ends the previous one', async () => {
    const panel = page.getByRole('region', { name: 'Rotate the secret' });
    const count = async () =>
      (await gateway.api<{ secretCount: number }>('GET', `/v1/endpoints/${endpointId}`)).secretCount;
    const secret = panel.getByLabel('New secret (empty: generated)');
    const grace = panel.getByLabel('Grace period');
    await secret.fill('not-a-whsec-secret');
    await panel.getByText('The secret must be whsec_ followed by the base64 of 24 to 64 bytes.').waitFor();
    await grace.fill('8d');
    await panel.getByText('At most 7d: previous secrets are kept no longer.').waitFor();
    await panel.getByRole('button', { name: 'Rotate secret' }).click();
    assert.equal(await secret.evaluate((element) => element === document.activeElement), true);
    assert.equal(await count(), 2, 'nothing was sent');

    const chosen = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    await secret.fill(chosen);
    await grace.fill('2h');
    const sent = Date.now();
    await panel.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secret keeps signing until').waitFor();
    assert.equal(await textOf(page.getByTestId('secret-value')), chosen);
    assert.equal(await count(), 3, 'the previous secret signs for 2 hours, the one before for 24');
    const note = await textOf(page.locator('.secret-reveal'));
    const until = Date.parse(/until (.+?)\./.exec(note)?.[1] ?? '');
    // toLocaleString drops the milliseconds: the shown time is within a second of now + 2 h.
    assert.ok(Math.abs(until - (sent + 2 * 3600_000)) < 5_000, note);
    await page.getByRole('button', { name: 'I have stored it' }).click();

    await grace.fill('0');
    await panel.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secret stopped signing.').waitFor();
    assert.match(await textOf(page.getByTestId('secret-value')), /^whsec_/);
    assert.notEqual(await textOf(page.getByTestId('secret-value')), chosen);
    assert.equal(await count(), 3, 'the previous secret stopped at once; the older ones keep their grace');
    await page.getByRole('button', { name: 'I have stored it' }).click();
  });

  test('recover: deliveries that failed against a 500 go out again once the receiver is healed', async () => {
    // One attempt only, so failures are final (exhausted) at once instead of waiting for a retry.
    await gateway.api('PATCH', `/v1/endpoints/${endpointId}`, { retrySchedule: [] });
    for (let i = 0; i < 3; i++) {
      await gateway.api('POST', '/v1/messages', { eventType: 'invoice.paid', payload: { n: i } });
    }
    await waitFor('three exhausted deliveries', async () => {
      const page = await gateway.api<{ data: Delivery[] }>(
        'GET',
        `/v1/deliveries?endpointId=${endpointId}&status=exhausted`,
      );
      return page.data.length === 3;
    });
    await page.reload();
    const health = page.getByTestId('endpoint-health');
    await health.getByText(/0 of 3 attempts/).waitFor();
    assert.match(await textOf(health), /HTTP 500/, 'the last error is shown');
    healthy = true;
    await page.getByRole('button', { name: 'Recover', exact: true }).click();
    const status = page.getByTestId('recover-status');
    await status
      .getByText('Done: 3 deliveries recovered; 3 delivered, 0 failed again.')
      .waitFor({ timeout: 20_000 });
    const delivered = await gateway.api<{ data: Delivery[] }>(
      'GET',
      `/v1/deliveries?endpointId=${endpointId}&status=succeeded`,
    );
    assert.equal(delivered.data.length, 3);
    await health.getByText(/3 of 6 attempts/).waitFor();
    await screenshot(page, 'endpoint-desktop');
  });

  test('send a test event and follow the link to its message', async () => {
    await page.getByLabel('Payload (JSON)').fill('{"hello": ');
    await page.getByText(/Not valid JSON/).waitFor();
    await page.getByLabel('Payload (JSON)').fill('{"hello": "world"}');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const link = page.getByRole('link', { name: /^message msg_/ });
    await link.waitFor();
    await link.click();
    await page.getByRole('heading', { name: 'Body' }).waitFor();
    assert.match(await textOf(page.locator('main')), /"hello": "world"/);
    await waitFor('the test delivery reached the receiver', () =>
      receiver.requests.some((request) => request.body.toString().includes('"hello"')),
    );
  });

  test('the list shows health per endpoint', async () => {
    await page.goto(`${gateway.url}/ui/#/endpoints`);
    const row = page.locator('tbody tr', { hasText: receiver.url });
    await row.getByText(/%/).waitFor();
    assert.match(await textOf(row), /billing receiver/);
    assert.match(await textOf(row), /HTTP 500/, 'last error');
    await screenshot(page, 'endpoints-desktop');
    assert.deepEqual(errors, []);
  });

  test('a tenant-scoped read key sees only its tenant’s endpoints and no write controls', async () => {
    await gateway.api('POST', '/v1/endpoints', { url: 'https://acme.example/hooks', tenant: 'acme' });
    await gateway.api('POST', '/v1/endpoints', { url: 'https://globex.example/hooks', tenant: 'globex' });
    const key = await gateway.api<{ key: string }>('POST', '/v1/api-keys', {
      name: 'acme reader',
      scopes: ['read'],
      tenant: 'acme',
    });
    const tenant = await newPage(browser);
    try {
      await signIn(tenant.page, gateway, key.key, '#/endpoints');
      await tenant.page.locator('tbody tr').first().waitFor();
      const text = await textOf(tenant.page.locator('main'));
      assert.match(text, /acme\.example/);
      assert.doesNotMatch(text, /globex\.example/);
      assert.doesNotMatch(text, /127\.0\.0\.1/, 'endpoints without a tenant belong to the operator');
      assert.equal(await tenant.page.getByRole('link', { name: 'New endpoint' }).count(), 0);
      await tenant.page.getByRole('link', { name: 'https://acme.example/hooks' }).click();
      await tenant.page.getByRole('heading', { name: 'Health' }).waitFor();
      assert.equal(await tenant.page.getByRole('button', { name: 'Rotate secret' }).count(), 0);
      await screenshot(tenant.page, 'endpoint-tenant-desktop');
      assert.deepEqual(tenant.errors, []);
    } finally {
      await tenant.context.close();
    }
  });

  test('phone viewport: list, endpoint and form fit the screen', async () => {
    const phone = await newPage(browser, PHONE);
    try {
      await signIn(phone.page, gateway, gateway.adminKey, '#/endpoints');
      await phone.page.locator('tbody tr').first().waitFor();
      await screenshot(phone.page, 'endpoints-phone');
      assert.ok(await fitsWidth(phone.page), 'list');
      await phone.page.goto(`${gateway.url}/ui/#/endpoints/${endpointId}`);
      await phone.page.getByTestId('endpoint-health').waitFor();
      await screenshot(phone.page, 'endpoint-phone');
      assert.ok(await fitsWidth(phone.page), 'endpoint');
      await phone.page.goto(`${gateway.url}/ui/#/endpoints/new`);
      await phone.page.getByLabel('URL', { exact: true }).waitFor();
      await screenshot(phone.page, 'endpoint-new-phone');
      assert.ok(await fitsWidth(phone.page), 'form');
      assert.deepEqual(phone.errors, []);
    } finally {
      await phone.context.close();
    }
  });

  test('a legacy HMAC endpoint: header, algorithm and encoding from the form are what it signs with', async () => {
    await page.goto(`${gateway.url}/ui/#/endpoints/new`);
    await page.getByLabel('URL', { exact: true }).fill(receiver.url);
    await page.getByLabel('Scheme').selectOption('hmac');
    await page.getByLabel('Header', { exact: true }).fill('X-Signature');
    await page.getByLabel('Algorithm').selectOption('sha512');
    await page.getByLabel('Encoding').selectOption('base64');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    const id = /#\/endpoints\/(ep_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    const saved = await gateway.api<{ signing: Record<string, unknown> }>('GET', `/v1/endpoints/${id}`);
    assert.equal(saved.signing.scheme, 'hmac');
    assert.equal(saved.signing.header, 'X-Signature');
    assert.equal(saved.signing.algorithm, 'sha512');
    assert.equal(saved.signing.encoding, 'base64');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.deepEqual(errors, []);
  });

  test('retry schedule, the receiver’s own secret, signature prefix and signed content, from the form to the wire', async () => {
    await page.goto(`${gateway.url}/ui/#/endpoints/new`);
    await page.getByLabel('URL', { exact: true }).fill(receiver.url);
    const schedule = page.getByLabel('Retry schedule');
    await schedule.fill('1s, 8d');
    await page.getByText('"8d": each delay is at most 7d.').waitFor();
    await schedule.fill('1s, 2s');
    await page.getByLabel('Scheme').selectOption('hmac');
    await page.getByLabel('Header', { exact: true }).fill('X-Signature');
    const secret = page.getByLabel('Secret', { exact: true });
    await secret.fill('short');
    await page.getByText('The secret must be 16 to 256 visible ASCII characters.').waitFor();
    const chosen = 'the-receivers-existing-secret';
    await secret.fill(chosen);
    await page.getByLabel('Signature prefix').fill('sha256=');
    const template = page.getByLabel('Signed content');
    await template.fill('{timestamp}.{body}');
    await page.getByText('Needs a timestamp header: without one only the body is signed.').waitFor();
    await page.getByLabel('Timestamp header').fill('X-Timestamp');
    await template.fill('v0:{body}');
    await page.getByText('Must contain {body} once and {timestamp}, e.g. {timestamp}.{body}.').waitFor();
    await template.fill('{timestamp}.{body}');
    await screenshot(page, 'endpoint-new-signing-desktop');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    assert.equal(await textOf(page.getByTestId('secret-value')), chosen);
    const id = /#\/endpoints\/(ep_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    const saved = await gateway.api<{ retrySchedule: number[] }>('GET', `/v1/endpoints/${id}`);
    assert.deepEqual(saved.retrySchedule, [1000, 2000]);

    // What the receiver gets is signed with the given secret over "{timestamp}.{body}", behind the prefix.
    const sent = await gateway.api<{ messageId: string }>('POST', `/v1/endpoints/${id}/test`, {
      payload: { signed: 'by-the-form' },
    });
    await waitFor('the signed test delivery', () =>
      receiver.requests.some((request) => request.body.toString().includes('by-the-form')),
    );
    const request = receiver.requests.find((r) => r.body.toString().includes('by-the-form'));
    const timestamp = String(request?.headers['x-timestamp'] ?? '');
    const expected = createHmac('sha256', chosen)
      .update(`${timestamp}.${request?.body.toString() ?? ''}`)
      .digest('hex');
    assert.match(timestamp, /^\d+$/);
    assert.equal(request?.headers['x-signature'], `sha256=${expected}`, sent.messageId);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.deepEqual(errors, []);
  });
  test('a sources filter ticked in the form: messages from that source arrive, published ones do not', async () => {
    const source = await gateway.api<{ id: string; ingestPath: string }>('POST', '/v1/sources', {
      name: 'crm',
      verification: { scheme: 'none' },
      eventTypeRule: { kind: 'fixed', eventType: 'lead.created' },
    });
    await page.goto(`${gateway.url}/ui/#/endpoints/new`);
    await page.getByLabel('URL', { exact: true }).fill(`${receiver.url}/from-crm`);
    await page.getByRole('group', { name: 'Sources' }).getByLabel('crm').check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Copy it now: it is shown only once.').waitFor();
    const id = /#\/endpoints\/(ep_[0-9A-Z]+)/.exec(page.url())?.[1] ?? '';
    const saved = await gateway.api<{ sources: string[] }>('GET', `/v1/endpoints/${id}`);
    assert.deepEqual(saved.sources, [source.id]);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.match(await textOf(page.getByRole('region', { name: 'Settings' })), new RegExp(source.id));

    const ingested = await fetch(`${gateway.url}${source.ingestPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"marker":"via-crm"}',
    });
    assert.equal(ingested.status, 202);
    await waitFor('the source’s message at the filtered endpoint', () =>
      receiver.requests.some((r) => r.url === '/hook/from-crm' && r.body.toString().includes('via-crm')),
    );
    const published = await gateway.api<{ id: string }>('POST', '/v1/messages', {
      eventType: 'lead.created',
      payload: { marker: 'via-api' },
    });
    const deliveries = await gateway.api<{ data: { endpointId: string }[] }>(
      'GET',
      `/v1/messages/${published.id}/deliveries`,
    );
    assert.ok(deliveries.data.length > 0, 'other endpoints take it');
    assert.ok(!deliveries.data.some((delivery) => delivery.endpointId === id), 'not the filtered one');

    // The edit form shows the filter ticked, and unticking it widens the endpoint to every message.
    await page.getByRole('button', { name: 'Edit' }).click();
    const box = page.getByRole('group', { name: 'Sources' }).getByLabel('crm');
    assert.equal(await box.isChecked(), true);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('form', { name: 'Edit endpoint' }).waitFor({ state: 'detached' });
    const widened = await gateway.api<{ sources: string[] | null }>('GET', `/v1/endpoints/${id}`);
    assert.equal(widened.sources, null);
    assert.deepEqual(errors, []);
  });
});

function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

/** Polls a condition of the real system (deliveries go out on the worker's own schedule). */
async function waitFor(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
