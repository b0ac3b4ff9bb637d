/**
 * Tracing as the rest of Hookline sees it: a small interface with no OpenTelemetry import, so that with
 * tracing off nothing of the SDK is loaded and call sites pay one null check (`tracing?.…`), as with
 * metrics. `loadTracing` imports the SDK (ops/otel-tracing.ts) only when an OTLP endpoint is configured.
 */
import type { HooklineConfig } from '../config.ts';

export type SpanAttributes = Record<string, string | number | boolean>;

/** One span in progress. */
export interface TraceSpan {
  /** The W3C `traceparent` of this span, stored with the message so a worker's spans join the trace. */
  readonly traceparent: string;
  set(attributes: SpanAttributes): void;
  /** Ends the span; with `error` it is marked failed (`error.type` and the status message). */
  end(error?: { type: string; message?: string }): void;
}

/** The spans Hookline makes; names are the `name` of the span as exported. */
export interface HooklineTracing {
  /** A SERVER span for one inbound HTTP request (`ingest`, `publish`), a trace's root. */
  startServer(name: string, attributes: SpanAttributes): TraceSpan;
  /**
   * A span whose parent is given as a W3C `traceparent` (the request span, or the one stored with a
   * message, possibly by another process); a new trace when it is null or malformed.
   */
  startChild(
    name: string,
    parent: string | null,
    attributes: SpanAttributes,
    kind?: 'internal' | 'client',
  ): TraceSpan;
  /**
   * A span that already happened (`startMs`/`endMs` are epoch milliseconds), recorded in one call: every
   * attribute goes through the SDK once, which is what makes a span per delivery attempt affordable.
   */
  recordChild(
    name: string,
    parent: string | null,
    span: {
      attributes: SpanAttributes;
      startMs: number;
      endMs: number;
      kind?: 'internal' | 'client';
      error?: { type: string; message?: string };
    },
  ): void;
  /** Exports what is buffered and stops (graceful shutdown). Never throws: telemetry must not block a stop. */
  shutdown(): Promise<void>;
}

/** Where spans go and how this process names itself. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL (`…/v1/traces`); spans are posted there as JSON. */
  url: string;
  serviceName: string;
  /** `service.instance.id`-like attributes that tell processes apart. */
  resource: SpanAttributes;
  /** Fraction of new traces recorded (1 = all); a request's decision is kept by its child spans. */
  sampleRatio: number;
}

/** `http://collector:4318` → `http://collector:4318/v1/traces`; a URL already ending so is kept. */
export function tracesUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/**
 * Tracing is on when an OTLP endpoint is given: Hookline's `otlpEndpoint`, else the standard
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces`
 * appended). `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off whatever else is set.
 * `OTEL_TRACES_SAMPLER` `always_on`/`always_off`/`traceidratio` (and their `parentbased_` forms) with
 * `OTEL_TRACES_SAMPLER_ARG` choose the share of traces kept. Returns null when tracing is off.
 */
export function tracingSettings(
  config: Pick<HooklineConfig, 'otlpEndpoint' | 'role'>,
  env: Readonly<Record<string, string | undefined>>,
): TracingSettings | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || null;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || null;
  const url =
    config.otlpEndpoint !== null
      ? tracesUrl(config.otlpEndpoint)
      : (tracesEndpoint ?? (endpoint === null ? null : tracesUrl(endpoint)));
  if (url === null) return null;
  return {
    url,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'hookline',
    resource: { 'hookline.role': config.role },
    sampleRatio: sampleRatio(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG),
  };
}

function sampleRatio(sampler: string | undefined, arg: string | undefined): number {
  const name = (sampler ?? 'parentbased_always_on')
    .trim()
    .toLowerCase()
    .replace(/^parentbased_/, '');
  if (name === 'always_off') return 0;
  if (name !== 'traceidratio') return 1;
  const ratio = Number(arg ?? '1');
  return Number.isFinite(ratio) ? Math.min(1, Math.max(0, ratio)) : 1;
}

let sdkLoaded = false;

/** True once the OpenTelemetry SDK was imported in this process (tests assert it stays false when off). */
export function tracingSdkLoaded(): boolean {
  return sdkLoaded;
}

/**
 * The process's tracing, or null when off. The SDK is imported here, on demand: a process without an
 * OTLP endpoint never loads it (a dynamic import, so not even its module graph is parsed).
 */
export async function loadTracing(settings: TracingSettings | null): Promise<HooklineTracing | null> {
  if (settings === null) return null;
  const { createOtelTracing } = await import('./otel-tracing.ts');
  sdkLoaded = true;
  return createOtelTracing(settings);
}

/**
 * Runs `run` inside `span` (when there is one) and ends it with the result: a failure with an HTTP status
 * below 500 (a coded client error) is noted as `hookline.error.code` but is not a failed server span.
 */
export async function inSpan<T>(span: TraceSpan | null | undefined, run: () => Promise<T>): Promise<T> {
  if (!span) return run();
  try {
    const result = await run();
    span.end();
    return result;
  } catch (error) {
    const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
    const type = typeof code === 'string' ? code : 'internal';
    const httpStatus = typeof status === 'number' ? status : 500;
    span.set({ 'hookline.error.code': type, 'http.response.status_code': httpStatus });
    if (httpStatus < 500) span.end();
    else span.end({ type, message: (error as Error).message });
    throw error;
  }
}
