import {
  boolean,
  duration,
  integer,
  list,
  oneOf,
  optional,
  type Parser,
  parseDurationMs,
  ratio,
  text,
} from './config-parsers.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from './delivery/retry-policy.ts';
import { LIMITS } from './limits.ts';
import { DEFAULT_SECRET_GRACE_MS } from './secrets/secret-rotation-rules.ts';

/** The effective configuration of one Hookline process. Times are milliseconds, sizes bytes. */
export interface HooklineConfig {
  port: number;
  host: string;
  database: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  role: 'all' | 'api' | 'worker';
  dev: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  adminApiKey: string | null;
  encryptionKey: string | null;
  encryptionOldKeys: string[];
  publishMaxBodyBytes: number;
  batchMaxBodyBytes: number;
  attemptTimeoutMs: number;
  connectTimeoutMs: number;
  maxResponseBytes: number;
  retrySchedule: readonly number[];
  retryJitter: number;
  workerConcurrency: number;
  deliveryHttpThread: boolean;
  failingEndpointConcurrency: number;
  workerBatchSize: number;
  workerLeaseMs: number;
  maintenanceIntervalMs: number;
  ssrfAllowList: string[];
  payloadRetentionMs: number;
  attemptRetentionMs: number;
  deliveryRetentionMs: number;
  endpointDisableAfterMs: number;
  secretRotationGraceMs: number;
  shutdownTimeoutMs: number;
  ingestMaxBodyBytes: number;
  ingestDefaultMaxBodyBytes: number;
  ingestBodyTimeoutMs: number;
  ingestSourceRatePerSecond: number;
  ingestClientRatePerSecond: number;
  publicBaseUrl: string | null;
  defaultSourceAlias: string | null;
  metrics: boolean;
  metricsToken: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  trustProxy: string[];
  otlpEndpoint: string | null;
}

