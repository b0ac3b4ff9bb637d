import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type AttemptInput, type AttemptRun, Dispatcher } from '../delivery/dispatcher.ts';
import { createIdGenerator } from '../ids.ts';
import { createTestClock } from '../store/conformance/engines.ts';
import { overrideStore } from '../store/override-store.ts';
import { createSqliteStore } from '../store/sqlite/create-sqlite-store.ts';
import type { Store } from '../store/store.ts';

const quiet = { info() {}, warn() {}, error() {} };

/** Polls `condition` once per event-loop turn; fails after `turns` (no wall-clock sleeps). */
export async function until(condition: () => boolean, what: string, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await nextTurn();
  }
  assert.fail(`timed out waiting for ${what}`);
}

export interface GatedDispatcherOptions {
  /** The dispatcher's `concurrency` (its default when absent). */
  concurrency?: number;
  /** Attempt results are not committed until `commitHeld()` (a store whose fsyncs take forever). */
  holdCommits?: boolean;
  /** The dispatcher's `leaseMs` (its default when absent). */
  leaseMs?: number;
}

/**
 * A dispatcher on a real SQLite store (in its own temporary directory) whose attempts wait until the
 * test answers them (`running[i].finish()`, a 204), with every delivery id the claim loop was given
 * recorded and, optionally, the results' commits held back. Stopped and removed after the test.
 */
export async function startGatedDispatcher(context: TestContext, options: GatedDispatcherOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-dispatcher-'));
  const clock = createTestClock();
  const raw = createSqliteStore({
    path: join(dir, 'dispatcher.db'),
    deps: { clock: clock.now, newId: createIdGenerator(clock.now) },
  });
  await raw.migrate();
  const claimedIds: string[] = [];
  let commitsHeld = options.holdCommits === true;
  let heldCommits: (() => void)[] = [];
  const commitHeld = () => {
    commitsHeld = false;
    for (const release of heldCommits) release();
    heldCommits = [];
  };
  const store: Store = overrideStore(raw, {
    claimDeliveries: async (request) => {
      const claims = await raw.claimDeliveries(request);
      claimedIds.push(...claims.map((c) => c.delivery.id));
      return claims;
    },
    completeAttempts: async (results) => {
      if (commitsHeld) await new Promise<void>((resolve) => heldCommits.push(resolve));
      return raw.completeAttempts(results);
    },
  });
  const running: { input: AttemptInput; startedAt: number; finished: boolean; finish: () => void }[] = [];
  const runAttempt = (input: AttemptInput) =>
    new Promise<AttemptRun>((resolve) => {
      const entry = {
        input,
        startedAt: clock.now(),
        finished: false,
        finish: () => {
          entry.finished = true;
          resolve({
            attempt: {
              deliveryId: input.delivery.id,
              messageId: input.message.id,
              endpointId: input.endpoint.id,
              attemptNumber: input.attemptNumber,
              trigger: input.trigger,
              url: input.endpoint.url,
              requestHeaders: {},
              responseStatus: 204,
              responseHeaders: {},
              responseBody: '',
              durationMs: 1,
              errorKind: 'none',
              errorMessage: null,
            },
            outcome: { kind: 'succeeded' },
            endpointEffect: { effect: 'success' },
          });
        },
      };
      running.push(entry);
    });
  const dispatcher = new Dispatcher({
    store,
    runAttempt,
    maxAttempts: () => 5,
    clock: clock.now,
    logger: quiet,
    workerId: 'worker-test',
    pollIntervalMs: 50,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
  });
  dispatcher.start();
  // Closed even when an assertion fails, so a failing test cannot leave the loop running.
  context.after(async () => {
    commitHeld();
    for (const run of running) run.finish();
    await dispatcher.stop(1_000);
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    store,
    clock,
    dispatcher,
    running,
    claimedIds,
    commitHeld,
    /** Attempts started and not finished yet: what reaches receivers at once. */
    open: () => running.filter((run) => !run.finished).length,
  };
}
