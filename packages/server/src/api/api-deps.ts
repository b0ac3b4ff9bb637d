import type { FastifyBaseLogger } from 'fastify';
import type { HooklineConfig } from '../config.ts';
import type { Router } from '../delivery/router.ts';
import type { SsrfPolicy } from '../delivery/ssrf-guard.ts';
import type { IngestConfig } from '../ingest/ingest-config.ts';
import type { HooklineTracing } from '../ops/tracing.ts';
import type { Store } from '../store/store.ts';
import type { Attempt, Endpoint } from '../store/types.ts';

/** Picks the endpoints a message goes to; `invalidate` after this process changes an endpoint. */
export type MessageRouter = Pick<Router, 'route' | 'invalidate'>;

/** The part of the dispatcher the API uses; absent on `--role api` processes. */
export interface ResendHandle {
  /** A manual attempt now; null when the message's payload has expired. */
  resend(messageId: string, endpoint: Endpoint): Promise<Attempt | null>;
}

/** Everything `buildApp` needs; nothing here reads the environment. */
export interface AppDeps {
  store: Store;
  config: HooklineConfig;
  clock: () => number;
  router: MessageRouter;
  /** Attempts a new delivery to this endpoint gets (delivery/retry-policy.ts). */
  maxAttempts: (endpoint: Endpoint) => number;
  ssrfPolicy: SsrfPolicy;
  /** A pino logger; omitted in tests (logging off). */
  logger?: FastifyBaseLogger;
  dispatcher?: ResendHandle | null;
  /** Request spans (`ingest`, `publish`); null or absent when tracing is off. */
  tracing?: HooklineTracing | null;
  /** Random bytes for API keys and secrets; injected so tests can pin them. */
  random?: (size: number) => Uint8Array;
  /**
   * Also serve `/v1/sources` and the ingest routes (`/in/{token}`, aliases such as `/webhook`).
   * Opt-in for now because the ingest test kit registers them on top of `buildApp` itself.
   */
  ingest?: { config?: Partial<IngestConfig> };
}
