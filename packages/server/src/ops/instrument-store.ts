import { overrideStore } from '../store/override-store.ts';
import type { InsertOutcome, Store } from '../store/store.ts';
import type { HooklineMetrics } from './metrics.ts';

type Timed = Pick<Store, 'insertMessage' | 'insertMessages' | 'completeAttempts'>;

function countStored(metrics: HooklineMetrics, outcomes: readonly InsertOutcome[]): void {
  let api = 0;
  let ingest = 0;
  for (const outcome of outcomes) {
    if (outcome.duplicate) continue;
    if (outcome.message.sourceId === null) api += 1;
    else ingest += 1;
  }
  metrics.messagesStored('api', api);
  metrics.messagesStored('ingest', ingest);
}

/**
 * The store with its write paths timed and stored messages counted, so publishing, ingest and the
 * worker need no metric code of their own. Only used when metrics are on: with metrics off, main.ts
 * passes the store itself and nothing here runs.
 */
export function instrumentStore(store: Store, metrics: HooklineMetrics): Store {
  const timed = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    metrics.storeCommit(operation, (performance.now() - started) / 1000);
    return result;
  };
  const overrides: Timed = {
    insertMessage: async (input) => {
      const outcome = await timed('insert_message', () => store.insertMessage(input));
      countStored(metrics, [outcome]);
      return outcome;
    },
    insertMessages: async (inputs, options) => {
      const outcomes = await timed('insert_messages', () => store.insertMessages(inputs, options));
      countStored(metrics, outcomes);
      return outcomes;
    },
    completeAttempts: (results) => timed('complete_attempts', () => store.completeAttempts(results)),
  };
  return overrideStore(store, overrides);
}
