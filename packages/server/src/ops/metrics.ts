import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptResult, Store } from '../store/store.ts';

/** How one inbound request ended, as `hookline_ingest_requests_total{outcome}` counts it. */
export type IngestOutcome =
  | 'accepted'
  | 'duplicate'
  | 'bad_signature'
  | 'expired'
  | 'too_large'
  | 'rate_limited'
  | 'not_found'
  | 'rejected'
  | 'error';

/** The ingest path's view of the metrics (ingest/ingest-routes.ts). */
export interface IngestMetrics {
  ingest(sourceId: string, outcome: IngestOutcome): void;
}

/**
 * The process's Prometheus metrics. Only created when metrics are on: call sites hold
 * `HooklineMetrics | null` and skip all registry work when it is null, so metrics off costs nothing.
 */
export interface HooklineMetrics extends IngestMetrics {
  readonly registry: Registry;
  /** Messages committed (not duplicates), by origin: published through the API or received on ingest. */
  messagesStored(origin: 'api' | 'ingest', count: number): void;
  /** One committed attempt: the delivery outcome, the response status class and the attempt latency. */
  attempt(result: AttemptResult): void;
  /** An endpoint was disabled: by a 410 response or by the health sweep after continuous failure. */
  endpointDisabled(trigger: 'gone' | 'health_sweep'): void;
  /** Seconds a store write took until committed. */
  storeCommit(operation: string, seconds: number): void;
  /** The Prometheus text exposition (queue gauges are read from the store at this moment). */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Inputs of {@link createMetrics}. */
export interface MetricsDeps {
  /** Read on each scrape for queue depth and the oldest due delivery's age. */
  store: Pick<Store, 'queueDepth'>;
  clock: () => number;
}

/** `200` → `2xx`; no response (timeout, connection refused, SSRF block) → `none`. */
export function statusClass(status: number | null): string {
  return status === null ? 'none' : `${Math.floor(status / 100)}xx`;
}

/**
 * Builds a registry of its own (never prom-client's global one, so two apps in one test process do
 * not collide) with every Hookline metric, named `hookline_*`. Labels are low-cardinality on purpose:
 * the source id on ingest (sources are few and operator-made), never an endpoint or message id.
 *
 * @example
 * const metrics = createMetrics({ store, clock: Date.now });
 * metrics.ingest(source.id, 'accepted');
 * const text = await metrics.render();
 */
export function createMetrics(deps: MetricsDeps): HooklineMetrics {
  const registry = new Registry();
  const ingestRequests = new Counter({
    name: 'hookline_ingest_requests_total',
    help: 'Inbound webhook requests by source id and outcome.',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const messages = new Counter({
    name: 'hookline_messages_stored_total',
    help: 'Messages committed (duplicates excluded), by origin: api (published) or ingest (received).',
    labelNames: ['origin'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'hookline_delivery_attempts_total',
    help: 'Delivery attempts committed, by resulting delivery outcome and response status class.',
    labelNames: ['outcome', 'status_class'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'hookline_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt, from connect to the (capped) response body read.',
    labelNames: ['status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [registry],
  });
  const disabled = new Counter({
    name: 'hookline_endpoints_disabled_total',
    help: 'Endpoints disabled by this process: gone (a 410 answer) or health_sweep (failing too long).',
    labelNames: ['trigger'] as const,
    registers: [registry],
  });
  const commits = new Histogram({
    name: 'hookline_store_commit_duration_seconds',
    help: 'Time until a store write is committed (group commits included), by operation.',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Both gauges come from one queueDepth call per scrape: prom-client collects metrics concurrently,
  // so they share the scrape's promise (reset by render) instead of one reading the other's field.
  let scrape: Promise<{ due: number; oldestDueAt: number | null }> | null = null;
  const depth = () => {
    scrape ??= deps.store.queueDepth(deps.clock());
    return scrape;
  };
  new Gauge({
    name: 'hookline_queue_due_deliveries',
    help: 'Deliveries due now (pending or retry time reached), across all processes sharing the store.',
    registers: [registry],
    async collect() {
      this.set((await depth()).due);
    },
  });
  new Gauge({
    name: 'hookline_queue_oldest_due_age_seconds',
    help: 'How long the oldest due delivery has been waiting; 0 when nothing is due.',
    registers: [registry],
    async collect() {
      const oldest = (await depth()).oldestDueAt;
      this.set(oldest === null ? 0 : Math.max(0, deps.clock() - oldest) / 1000);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    ingest: (source, outcome) => ingestRequests.inc({ source, outcome }),
    messagesStored: (origin, count) => {
      if (count > 0) messages.inc({ origin }, count);
    },
    attempt(result) {
      const status = statusClass(result.attempt.responseStatus);
      deliveries.inc({ outcome: result.outcome.kind, status_class: status });
      latency.observe({ status_class: status }, result.attempt.durationMs / 1000);
    },
    endpointDisabled: (trigger) => disabled.inc({ trigger }),
    storeCommit: (operation, seconds) => commits.observe({ operation }, seconds),
    render() {
      scrape = null;
      return registry.metrics();
    },
  };
}
