/**
 * The JSON shapes of the health and statistics routes (`/v1/stats/overview`, `/v1/endpoints/{id}/health`,
 * `/v1/sources/{id}/failures`, `/v1/endpoints/{id}/test`) as the dashboard reads them; see docs/openapi.json.
 */

export type StatsWindow = '1h' | '24h';

export interface StatsBucket {
  start: string;
  messages: number;
  succeeded: number;
  failed: number;
  p95DurationMs: number | null;
}

export interface LastError {
  at: string;
  status: number | null;
  errorKind: string | null;
  message: string | null;
}

export interface FailingEndpoint {
  id: string;
  url: string;
  description: string | null;
  tenant: string | null;
  disabled: boolean;
  failingSince: string | null;
  disabledReason: string | null;
  lastError: LastError | null;
}

export interface FailingSource {
  id: string;
  name: string;
  failures: number;
  reasons: Record<string, number>;
}

export interface OverviewStats {
  window: StatsWindow;
  since: string;
  until: string;
  bucketMs: number;
  buckets: StatsBucket[];
  totals: {
    messages: number;
    succeeded: number;
    failed: number;
    /** 0..1, null when nothing was attempted. */
    successRate: number | null;
    p95DurationMs: number | null;
  };
  failingEndpoints: FailingEndpoint[];
  failingSources: FailingSource[];
}

export interface EndpointHealth {
  endpointId: string;
  window: StatsWindow;
  attempts: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  lastError: LastError | null;
  failingSince: string | null;
  disabled: boolean;
  disabledReason: string | null;
  pending: number;
}

export interface SourceFailures {
  sourceId: string;
  since: string;
  total: number;
  reasons: Record<string, number>;
  recent: { at: string; code: string; status: number; clientIp: string | null }[];
}

export interface TestEventSent {
  messageId: string;
  deliveryId: string;
}
