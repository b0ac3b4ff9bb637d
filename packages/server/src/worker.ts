import { randomUUID } from 'node:crypto';
import { createAttemptRunner } from './delivery/attempt-runner.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { createHttpClient } from './delivery/http-client.ts';
import { createOperationalEvents } from './delivery/operational-events.ts';
import { DEFAULT_RETRY_POLICY } from './delivery/retry-policy.ts';
import { createThreadedHttpClient } from './delivery/threaded-http-client.ts';
import { sweepEndpointHealth } from './jobs/health-sweep.ts';
import { startJobs } from './jobs/job-scheduler.ts';
import { runRetention } from './jobs/retention-job.ts';
import type { WorkerContext, WorkerHandle } from './main.ts';
import { traceAttempts } from './ops/trace-attempts.ts';

export interface WorkerOptions {
  /** Uniform in [0, 1) for retry jitter (tests pin it). */
  random?: () => number;
  /** Fallback polling interval of the dispatcher. */
  pollIntervalMs?: number;
  /** Maintenance interval instead of `config.maintenanceIntervalMs`; 0 turns the jobs off (tests drive them). */
  maintenanceEveryMs?: number;
  /** Name resolution for the HTTP client (tests map names to loopback receivers). */
  lookup?: Parameters<typeof createHttpClient>[0]['lookup'];
}

export interface StartedWorker extends WorkerHandle {
  dispatcher: Dispatcher;
}

/**
 * The delivery side of a process: the HTTP client with its SSRF guard, the dispatcher loop, operational
 * events and the maintenance jobs. `runServer` starts it on the `all` and `worker` roles.
 */
export async function startWorker(
  context: WorkerContext,
  options: WorkerOptions = {},
): Promise<StartedWorker> {
  const { store, config, clock, logger } = context;
  const random = options.random ?? Math.random;
  const clientOptions = {
    policy: context.ssrfPolicy,
    connectTimeoutMs: config.connectTimeoutMs,
    maxResponseBytes: config.maxResponseBytes,
    defaultTimeoutMs: config.attemptTimeoutMs,
    // As many connections per origin as attempts in flight: endpoints sharing a host (often all of a
    // tenant's) must never wait for a connection a dead sibling holds; the per-endpoint limit bounds each.
    connectionsPerOrigin: config.workerConcurrency,
  };
  // A test's own name resolution is a function, which cannot cross to a thread: such a worker keeps
  // its client on the event loop.
  const client = options.lookup
    ? createHttpClient({ ...clientOptions, lookup: options.lookup })
    : config.deliveryHttpThread
      ? createThreadedHttpClient(clientOptions)
      : createHttpClient(clientOptions);
  const policy = { ...DEFAULT_RETRY_POLICY, schedule: config.retrySchedule, jitter: config.retryJitter };
  const events = createOperationalEvents({
    store,
    route: (message) => context.router.route(message),
    maxAttempts: context.maxAttempts,
    clock,
    onError: (error) => logger.error({ err: error }, 'publishing an operational event failed'),
  });
  // Logged at start: it is the `worker_id` of this process's claims in the deliveries table.
  const workerId = `worker-${randomUUID()}`;
  const runner = createAttemptRunner({ client, policy, clock, random, logger });
  const dispatcher = new Dispatcher({
    store,
    runAttempt: context.tracing ? traceAttempts(runner, context.tracing) : runner,
    maxAttempts: context.maxAttempts,
    clock,
    logger,
    workerId,
    concurrency: config.workerConcurrency,
    failingEndpointConcurrency: config.failingEndpointConcurrency,
    batchSize: config.workerBatchSize,
    leaseMs: config.workerLeaseMs,
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    onCommitted: (result, ctx) => {
      context.metrics?.attempt(result);
      if (result.endpoint?.effect === 'disable') {
        context.router.invalidate();
        context.metrics?.endpointDisabled('gone');
      }
      events.onCommitted(result, ctx);
    },
  });
  dispatcher.start();
  logger.info(
    { workerId, concurrency: config.workerConcurrency, leaseMs: config.workerLeaseMs },
    'delivery worker started',
  );

  const everyMs = options.maintenanceEveryMs ?? config.maintenanceIntervalMs;
  const jobs = startJobs(
    store,
    everyMs === 0
      ? []
      : [
          {
            name: 'endpoint-health',
            everyMs,
            run: () =>
              sweepEndpointHealth({
                store,
                clock,
                disableAfterMs: config.endpointDisableAfterMs,
                onDisabled: async (endpoint, reason) => {
                  context.router.invalidate();
                  context.metrics?.endpointDisabled('health_sweep');
                  logger.warn({ endpointId: endpoint.id, reason }, 'endpoint disabled');
                  await events.endpointDisabled(endpoint, reason);
                },
              }),
          },
          {
            name: 'retention',
            everyMs: everyMs * 10,
            run: () =>
              runRetention(
                store,
                {
                  payloadRetentionMs: config.payloadRetentionMs,
                  attemptRetentionMs: config.attemptRetentionMs,
                  deliveryRetentionMs: config.deliveryRetentionMs,
                  batchSize: 1000,
                },
                clock,
              ),
          },
        ],
    {
      clock,
      onError: (job, error) => logger.error({ err: error, job }, 'maintenance job failed'),
      // Debug only (a line per job per interval): the record of which process ran which round.
      onRound: (record) => logger.debug(record, 'maintenance job round'),
    },
  );

  // Idempotent: a second stop (a test's cleanup after it stopped the worker itself, a second signal)
  // waits for the first instead of closing the undici agent twice, which throws ClientDestroyedError.
  let stopping: Promise<void> | null = null;
  return {
    dispatcher,
    resend: (messageId, endpoint) => dispatcher.resend(messageId, endpoint),
    running: () => stopping === null && dispatcher.running,
    stop() {
      stopping ??= (async () => {
        await jobs.stop();
        await dispatcher.stop(Math.min(config.shutdownTimeoutMs, 10_000));
        await client.close();
      })();
      return stopping;
    },
  };
}
