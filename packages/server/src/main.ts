import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { MessageRouter, ResendHandle } from './api/api-deps.ts';
import { buildApp } from './app.ts';
import { ensureAdminKey } from './auth/ensure-admin-key.ts';
import { type HooklineConfig, ingestOptionsOf } from './config.ts';
import { parseIp } from './delivery/ip-address.ts';
import { DEFAULT_RETRY_POLICY, maxAttempts } from './delivery/retry-policy.ts';
import { createRouter } from './delivery/router.ts';
import { createSsrfPolicy, type SsrfPolicy } from './delivery/ssrf-guard.ts';
import { createIdGenerator } from './ids.ts';
import { ensureDefaultSource } from './ingest/default-source.ts';
import { loadConfig } from './load-config.ts';
import { instrumentStore } from './ops/instrument-store.ts';
import { createMetrics, type HooklineMetrics } from './ops/metrics.ts';
import { buildOpsApp } from './ops/ops-app.ts';
import { loadTlsOptions } from './ops/tls-options.ts';
import { traceStore } from './ops/trace-store.ts';
import { type HooklineTracing, loadTracing, tracingSettings } from './ops/tracing.ts';
import { encryptingStore } from './secrets/encrypting-store.ts';
import type { SecretCipher } from './secrets/secret-cipher.ts';
import { SecretCipherError } from './secrets/secret-cipher-error.ts';
import { encryptStoredSecrets, openEncryption } from './secrets/server-encryption.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import type { Endpoint } from './store/types.ts';
import { startWorker } from './worker.ts';

/** What a started delivery worker gives back: resends for the API, and a graceful stop. */
export interface WorkerHandle extends ResendHandle {
  /** Stop claiming, finish or release in-flight deliveries; resolves when done. */
  stop(): Promise<void>;
  /** False once the delivery loop stopped (for /readyz); absent means running until stopped. */
  running?(): boolean;
}

/** Everything a worker needs, built once by `runServer`. */
export interface WorkerContext {
  store: Store;
  config: HooklineConfig;
  clock: () => number;
  logger: Logger;
  router: MessageRouter;
  maxAttempts: (endpoint: Endpoint) => number;
  ssrfPolicy: SsrfPolicy;
  /** Delivery metrics; null or absent when metrics are off. */
  metrics?: HooklineMetrics | null;
  /** Attempt spans; null or absent when tracing is off. */
  tracing?: HooklineTracing | null;
}

export interface RunServerOptions {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Starts the delivery worker (the dispatcher) on `all` and `worker` roles. */
  startWorker?: (context: WorkerContext) => Promise<WorkerHandle>;
  /** Where the one-time admin key is printed (stdout by default; never the log). */
  print?: (text: string) => void;
  /** Where logs go (stdout by default); tests capture them. */
  logStream?: { write(line: string): unknown };
  /** Install SIGTERM/SIGINT handlers (off in tests). */
  handleSignals?: boolean;
}

export interface RunningServer {
  app: FastifyInstance | null;
  store: Store;
  /**
   * `http://host:port` when the API listens (roles `all` and `api`), or when a `worker` with metrics on
   * serves its operations routes (`app` is then that operations-only app).
   */
  url: string | null;
  /** Graceful stop: close the HTTP server, stop the worker, close the store. Idempotent. */
  close(): Promise<void>;
}

/** Exit codes: 0 ok, 1 failure, 2 bad configuration (usage). */
export class StartupError extends Error {
  readonly code = 'startup_failed';
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'StartupError';
    this.exitCode = exitCode;
  }
}

/**
 * Loads config, opens and migrates the store, makes sure an admin key exists, builds the app and
 * listens; starts the worker when the role asks for one. The only place that turns the environment
 * into a running process (the `hookline serve` command calls it too).
 */
