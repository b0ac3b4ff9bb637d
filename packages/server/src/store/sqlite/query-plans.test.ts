import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createIdGenerator } from '../../ids.ts';
import { createStatementCache, type SqliteContext } from './context.ts';
import { endpointHealth } from './endpoint-health.ts';
import { listAttempts } from './list-attempts.ts';
import { listDeliveries } from './list-deliveries.ts';
import { listMessages } from './list-messages.ts';
import { migrate } from './migrate.ts';
import { openDatabase } from './open-database.ts';
import { nextDueAt } from './queue-stats.ts';
import { createWriteQueue } from './write-queue.ts';

// Query plans, not timings: a first page that walks an index in order and stops after `limit + 1` rows
// costs the same with 1,000 or 1,000,000 messages (the dashboard needs it within 200 ms), while a SCAN of
// the table or a TEMP B-TREE sort grows with it. This fails when a change to a query or an index loses that.

const dir = mkdtempSync(join(tmpdir(), 'hookline-plans-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const db = openDatabase({ path: join(dir, 'plans.db'), backgroundCheckpoints: false });
migrate(db, 0);
const recorded: string[] = [];
const cache = createStatementCache(db);
const ctx: SqliteContext = {
  db,
  deps: { clock: () => 0, newId: createIdGenerator(() => 0) },
  queue: createWriteQueue(db, { maxRowsPerCommit: 1, onWork: () => {} }),
  localWorker: null,
  stmt: (sql) => {
    recorded.push(sql);
    return cache(sql);
  },
  maxBodyBytes: 1,
};
after(() => db.close());

function planOf(run: () => unknown): string {
  recorded.length = 0;
  run();
  const sql = recorded.at(-1) ?? '';
  const params = (sql.match(/\?/g) ?? []).map(() => 'x');
  return db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((row) => String(row.detail))
    .join(' | ');
}

const cursor = Buffer.from(JSON.stringify([1, 'msg_Z'])).toString('base64url');
const walksAnIndex: [string, () => unknown][] = [
  ['messages, first page', () => listMessages(ctx, {})],
  ['messages, next page', () => listMessages(ctx, { cursor })],
  ['messages by tenant', () => listMessages(ctx, { tenant: 'acme' })],
  ['messages by event type', () => listMessages(ctx, { eventType: 'invoice.paid', cursor })],
  ['messages by source', () => listMessages(ctx, { sourceId: 'src_1' })],
  ['deliveries by endpoint', () => listDeliveries(ctx, { endpointId: 'ep_1', cursor })],
  ['attempts, first page', () => listAttempts(ctx, {})],
  ['attempts by delivery', () => listAttempts(ctx, { deliveryId: 'dlv_1' })],
  ['attempts by endpoint', () => listAttempts(ctx, { endpointId: 'ep_1' })],
];

for (const [name, run] of walksAnIndex) {
  test(`${name}: walks an index in order, no sort`, () => {
    const plan = planOf(run);
    assert.match(plan, /USING (COVERING )?INDEX|USING PRIMARY KEY/, plan);
    assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
  });
}

test('deliveries, first page: the WITHOUT ROWID table is its own id index, no sort', () => {
  const plan = planOf(() => listDeliveries(ctx, {}));
  assert.match(plan, /^SCAN deliveries$/, plan);
});

test('the claim and the dispatcher sleep read the due index', () => {
  const plan = planOf(() => nextDueAt(ctx));
  assert.match(plan, /USING (COVERING )?INDEX deliveries_lease/, plan);
  const claim = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= 1
       ORDER BY next_attempt_at LIMIT 10`,
    )
    .all()
    .map((row) => String(row.detail))
    .join(' | ');
  assert.match(claim, /USING (COVERING )?INDEX deliveries_due/, claim);
  assert.doesNotMatch(claim, /TEMP B-TREE/, claim);
});

test('endpoint health: every statement is an index search, none scans or sorts', () => {
  recorded.length = 0;
  endpointHealth(ctx, { endpointId: 'ep_1', since: 0 });
  assert.equal(recorded.length, 2);
  for (const sql of recorded) {
    const params = (sql.match(/\?/g) ?? []).map(() => 'x');
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => String(row.detail))
      .join(' | ');
    assert.doesNotMatch(plan.replace('SCAN CONSTANT ROW', ''), /SCAN|TEMP B-TREE/, plan);
    assert.match(plan, /attempts_endpoint_(ok|failed)/, plan);
  }
  assert.match(recorded[0] ?? '', /deliveries/);
});

test('messages in a time range: a primary-key range search (ids carry their time), not a walk from the newest', () => {
  const plan = planOf(() => listMessages(ctx, { since: 1_700_000_000_000, until: 1_700_003_600_000 }));
  assert.match(plan, /^SEARCH m USING INDEX sqlite_autoindex_messages_1 \(id>\? AND id<\?\)$/, plan);
});
