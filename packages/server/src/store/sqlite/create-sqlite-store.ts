import { attachLocalWorker } from '../local-handoff.ts';
import type { Store, StoreDeps } from '../store.ts';
import { StoreError } from '../store-error.ts';
import * as apiKeys from './api-keys.ts';
import { startCheckpointer } from './checkpointer.ts';
import { claimDeliveries } from './claim-deliveries.ts';
import { completeAttempts } from './complete-attempts.ts';
import { createStatementCache, type SqliteContext } from './context.ts';
import { countDeliveries } from './count-deliveries.ts';
import * as commands from './delivery-commands.ts';
import * as health from './endpoint-health.ts';
import * as endpoints from './endpoints.ts';
import * as eventTypes from './event-types.ts';
import { insertMessages } from './insert-messages.ts';
import { listAttempts } from './list-attempts.ts';
import { getDelivery, listDeliveries } from './list-deliveries.ts';
import { getMessage, getMessages, listMessages } from './list-messages.ts';
import * as listenerStore from './listeners.ts';
import * as meta from './meta.ts';
import { migrate, pendingMigrations } from './migrate.ts';
import { type DatabaseOptions, openDatabase, storeSyncsCommits } from './open-database.ts';
import { prune } from './prune.ts';
import { nextDueAt, queueDepth } from './queue-stats.ts';
import { replaceEndpointHeaders, replaceSecrets } from './replace-secrets.ts';
import * as sources from './sources.ts';
import { toStoreError } from './sqlite-error.ts';
import { createWalSyncer } from './wal-syncer.ts';
import { createWriteQueue } from './write-queue.ts';

export interface SqliteStoreOptions extends DatabaseOptions {
  deps: StoreDeps;
  /** Largest message body accepted (`value_too_large` above it); default 32 MiB. */
  maxBodyBytes?: number;
  /** Rows per group commit; default 4096 (~1,000 messages with 3 deliveries). */
  maxRowsPerCommit?: number;
}