export async function runServer(options: RunServerOptions): Promise<RunningServer> {
  const loaded = loadConfig({ argv: options.argv, env: options.env, cwd: options.cwd ?? process.cwd() });
  if (!loaded.ok) throw new StartupError(`invalid configuration:\n  ${loaded.errors.join('\n  ')}`, 2);
  const config = loaded.config;
  const tls = loadTlsOptions(config);
  if (!tls.ok) throw new StartupError(`invalid configuration:\n  ${tls.error}`, 2);
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const logger = pino(
    {
      level: config.dev && config.logLevel === 'info' ? 'debug' : config.logLevel,
      // Belt and braces: routes never log these, but a future log call must not leak them either.
      redact: ['req.headers.authorization', '*.secret', '*.secrets', '*.key', '*.adminApiKey'],
    },
    options.logStream ?? process.stdout,
  );
  const clock = Date.now;
  const ssrfPolicy = buildSsrfPolicy(config);
  if (config.dev)
    logger.warn('DEV MODE: deliveries may reach loopback addresses; never run this in production');

  const newId = createIdGenerator(clock);
  const openedStore = await openStore(
    config.database,
    { clock, newId },
    {
      sqliteSynchronous: config.sqliteSynchronous,
      // A message body is at most one inbound request or one published payload.
      maxBodyBytes: Math.max(config.ingestMaxBodyBytes, config.publishMaxBodyBytes),
    },
  );
  let cipher: SecretCipher;
  try {
    cipher = openEncryption(openedStore, config, { logger });
  } catch (error) {
    await openedStore.close().catch(() => {});
    throw encryptionStartupError(error);
  }
  const traceSettings = tracingSettings(config, options.env);
  let tracing: HooklineTracing | null;
  try {
    // Null without an OTLP endpoint, and then the OpenTelemetry SDK is never even imported.
    tracing = await loadTracing(traceSettings);
  } catch (error) {
    await openedStore.close().catch(() => {});
    throw new StartupError(`invalid configuration:\n  tracing: ${(error as Error).message}`, 2);
  }
  // Innermost wrapper: everything above it (API, worker, metrics, tracing) sees plaintext secrets.
  const secured = encryptingStore(openedStore, cipher, newId);
  const metrics = config.metrics ? createMetrics({ store: openedStore, clock }) : null;
  // With metrics or tracing off the store is used as is: no wrapper, no timing on the write path.
  const measured = metrics ? instrumentStore(secured, metrics) : secured;
  const store = tracing ? traceStore(measured, tracing) : measured;
  let worker: WorkerHandle | null = null;
  let app: FastifyInstance | null = null;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Order matters: stop taking requests, let the worker finish or release its claims, then close the store.
      if (app) await app.close();
      if (worker) await worker.stop();
      await store.close();
      // Last, so the spans of the final requests and attempts are exported.
      await tracing?.shutdown();
    })();
    return closing;
  };

  try {
    const { applied } = await store.migrate();
    if (applied.length > 0) logger.info({ applied }, 'store migrated');
    await encryptStoredSecrets(openedStore, cipher, logger);
    const admin = await ensureAdminKey(store, { givenKey: config.adminApiKey });
    // Printed once, together with the ingest URL once it is known, so a first start is one block to copy.
    let firstStart =
      admin.kind === 'created'
        ? `\nAdmin API key (shown once, store it now):\n\n  ${admin.key}\n\nUse it as: Authorization: Bearer ${admin.key.slice(0, 11)}…\n\n`
        : null;
    const router = createRouter(store, { clock });
    const policy = { ...DEFAULT_RETRY_POLICY, schedule: config.retrySchedule, jitter: config.retryJitter };
    const attemptsFor = (endpoint: Endpoint) => maxAttempts(endpoint, policy);
    if (config.role !== 'api' && options.startWorker) {
      worker = await options.startWorker({
        store,
        config,
        clock,
        logger,
        router,
        maxAttempts: attemptsFor,
        ssrfPolicy,
        metrics,
        tracing,
      });
    }
    let url: string | null = null;
    if (config.role !== 'worker') {
      // The quick start of the seeds: POST /webhook is accepted, stored and visible from the first request.
      const source = await ensureDefaultSource(store, {
        alias: config.defaultSourceAlias,
        config: ingestOptionsOf(config),
      });
      app = await buildApp({
        store,
        config,
        clock,
        router,
        maxAttempts: attemptsFor,
        ssrfPolicy,
        logger,
        dispatcher: worker,
        tracing,
        ingest: { config: ingestOptionsOf(config) },
        ops: {
          workerRunning: worker ? () => worker?.running?.() ?? true : null,
          metrics,
          https: tls.tls,
        },
      });
      const address = await app.listen({ port: config.port, host: config.host });
      url = address;
      logger.info({ url, role: config.role, engine: store.engine }, `Hookline listening on ${url}`);
      // Null once the operator deleted or renamed it: it is created at the database's first start only.
      if (source !== null) {
        const ingestUrl = `${url}${source.alias ?? `/in/${source.token}`}`;
        logger.info({ sourceId: source.id, ingestUrl }, 'default source ready');
        if (firstStart !== null) {
          firstStart += `Default source (scheme none): ${ingestUrl}\n\n  curl -X POST ${ingestUrl} -H "Content-Type: application/json" -d '{"event": "user_signed_up", "user": "john_doe"}'\n\n`;
        }
      }
      if (firstStart !== null) firstStart += `Dashboard: ${url}/ui/ (sign in with the admin key above)\n\n`;
    }
    if (config.role === 'worker' && metrics) {
      // A worker serves no API, but with metrics on it is scraped and probed like any process.
      app = await buildOpsApp({
        store,
        workerRunning: worker ? () => worker?.running?.() ?? true : null,
        metrics,
        metricsToken: config.metricsToken,
        logger,
        https: tls.tls,
      });
      url = await app.listen({ port: config.port, host: config.host });
      logger.info({ url, role: config.role }, `Hookline worker: /healthz, /readyz and /metrics on ${url}`);
    }
    if (firstStart !== null) print(firstStart);
    if (traceSettings) logger.info({ otlp: traceSettings.url }, 'tracing on: spans exported over OTLP/HTTP');
    if (options.handleSignals) installSignalHandlers(close, config, logger);
    return { app, store, url, close };
  } catch (error) {
    await close().catch(() => {});
    throw encryptionStartupError(error);
  }
}

