import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSourceFailures } from './source-failures.ts';

const DAY = 86_400_000;
const refusal = (code: string) => ({ code, status: 401, clientIp: '198.51.100.1' });

test('counts per reason within the window; the ring keeps the latest 20, newest first', () => {
  let now = 1_800_000_000_000;
  const failures = createSourceFailures({ clock: () => now });
  for (let i = 0; i < 25; i++) {
    failures.record('src_a', refusal(i % 5 === 0 ? 'timestamp_out_of_window' : 'invalid_signature'));
    now += 1000;
  }
  const summary = failures.summary('src_a', now - DAY);
  assert.equal(summary.total, 25);
  assert.deepEqual(summary.reasons, { timestamp_out_of_window: 5, invalid_signature: 20 });
  assert.equal(summary.recent.length, 20);
  assert.equal(summary.recent[0]?.at, now - 1000);
  assert.ok(summary.recent.every((r, i, all) => i === 0 || (all[i - 1]?.at ?? 0) > r.at));
  assert.deepEqual(failures.summary('src_unknown', 0), { total: 0, reasons: {}, recent: [] });

  // A day later everything has aged out, counts and ring alike.
  now += DAY + 120_000;
  assert.deepEqual(failures.summary('src_a', now - DAY), { total: 0, reasons: {}, recent: [] });
  assert.deepEqual(failures.failingSources(now - DAY), []);
});

test('failingSources: most refused first; the least recently refused source is evicted at the cap', () => {
  const now = 1_800_000_000_000;
  const failures = createSourceFailures({ clock: () => now, maxSources: 2 });
  failures.record('src_a', refusal('invalid_signature'));
  failures.record('src_b', refusal('rate_limited'));
  failures.record('src_b', refusal('rate_limited'));
  assert.deepEqual(failures.failingSources(now - 60_000), [
    { sourceId: 'src_b', total: 2, reasons: { rate_limited: 2 } },
    { sourceId: 'src_a', total: 1, reasons: { invalid_signature: 1 } },
  ]);
  failures.record('src_a', refusal('invalid_signature'));
  failures.record('src_c', refusal('invalid_signature'));
  assert.deepEqual(
    failures.failingSources(now - 60_000).map((s) => s.sourceId),
    ['src_a', 'src_c'],
  );
});
