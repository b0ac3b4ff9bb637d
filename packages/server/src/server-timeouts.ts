/**
 * Slow-header clients (slowloris) are cut after this instead of Node's 60 s; slow bodies are the ingest
 * path's own 408 (ingestBodyTimeoutMs).
 */
export const HEADERS_TIMEOUT_MS = 10_000;
/**
 * Node enforces the headers timeout only when it sweeps its connections, every 30 s by default, which
 * let slow headers live ~33 s; a 1 s sweep keeps the cut-off within 11 s for the cost of one timer.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/** Overrides of the two cut-offs; tests shorten them. */
export interface ServerTimeouts {
  /** Slow-header cut-off; default {@link HEADERS_TIMEOUT_MS}. */
  headersTimeoutMs?: number;
  /** How often Node checks that cut-off; default {@link CONNECTIONS_CHECK_INTERVAL_MS}. */
  connectionsCheckIntervalMs?: number;
}

/**
 * Fastify's `http`/`https` server options for every server Hookline listens with (the API and a worker's
 * ops server alike): Node reads them in the server's constructor only, never from the server afterwards.
 */
export function serverTimeoutOptions(overrides: ServerTimeouts = {}): {
  headersTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: overrides.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    connectionsCheckingInterval: overrides.connectionsCheckIntervalMs ?? CONNECTIONS_CHECK_INTERVAL_MS,
  };
}
