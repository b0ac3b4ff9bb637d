/**
 * A Hookline ingest server as a separate process, for the kill -9 test (ingest-crash.test.ts):
 * `node crash-test-server.ts <store url> <token> <secret>` opens (and migrates) the store, makes sure
 * a Standard Webhooks source with that token and one endpoint exist, listens on a random loopback port
 * and prints it. Not used by production code.
 */
import { buildApp } from '../app.ts';
import { defaultConfig } from '../config.ts';
import { maxAttempts } from '../delivery/retry-policy.ts';
import { createRouter } from '../delivery/router.ts';
import { createSsrfPolicy } from '../delivery/ssrf-guard.ts';
import { createIdGenerator } from '../ids.ts';
import { openStore } from '../store/open-store.ts';
import { ingestRoutes } from './ingest-routes.ts';
import { DEFAULT_RESPONSE } from './source-input.ts';

const [url, token, secret] = process.argv.slice(2);
if (url === undefined || token === undefined || secret === undefined) {
  throw new TypeError('usage: crash-test-server.ts <store url> <token> <secret>');
}
const clock = Date.now;
const store = await openStore(url, { clock, newId: createIdGenerator(clock) });
await store.migrate();
if ((await store.getSourceByToken(token)) === null) {
  await store.createSource({
    name: 'crash',
    token,
    tenant: null,
    verification: { scheme: 'standard-webhooks' },
    secrets: [{ secret, createdAt: clock(), expiresAt: null }],
    toleranceSeconds: 300,
    maxBodyBytes: 1024 * 1024,
    contentTypes: null,
    requireJson: true,
    decompress: false,
    handshake: null,
    response: DEFAULT_RESPONSE,
    eventTypeRule: { kind: 'provider' },
    dedupRule: { kind: 'provider' },
    alias: null,
    disabled: false,
  });
  await store.createEndpoint({
    tenant: null,
    url: 'https://receiver.example/hook',
    description: 'crash test',
    disabled: false,
    eventTypes: null,
    channels: null,
    sources: null,
    payloadFilter: null,
    headers: {},
    timeoutMs: 15_000,
    retrySchedule: null,
    rateLimitPerSecond: null,
    maxConcurrency: null,
    signing: { scheme: 'standard-webhooks-v1' },
    secrets: [{ secret, createdAt: clock(), expiresAt: null }],
    metadata: {},
  });
}
const router = createRouter(store, { clock });
const app = await buildApp({
  store,
  config: defaultConfig(),
  clock,
  router,
  maxAttempts: (endpoint) => maxAttempts(endpoint),
  ssrfPolicy: createSsrfPolicy({}),
});
await app.register(ingestRoutes, {
  store,
  router,
  clock,
  config: { perSourceRate: { ratePerSecond: 0, burst: 0 }, perClientRate: { ratePerSecond: 0, burst: 0 } },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