/** A key problem is a configuration problem (exit 2), reported with its code; other errors pass as they are. */
function encryptionStartupError(error: unknown): unknown {
  if (!(error instanceof SecretCipherError)) return error;
  const exitCode = error.code === 'secret_undecryptable' ? 1 : 2;
  return new StartupError(`secrets encryption (${error.code}): ${error.message}`, exitCode);
}

/** Splits the allow-list into CIDRs/IPs and host names, as the SSRF guard takes them. */
function buildSsrfPolicy(config: HooklineConfig): SsrfPolicy {
  const allowCidrs: string[] = [];
  const allowHostnames: string[] = [];
  for (const entry of config.ssrfAllowList) {
    if (entry.includes('/') || parseIp(entry) !== null) allowCidrs.push(entry);
    else allowHostnames.push(entry);
  }
  try {
    return createSsrfPolicy({ allowCidrs, allowHostnames, allowLoopback: config.dev });
  } catch (error) {
    throw new StartupError(`invalid configuration:\n  ssrfAllowList: ${(error as Error).message}`, 2);
  }
}

function installSignalHandlers(close: () => Promise<void>, config: HooklineConfig, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    close().then(
      () => {
        logger.info('stopped');
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

if (import.meta.main) {
  try {
    await runServer({ argv: process.argv.slice(2), env: process.env, handleSignals: true, startWorker });
  } catch (error) {
    process.stderr.write(`hookline: ${(error as Error).message}\n`);
    process.exitCode = error instanceof StartupError ? error.exitCode : 1;
  }
}
