import { attachLocalWorker } from '../local-handoff.ts';
import type { InsertOutcome, Store, StoreDeps } from '../store.ts';
import { StoreError } from '../store-error.ts';
import * as apiKeys from './api-keys.ts';
import { claimDeliveries } from './claim-deliveries.ts';
import { completeAttempts } from './complete-attempts.ts';
import type { PostgresContext } from './context.ts';
import { countDeliveries } from './count-deliveries.ts';
import * as commands from './delivery-commands.ts';
import * as health from './endpoint-health.ts';
import * as endpoints from './endpoints.ts';
import * as eventTypes from './event-types.ts';
import { withExclusiveJob } from './exclusive-job.ts';
import { createMessageWriter, insertMessages } from './insert-messages.ts';
import { listAttempts } from './list-attempts.ts';
import { getDelivery, listDeliveries } from './list-deliveries.ts';
import { getMessage, getMessages, listMessages } from './list-messages.ts';
import * as listenerStore from './listeners.ts';
import * as meta from './meta.ts';
import { migrate, pendingMigrations } from './migrate.ts';
import { openDatabase } from './open-database.ts';
import { toStoreError } from './postgres-error.ts';
import { prune } from './prune.ts';
import { nextDueAt, queueDepth } from './queue-stats.ts';
import { replaceEndpointHeaders, replaceSecrets } from './replace-secrets.ts';
import * as sources from './sources.ts';
import { startWorkListener, type WorkListener } from './work-listener.ts';

export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  connectionString: string;
  deps: StoreDeps;
  /** Pooled connections (LISTEN and job locks use their own); default 8. */
  poolSize?: number;
  /** Connecting, or waiting for a pooled connection, fails `unavailable` after this; default 5 s. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout` (the client gives up 2 s later); default 30 s. */
  statementTimeoutMs?: number;
  /** Largest message body accepted (`value_too_large` above it); default 32 MiB, as on SQLite. */
  maxBodyBytes?: number;
  /** Rows (messages + deliveries) per group commit; default 4096. */
  maxRowsPerCommit?: number;
  /**
   * Group commits in flight at once; default 2: one commits while the next gathers callers. More groups
   * in flight means smaller groups, which measured no faster here.
   */
  writeConcurrency?: number;
  /** How often the LISTEN session is probed; default 10 s. */
  listenCheckIntervalMs?: number;
}

/**
 * The Store on PostgreSQL (`pg`): many processes on many machines may share one database. Claims use
 * `FOR UPDATE SKIP LOCKED` with a fencing token, wake-ups travel by `LISTEN/NOTIFY`, maintenance jobs
 * take advisory locks, and concurrent writes are grouped into multi-row statements. Call `migrate()`
 * before use (safe when several processes do it at once).
 *
 * @example
 * const store = createPostgresStore({
 *   connectionString: 'postgres://postgres@127.0.0.1:5432/hookline',
 *   deps: { clock: Date.now, newId: createIdGenerator() },
 * });
 * await store.migrate();
 */
export function createPostgresStore(options: PostgresStoreOptions): Store {
  const poolSize = options.poolSize ?? 8;
  const db = openDatabase({
    connectionString: options.connectionString,
    poolSize,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
  });
  const listeners = new Set<() => void>();
  const wake = () => {
    for (const fn of listeners) {
      try {
        fn();
      } catch {
        // A listener's failure is its own; the other dispatchers still need waking.
      }
    }
  };
  const ctx: PostgresContext = {
    db,
    deps: options.deps,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    signalWork: wake,
    localWorker: null,
  };
  const writer = createMessageWriter(ctx, {
    maxRowsPerCommit: options.maxRowsPerCommit ?? 4096,
    concurrency: options.writeConcurrency ?? Math.min(2, poolSize),
  });
  let listener: WorkListener | null = null;
  let closed = false;

  async function op<T>(fn: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreError('closed', 'hookline store (postgres): the store is closed');
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  const store: Store & { listenerPid(): number | null; listening(): Promise<void> } = {
    engine: 'postgres',
    capabilities: { multiProcess: true, crossProcessWakeups: true },

    migrate: () => op(() => migrate(db, options.deps.clock())),
    async ping() {
      if (closed) return { ok: false, reason: 'closed' };
      try {
        const pending = await pendingMigrations(db);
        return pending.length === 0
          ? { ok: true }
          : { ok: false, reason: `pending migrations: ${pending.join(', ')}` };
      } catch (error) {
        const mapped = toStoreError(error);
        return { ok: false, reason: mapped instanceof Error ? mapped.message : String(mapped) };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.drain();
      listeners.clear();
      await listener?.close();
      await db.close();
    },

    insertMessage: (input) =>
      op(async () => (await insertMessages(ctx, writer, [input]))[0] as InsertOutcome),
    insertMessages: (inputs, options) => op(() => insertMessages(ctx, writer, inputs, options)),

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
    attachLocalWorker: (worker) => attachLocalWorker(ctx, worker),
    onWork(fn) {
      listeners.add(fn);
      // The LISTEN session starts with the first subscriber: API-only processes never hold one.
      if (!listener && !closed) {
        listener = startWorkListener({
          newClient: () => db.newClient('hookline-listen'),
          wake,
          ...(options.listenCheckIntervalMs !== undefined
            ? { checkIntervalMs: options.listenCheckIntervalMs }
            : {}),
        });
      }
      return () => {
        listeners.delete(fn);
      };
    },

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
    withExclusiveJob(name, fn) {
      if (closed)
        return Promise.reject(new StoreError('closed', 'hookline store (postgres): the store is closed'));
      return withExclusiveJob(ctx, name, fn);
    },
    prune: (policy) => op(() => prune(ctx, policy)),

    listenerPid: () => listener?.pid ?? null,
    listening: () => listener?.ready() ?? Promise.resolve(),
  };
  return store;
}

/** Test hooks on the PostgreSQL store: the LISTEN session's backend pid, and a promise for it being up. */
export interface PostgresStoreInternals {
  listenerPid(): number | null;
  listening(): Promise<void>;
}
