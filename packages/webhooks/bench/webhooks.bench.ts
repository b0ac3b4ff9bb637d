// Sign and verify throughput of every scheme on a 1 KiB JSON body, against a bare node:crypto
// createHmac of the same bytes measured in the same run (the target: Standard Webhooks verify
// ≥ 0.5× that baseline). Web Crypto is asynchronous, so verify is measured two ways: one call awaited
// at a time (latency-bound), and 64 in flight (how a server under load calls it).
// Prints progress to stderr and one JSON object as the last line of stdout.
import { createHmac } from 'node:crypto';
import { generateKeyPair, generateSecret } from '../src/keys.ts';
import type { SchemeConfig, SchemeName } from '../src/scheme.ts';
import { schemes } from '../src/schemes.ts';

const WINDOW_MS = 400;
const MAX_OPS = 2_000_000;
const CONCURRENCY = 64;
const NOW = 1_700_000_000;

const body = new TextEncoder().encode(JSON.stringify({ type: 'invoice.paid', pad: 'x'.repeat(1024 - 32) }));
if (body.length !== 1024) throw new RangeError(`body is ${body.length} bytes, expected 1024`);

function rate(ops: number, ms: number): number {
  return Math.round((ops * 1000) / ms);
}

function measureSync(fn: () => void): number {
  for (let i = 0; i < 1000; i++) fn();
  const start = performance.now();
  let ops = 0;
  while (ops < MAX_OPS && performance.now() - start < WINDOW_MS) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
  }
  return rate(ops, performance.now() - start);
}

async function measureAsync(fn: () => Promise<unknown>, concurrency: number): Promise<number> {
  for (let i = 0; i < 200; i++) await fn();
  const start = performance.now();
  let ops = 0;
  while (ops < MAX_OPS && performance.now() - start < WINDOW_MS) {
    if (concurrency === 1) {
      await fn();
      ops++;
    } else {
      await Promise.all(Array.from({ length: concurrency }, fn));
      ops += concurrency;
    }
  }
  return rate(ops, performance.now() - start);
}

const keyBytes = crypto.getRandomValues(new Uint8Array(32));
const signedContent = Buffer.concat([Buffer.from(`msg_bench.${NOW}.`), body]);
process.stderr.write('baseline: node:crypto createHmac\n');
const baseline = measureSync(() => {
  createHmac('sha256', keyBytes).update(signedContent).digest();
});

// The ceiling Web Crypto itself sets: a bare crypto.subtle.sign with an already imported key.
const webKey = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
  'sign',
]);
process.stderr.write('reference: bare crypto.subtle.sign\n');
const webCrypto = {
  sequential: await measureAsync(() => crypto.subtle.sign('HMAC', webKey, signedContent), 1),
  concurrent: await measureAsync(() => crypto.subtle.sign('HMAC', webKey, signedContent), CONCURRENCY),
};

const pair = await generateKeyPair();
const configs: Record<SchemeName, SchemeConfig> = {
  'standard-webhooks': { secret: generateSecret(), now: () => NOW * 1000 },
  github: { secret: 'gh-bench' },
  stripe: { secret: 'whsec_bench', now: () => NOW * 1000 },
  shopify: { secret: 'shopify-bench' },
  slack: { secret: 'slack-bench', now: () => NOW * 1000 },
  svix: { secret: generateSecret(), now: () => NOW * 1000 },
  twilio: { secret: 'twilio-bench' },
  hmac: { secret: 'hmac-bench', timestampHeader: 'x-timestamp', now: () => NOW * 1000 },
  token: { secret: 'token-bench' },
  basic: { secret: 'user:bench' },
  none: {},
};

const url = 'https://hooks.example.test/in/bench';
const results: Record<string, { sign: number; verify: number; verifyConcurrent: number }> = {};
const cases: [string, SchemeName, SchemeConfig, SchemeConfig][] = Object.entries(configs).map(
  ([name, config]) => [name, name as SchemeName, config, config],
);
cases.splice(1, 0, [
  'standard-webhooks-v1a',
  'standard-webhooks',
  { secret: pair.secretKey, now: () => NOW * 1000 },
  { secret: pair.publicKey, now: () => NOW * 1000 },
]);
for (const [label, name, signConfig, verifyConfig] of cases) {
  process.stderr.write(`scheme: ${label}\n`);
  const scheme = schemes[name];
  const signInput = { body, id: 'msg_bench', timestamp: NOW, url };
  const headers = await scheme.sign(signInput, signConfig);
  const request = { headers, body, url };
  const check = await scheme.verify(request, verifyConfig);
  if (!check.ok) throw new TypeError(`${label}: the benchmark request does not verify: ${check.message}`);
  results[label] = {
    sign: await measureAsync(() => scheme.sign(signInput, signConfig), 1),
    verify: await measureAsync(() => scheme.verify(request, verifyConfig), 1),
    verifyConcurrent: await measureAsync(() => scheme.verify(request, verifyConfig), CONCURRENCY),
  };
}

// The headline ratio: the machine is shared, so the baseline and Standard Webhooks verify are measured
// three times, interleaved, and the medians compared; one burst of load then cannot skew only one side.
const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? 0;
const swConfig = configs['standard-webhooks'];
const swHeaders = await schemes['standard-webhooks'].sign(
  { body, id: 'msg_bench', timestamp: NOW },
  swConfig,
);
const swRequest = { headers: swHeaders, body };
const rounds = { baseline: [] as number[], sequential: [] as number[], concurrent: [] as number[] };
for (let round = 0; round < 3; round++) {
  process.stderr.write(`ratio round ${round + 1}/3\n`);
  rounds.baseline.push(
    measureSync(() => {
      createHmac('sha256', keyBytes).update(signedContent).digest();
    }),
  );
  rounds.sequential.push(
    await measureAsync(() => schemes['standard-webhooks'].verify(swRequest, swConfig), 1),
  );
  rounds.concurrent.push(
    await measureAsync(() => schemes['standard-webhooks'].verify(swRequest, swConfig), CONCURRENCY),
  );
}
const ratioBaseline = median(rounds.baseline);
const ratioSequential = median(rounds.sequential) / ratioBaseline;
const ratioConcurrent = median(rounds.concurrent) / ratioBaseline;
process.stdout.write(
  `${JSON.stringify({
    name: 'webhooks',
    bodyBytes: body.length,
    concurrency: CONCURRENCY,
    baselineCreateHmacOpsPerSec: baseline,
    bareWebCryptoHmacOpsPerSec: webCrypto,
    opsPerSec: results,
    standardWebhooksVerifyRatio: {
      sequential: Number(ratioSequential.toFixed(3)),
      concurrent: Number(ratioConcurrent.toFixed(3)),
      bareWebCryptoSequential: Number((webCrypto.sequential / baseline).toFixed(3)),
      rounds,
      target: 0.5,
      met: ratioConcurrent >= 0.5,
    },
  })}\n`,
);