/** How one option is named in each layer, parsed and documented. */
export interface OptionSpec<T> {
  /** One line for `docs/config.md` and `hookline config`. */
  doc: string;
  default: T;
  parse: Parser<T>;
  /** Masked by `maskConfig` and never logged. */
  secret?: boolean;
  /** Shown in docs instead of the raw default when the raw value reads badly (lists of ms). */
  defaultText?: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MIB = 1024 * 1024;

/** The retry schedule of DESIGN.md: delays before each retry (the first attempt is immediate). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS;

export { LIMITS };

/** Every option: default and one-line doc. Flag `--kebab-name`, env `HOOKLINE_SNAKE_NAME`, file key as is. */
export const CONFIG_OPTIONS: { [K in keyof HooklineConfig]: OptionSpec<HooklineConfig[K]> } = {
  port: { doc: 'TCP port the HTTP server listens on.', default: 8080, parse: integer(0, 65535) },
  host: {
    doc: 'Interface to bind; loopback by default, use 0.0.0.0 (or a reverse proxy) to accept remote senders.',
    default: '127.0.0.1',
    parse: text(),
  },
  database: {
    doc: 'SQLite file path (embedded, one process) or postgres://… URL (shared by many processes).',
    default: './.hookline/hookline.db',
    parse: text(),
  },
  sqliteSynchronous: {
    doc: 'SQLite durability: FULL survives power loss; NORMAL (WAL) may lose the last commits on power loss only.',
    default: 'FULL',
    parse: oneOf(['FULL', 'NORMAL'] as const),
  },
  role: {
    doc: 'What this process runs: the API and ingest (api), the delivery worker (worker) or both (all).',
    default: 'all',
    parse: oneOf(['all', 'api', 'worker'] as const),
  },
  dev: {
    doc: 'Local development mode: allows loopback destinations and logs verbosely. Never in production.',
    default: false,
    parse: boolean,
  },
  logLevel: {
    doc: 'pino log level.',
    default: 'info',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
  },
  adminApiKey: {
    doc: 'First admin API key (hk_…) for automated deployments; when unset, first start creates and prints one.',
    default: null,
    parse: optional(
      text({ pattern: /^hk_[A-Za-z0-9_-]{20,200}$/, hint: 'hk_ followed by 20+ url-safe characters' }),
    ),
    secret: true,
  },
  encryptionKey: {
    doc: 'Key encrypting endpoint and source secrets and endpoint custom header values at rest (32 bytes, base64 or hex). Required on PostgreSQL; unset on SQLite, encryption.key beside the database is used (created on first start).',
    default: null,
    parse: optional(
      text({ pattern: /^[A-Za-z0-9+/=_-]{43,64}$/, hint: '32 bytes as 44 base64 or 64 hex characters' }),
    ),
    secret: true,
  },
  encryptionOldKeys: {
    doc: 'Previous encryption keys, still accepted for decrypting during a key rotation (docs/security.md).',
    default: [],
    parse: list(
      text({ pattern: /^[A-Za-z0-9+/=_-]{43,64}$/, hint: '32 bytes as 44 base64 or 64 hex characters' }),
      10,
    ),
    secret: true,
  },
  publishMaxBodyBytes: {
    doc: 'Largest POST /v1/messages request body, and largest item of a POST /v1/messages/batch.',
    default: 1 * MIB,
    parse: integer(1024, 64 * MIB),
  },
  batchMaxBodyBytes: {
    doc: 'Largest POST /v1/messages/batch request body (up to 1,000 messages).',
    default: 32 * MIB,
    parse: integer(1024, 256 * MIB),
  },
  attemptTimeoutMs: {
    doc: 'Total deadline of one delivery attempt (connect, send, response), endpoint default.',
    default: 15 * SECOND,
    parse: duration(LIMITS.minAttemptTimeoutMs, LIMITS.maxAttemptTimeoutMs),
  },
  connectTimeoutMs: {
    doc: 'TCP/TLS connect timeout of a delivery attempt.',
    default: 5 * SECOND,
    parse: duration(100, LIMITS.maxAttemptTimeoutMs),
  },
  maxResponseBytes: {
    doc: 'Response body bytes kept per attempt (decompressed, capped while reading).',
    default: 64 * 1024,
    parse: integer(0, 16 * MIB),
  },
  retrySchedule: {
    doc: 'Delays before each retry (the first attempt is immediate; attempts = entries + 1). Endpoints may override it.',
    default: DEFAULT_RETRY_SCHEDULE,
    defaultText: '5s,5m,30m,2h,5h,10h,14h,20h,24h',
    parse: list(duration(0, LIMITS.maxRetryDelayMs), LIMITS.maxRetryScheduleEntries),
  },
  retryJitter: {
    doc: 'Random spread applied to each retry delay (0.2 = ±20 %).',
    default: 0.2,
    parse: ratio(0, 1),
  },
  workerConcurrency: {
    doc: 'Delivery attempts in flight at once in this process, each until its result is committed.',
    default: 256,
    parse: integer(1, 10_000),
  },
  failingEndpointConcurrency: {
    doc: 'Attempts in flight at once to an endpoint whose last attempt failed, whatever its maxConcurrency; back to normal after a success.',
    default: 2,
    parse: integer(1, 1000),
  },
  deliveryHttpThread: {
    doc: 'Run the delivery HTTP client (undici, the SSRF-guarded connector, response reads) on a worker thread of its own, off the event loop that serves the API and writes the store.',
    default: true,
    parse: boolean,
  },
  workerBatchSize: { doc: 'Deliveries claimed per store round trip.', default: 100, parse: integer(1, 1000) },
  workerLeaseMs: {
    doc: 'How long a claim is held before another worker may retry it; must exceed attemptTimeoutMs.',
    default: 60 * SECOND,
    parse: duration(2 * SECOND, HOUR),
  },
  maintenanceIntervalMs: {
    doc: 'How often a worker tries the endpoint health sweep (retention: every 10th interval); one process at a time runs each.',
    default: MINUTE,
    parse: duration(100, HOUR),
  },
  ssrfAllowList: {
    doc: 'CIDRs and host names deliveries may reach even though they are private (internal services).',
    default: [],
    parse: list(text(), 1000),
  },
  payloadRetentionMs: {
    doc: 'Message bodies older than this are cleared (metadata stays).',
    default: 30 * DAY,
    parse: duration(HOUR, 3650 * DAY),
  },
  attemptRetentionMs: {
    doc: 'Attempt logs older than this are deleted.',
    default: 30 * DAY,
    parse: duration(HOUR, 3650 * DAY),
  },
  deliveryRetentionMs: {
    doc: 'Finished deliveries (succeeded, exhausted, cancelled) older than this are deleted.',
    default: 30 * DAY,
    parse: duration(HOUR, 3650 * DAY),
  },
  endpointDisableAfterMs: {
    doc: 'An endpoint is disabled on a failure this long after its first failure with no success between.',
    default: 5 * DAY,
    parse: duration(MINUTE, 365 * DAY),
  },
  secretRotationGraceMs: {
    doc: 'How long a rotated-out endpoint secret keeps signing, so receivers can switch over.',
    default: DEFAULT_SECRET_GRACE_MS,
    parse: duration(0, LIMITS.maxSecretRotationGraceMs),
  },
  shutdownTimeoutMs: {
    doc: 'On SIGTERM/SIGINT, how long to wait for in-flight requests and attempts before closing anyway.',
    default: 30 * SECOND,
    parse: duration(0, 10 * MINUTE),
  },
  ingestMaxBodyBytes: {
    doc: 'Largest body limit a source may set (GitHub sends up to 25 MiB).',
    default: 25 * MIB,
    parse: integer(1024, 256 * MIB),
  },
  ingestDefaultMaxBodyBytes: {
    doc: "A new source's body limit when none is given.",
    default: 1 * MIB,
    parse: integer(1024, 256 * MIB),
  },
  ingestBodyTimeoutMs: {
    doc: 'Time an inbound request has to deliver its whole body once headers are in (408 after it).',
    default: 30 * SECOND,
    parse: duration(100, 10 * MINUTE),
  },
  ingestSourceRatePerSecond: {
    doc: 'Inbound requests per second per source, all clients together (burst 2×); 0 turns the limit off.',
    default: 2000,
    parse: integer(0, 1_000_000),
  },
  ingestClientRatePerSecond: {
    doc: 'Inbound requests per second per client address, all sources together (burst 2×); 0 turns it off.',
    default: 2000,
    parse: integer(0, 1_000_000),
  },
  publicBaseUrl: {
    doc: 'Public URL senders use (https://hooks.example.com), to rebuild signed URLs (Twilio) behind a proxy.',
    default: null,
    parse: optional(text({ pattern: /^https?:\/\/[^/?#]+$/, hint: 'an http(s) origin without path' })),
  },
  defaultSourceAlias: {
    doc: "Path of the quick-start source `hookline serve` creates (the seeds' POST /webhook); empty for none.",
    default: '/webhook',
    parse: optional(
      text({ pattern: /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/, hint: 'a path such as /webhook' }),
    ),
  },
  metrics: {
    doc: 'Serve Prometheus metrics at GET /metrics (a worker-role process then listens on port for /healthz, /readyz, /metrics); off, nothing is counted.',
    default: false,
    parse: boolean,
  },
  metricsToken: {
    doc: 'When set, GET /metrics requires Authorization: Bearer <token> (scrapers have no API key).',
    default: null,
    parse: optional(text({ pattern: /^[\x21-\x7e]{16,200}$/, hint: '16+ printable characters, no spaces' })),
    secret: true,
  },
  tlsCert: {
    doc: 'PEM certificate (chain) file: serve HTTPS directly. Needs tlsKey; read once at start.',
    default: null,
    parse: optional(text()),
  },
  tlsKey: {
    doc: 'PEM private key file of tlsCert.',
    default: null,
    parse: optional(text()),
  },
  trustProxy: {
    doc: 'Proxy addresses/CIDRs (or loopback, uniquelocal) whose X-Forwarded-For/-Proto are believed; empty: none.',
    default: [],
    parse: list(text(), 100),
  },
  otlpEndpoint: {
    doc: 'OTLP/HTTP collector URL (http://collector:4318): traces go to <url>/v1/traces as JSON. Unset: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, else tracing off.',
    default: null,
    parse: optional(text({ pattern: /^https?:\/\/[^\s]+$/, hint: 'an http(s) URL' })),
  },
};

/** The ingest options in the shape ingest/ingest-config.ts takes. */
export function ingestOptionsOf(config: HooklineConfig) {
  const bucket = (rate: number) => ({ ratePerSecond: rate, burst: rate * 2 });
  return {
    maxBodyBytesLimit: config.ingestMaxBodyBytes,
    defaultMaxBodyBytes: config.ingestDefaultMaxBodyBytes,
    bodyTimeoutMs: config.ingestBodyTimeoutMs,
    perSourceRate: bucket(config.ingestSourceRatePerSecond),
    perClientRate: bucket(config.ingestClientRatePerSecond),
    publicBaseUrl: config.publicBaseUrl,
  };
}

export type ConfigKey = keyof HooklineConfig;
export type ConfigLayer = 'default' | 'file' | 'env' | 'flag';

export const CONFIG_KEYS = Object.keys(CONFIG_OPTIONS) as ConfigKey[];

/** `attemptTimeoutMs` → `--attempt-timeout-ms`. */
export function flagName(key: ConfigKey): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** `attemptTimeoutMs` → `HOOKLINE_ATTEMPT_TIMEOUT_MS`. */
export function envName(key: ConfigKey): string {
  return `HOOKLINE_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** The defaults as a complete config (tests start from it). */
export function defaultConfig(): HooklineConfig {
  const entries = CONFIG_KEYS.map((key) => [key, structuredClone(CONFIG_OPTIONS[key].default)]);
  return Object.fromEntries(entries) as HooklineConfig;
}

/** The config as `hookline config` prints it: secrets masked. */
export function maskConfig(config: HooklineConfig): Record<string, unknown> {
  return Object.fromEntries(
    CONFIG_KEYS.map((key) => [
      key,
      CONFIG_OPTIONS[key].secret && !isEmpty(config[key]) ? '********' : config[key],
    ]),
  );
}

function isEmpty(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

export { parseDurationMs };
