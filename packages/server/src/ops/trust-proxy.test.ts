import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOpsTestApp } from './ops-test-app.ts';

const forwarded = { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' };

async function seen(trustProxy: string[], remoteAddress: string) {
  const ops = await createOpsTestApp({ config: { trustProxy } });
  try {
    // The client address and scheme as every route (rate limits, signed-URL rebuilding) sees them.
    ops.app.get('/test/client', async (request) => ({ ip: request.ip, protocol: request.protocol }));
    const response = await ops.app.inject({
      method: 'GET',
      url: '/test/client',
      headers: forwarded,
      remoteAddress,
    });
    return response.json() as { ip: string; protocol: string };
  } finally {
    await ops.close();
  }
}

test('forwarded headers are ignored by default: a client cannot pick its own address', async () => {
  assert.deepEqual(await seen([], '127.0.0.1'), { ip: '127.0.0.1', protocol: 'http' });
});

test('trustProxy believes X-Forwarded-For/-Proto only from the listed proxies', async () => {
  assert.deepEqual(await seen(['127.0.0.1'], '127.0.0.1'), { ip: '203.0.113.7', protocol: 'https' });
  assert.deepEqual(await seen(['10.0.0.0/8'], '10.1.2.3'), { ip: '203.0.113.7', protocol: 'https' });
  assert.deepEqual(await seen(['10.0.0.0/8'], '192.0.2.50'), { ip: '192.0.2.50', protocol: 'http' });
});
