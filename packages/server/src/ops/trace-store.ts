import { overrideStore } from '../store/override-store.ts';
import type { Store } from '../store/store.ts';
import type { HooklineTracing } from './tracing.ts';

/**
 * The store with its message writes traced: `store.insert_message` (and `store.insert_messages` for a
 * batch), a child of the request span whose `traceparent` the message carries, lasting until the commit
 * (group commits included). Only used when tracing is on: main.ts passes the store itself otherwise.
 */
export function traceStore(store: Store, tracing: HooklineTracing): Store {
  const overrides: Pick<Store, 'insertMessage' | 'insertMessages'> = {
    async insertMessage(input) {
      const span = tracing.startChild('store.insert_message', input.traceParent ?? null, {
        'db.system.name': store.engine,
        'hookline.delivery.count': input.deliveries.length,
      });
      try {
        const outcome = await store.insertMessage(input);
        span.set({ 'hookline.message.id': outcome.message.id, 'hookline.duplicate': outcome.duplicate });
        span.end();
        return outcome;
      } catch (error) {
        span.end({ type: codeOf(error), message: (error as Error).message });
        throw error;
      }
    },
    async insertMessages(inputs, options) {
      // A batch is one commit under one request: its span hangs under the first message's request span.
      const span = tracing.startChild('store.insert_messages', inputs[0]?.traceParent ?? null, {
        'db.system.name': store.engine,
        'hookline.message.count': inputs.length,
      });
      try {
        const outcomes = await store.insertMessages(inputs, options);
        span.end();
        return outcomes;
      } catch (error) {
        span.end({ type: codeOf(error), message: (error as Error).message });
        throw error;
      }
    },
  };
  return overrideStore(store, overrides);
}

/** The store error's code (`unavailable`, `disk_full`…) as the span's `error.type`. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'internal';
}