/**
 * The Store on embedded SQLite (`node:sqlite`): one connection, WAL, `synchronous=FULL` by default, every
 * write coalesced into group commits. Call `migrate()` before use.
 *
 * @example
 * const store = createSqliteStore({ path: 'data/hookline.db', deps: { clock: Date.now, newId: createIdGenerator() } });
 * await store.migrate();
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(options);
  } catch (error) {
    throw toStoreError(error);
  }
  const listeners = new Set<() => void>();
  const running = new Set<string>();
  let closed = false;

  const notify = () => {
    for (const listener of listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the other dispatchers still need waking.
      }
    }
  };
  const checkpointer =
    options.backgroundCheckpoints !== false && options.path !== ':memory:'
      ? startCheckpointer(options.path)
      : null;
  const syncer = storeSyncsCommits(options) ? createWalSyncer(`${options.path}-wal`) : null;
  const queue = createWriteQueue(db, {
    maxRowsPerCommit: options.maxRowsPerCommit ?? 4096,
    onWork: notify,
    ...(syncer ? { durable: syncer.sync, syncInFlight: syncer.inFlight } : {}),
  });
  const ctx: SqliteContext = {
    db,
    deps: options.deps,
    queue,
    stmt: createStatementCache(db),
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    localWorker: null,
  };

  /** Runs a read (or enqueues a write) with the store's error mapping and closed check. */
  async function op<T>(fn: () => T | Promise<T>): Promise<T> {
    if (closed) throw new StoreError('closed', 'sqlite store is closed');
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  return {
    engine: 'sqlite',
    capabilities: { multiProcess: false, crossProcessWakeups: false },

    migrate: () =>
      op(async () => {
        const result = migrate(db, options.deps.clock());
        await syncer?.sync();
        return result;
      }),
    async ping() {
      if (closed) return { ok: false, reason: 'closed' };
      try {
        const pending = pendingMigrations(db);
        return pending.length === 0
          ? { ok: true }
          : { ok: false, reason: `pending migrations: ${pending.join(', ')}` };
      } catch (error) {
        return { ok: false, reason: toStoreError(error).message };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue.drain();
      await syncer?.close();
      await checkpointer?.stop();
      listeners.clear();
      db.close();
    },

    insertMessage: (input) =>
      op(async () => (await insertMessages(ctx, [input]))[0] as Awaited<ReturnType<Store['insertMessage']>>),
    insertMessages: (inputs, options) => op(() => insertMessages(ctx, inputs, options)),

    claimDeliveries: (request) => op(() => claimDeliveries(ctx, request)),
    completeAttempts: (results) => op(() => completeAttempts(ctx, results)),
    releaseDeliveries: (claims) => op(() => commands.releaseDeliveries(ctx, claims)),
    recordManualAttempt: (attempt) => op(() => commands.recordManualAttempt(ctx, attempt)),
    ensureDelivery: (messageId, endpointId, maxAttempts, options) =>
      op(() => commands.ensureDelivery(ctx, messageId, endpointId, maxAttempts, options)),
    recordListenerAttempt: (input) => op(() => listenerStore.recordListenerAttempt(ctx, input)),
    listListeners: (query) => op(() => listenerStore.listListeners(ctx, query)),
    recoverDeliveries: (filter) => op(() => commands.recoverDeliveries(ctx, filter)),
    cancelDeliveries: (filter) => op(() => commands.cancelDeliveries(ctx, filter)),
    nextDueAt: () => op(() => nextDueAt(ctx)),
    onWork(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    attachLocalWorker: (worker) => attachLocalWorker(ctx, worker),

    getMessage: (id) => op(() => getMessage(ctx, id)),
    getMessages: (ids) => op(() => getMessages(ctx, ids)),
    listMessages: (query) => op(() => listMessages(ctx, query)),
    getDelivery: (id) => op(() => getDelivery(ctx, id)),
    listDeliveries: (query) => op(() => listDeliveries(ctx, query)),
    listAttempts: (query) => op(() => listAttempts(ctx, query)),
    countDeliveries: (query) => op(() => countDeliveries(ctx, query)),
    queueDepth: (now) => op(() => queueDepth(ctx, now)),
    endpointHealth: (query) => op(() => health.endpointHealth(ctx, query)),
    lastFailedAttempt: (endpointId) => op(() => health.lastFailedAttempt(ctx, endpointId)),
    listFailingEndpoints: (query) => op(() => health.listFailingEndpoints(ctx, query)),

    createEndpoint: (input) => op(() => endpoints.createEndpoint(ctx, input)),
    getEndpoint: (id) => op(() => endpoints.getEndpoint(ctx, id)),
    listEndpoints: (query) => op(() => endpoints.listEndpoints(ctx, query)),
    listActiveEndpoints: () => op(() => endpoints.listActiveEndpoints(ctx)),
    endpointsVersion: () => op(() => endpoints.endpointsVersion(ctx)),
    updateEndpoint: (id, patch) => op(() => endpoints.updateEndpoint(ctx, id, patch)),
    deleteEndpoint: (id) => op(() => endpoints.deleteEndpoint(ctx, id)),

    createSource: (input) => op(() => sources.createSource(ctx, input)),
    getSource: (id) => op(() => sources.getSource(ctx, id)),
    getSourceByToken: (token) => op(() => sources.getSourceByToken(ctx, token)),
    getSourceByAlias: (alias) => op(() => sources.getSourceByAlias(ctx, alias)),
    getSourceByName: (name) => op(() => sources.getSourceByName(ctx, name)),
    listSources: (query) => op(() => sources.listSources(ctx, query)),
    updateSource: (id, patch) => op(() => sources.updateSource(ctx, id, patch)),
    deleteSource: (id) => op(() => sources.deleteSource(ctx, id)),
    replaceSecrets: (resource, id, expected, next) =>
      op(() => replaceSecrets(ctx, resource, id, expected, next)),
    replaceEndpointHeaders: (id, expected, next) => op(() => replaceEndpointHeaders(ctx, id, expected, next)),

    upsertEventType: (input) => op(() => eventTypes.upsertEventType(ctx, input)),
    getEventType: (name) => op(() => eventTypes.getEventType(ctx, name)),
    listEventTypes: (query) => op(() => eventTypes.listEventTypes(ctx, query)),
    deleteEventType: (name) => op(() => eventTypes.deleteEventType(ctx, name)),

    createApiKey: (input) => op(() => apiKeys.createApiKey(ctx, input)),
    getApiKeyByHash: (hash) => op(() => apiKeys.getApiKeyByHash(ctx, hash)),
    listApiKeys: (query) => op(() => apiKeys.listApiKeys(ctx, query)),
    revokeApiKey: (id) => op(() => apiKeys.revokeApiKey(ctx, id)),
    touchApiKey: (id, at) => op(() => apiKeys.touchApiKey(ctx, id, at)),
    countApiKeys: () => op(() => apiKeys.countApiKeys(ctx)),

    getMeta: (key) => op(() => meta.getMeta(ctx, key)),
    setMeta: (key, value) => op(() => meta.setMeta(ctx, key, value)),
    // One process owns a SQLite file, so an in-process set is the whole lock.
    async withExclusiveJob(name, fn) {
      if (closed) throw new StoreError('closed', 'sqlite store is closed');
      if (running.has(name)) return { ran: false };
      running.add(name);
      try {
        return { ran: true, value: await fn() };
      } finally {
        running.delete(name);
      }
    },
    prune: (policy) => op(() => prune(ctx, policy)),
  };
}
