// Throughput of the guarded delivery client (SSRF-checked connector, total deadline, capped and decoded
// body read) against a bare `undici.request` loop with an equally configured Agent, both POSTing a
// 1 KiB JSON body to the same keep-alive receiver, measured in the same run. The receiver runs in a
// child process so it does not share the client's event loop. Rounds alternate between the two
// clients and the medians are compared, so a noisy neighbour on this shared machine skews both alike.
// Prints progress to stderr and one JSON object as the last line of stdout.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'undici';
import { createHttpClient } from '../src/delivery/http-client.ts';
import { createSsrfPolicy } from '../src/delivery/ssrf-guard.ts';

const ROUNDS = 3;
const REQUESTS_PER_ROUND = 10_000;
const CONCURRENCY = 32;
const BUDGET_MS = 45_000;

const receiverSource = `
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;
const child = spawn(process.execPath, ['-e', receiverSource], { stdio: ['ignore', 'pipe', 'inherit'] });
const [portLine] = (await once(child.stdout, 'data')) as [Buffer];
const port = Number(portLine.toString().trim());
const url = `http://127.0.0.1:${port}/hook`;
const body = JSON.stringify({ type: 'invoice.paid', pad: 'x'.repeat(1024 - 32) });
const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_bench' };

const agent = new Agent({ pipelining: 1, connections: CONCURRENCY, keepAliveTimeout: 4_000 });
const bare = async () => {
  const res = await request(url, { dispatcher: agent, method: 'POST', headers, body });
  await res.body.text();
  if (res.statusCode !== 200) throw new RangeError(`bare: status ${res.statusCode}`);
};

const client = createHttpClient({
  policy: createSsrfPolicy({ allowCidrs: ['127.0.0.1/32'] }),
  connectionsPerOrigin: CONCURRENCY,
});
const guarded = async () => {
  const result = await client.send({ url, headers, body });
  if (result.type !== 'response' || result.status !== 200)
    throw new RangeError(`guarded: ${JSON.stringify(result)}`);
};

async function measure(fn: () => Promise<void>, total: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) {
        next++;
        await fn();
      }
    }),
  );
  return Math.round((total * 1000) / (performance.now() - start));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const started = performance.now();
process.stderr.write('warm-up\n');
await measure(bare, 5_000);
await measure(guarded, 5_000);
const bareRates: number[] = [];
const guardedRates: number[] = [];
for (let round = 0; round < ROUNDS && performance.now() - started < BUDGET_MS; round++) {
  bareRates.push(await measure(bare, REQUESTS_PER_ROUND));
  guardedRates.push(await measure(guarded, REQUESTS_PER_ROUND));
  process.stderr.write(`round ${round + 1}: bare ${bareRates.at(-1)}/s, guarded ${guardedRates.at(-1)}/s\n`);
}

await client.close();
await agent.close();
child.kill();

const bareMedian = median(bareRates);
const guardedMedian = median(guardedRates);
console.log(
  JSON.stringify({
    name: 'http-client',
    concurrency: CONCURRENCY,
    bodyBytes: body.length,
    bareUndiciRequestsPerSecond: bareMedian,
    guardedClientRequestsPerSecond: guardedMedian,
    ratioGuardedToBare: Math.round((guardedMedian / bareMedian) * 100) / 100,
    rounds: { bare: bareRates, guarded: guardedRates },
  }),
);
