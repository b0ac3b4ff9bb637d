/**
 * The OpenTelemetry side of ops/tracing.ts. Imported only by `loadTracing`, i.e. only when an OTLP
 * endpoint is configured: nothing else may import this file (or the SDK), or tracing off stops being free.
 *
 * Context travels explicitly as W3C `traceparent` strings (request span → stored message → attempt span),
 * not through an async context manager: no AsyncLocalStorage on the hot path, and the same mechanism
 * works when the worker that delivers is another process.
 */
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TraceFlags,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import type { HooklineTracing, SpanAttributes, TraceSpan, TracingSettings } from './tracing.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const VERSION = '0.1.0';

// Every delivery of a message has the same parent: its parsed context is reused rather than parsed and
// validated again for each attempt span. Bounded: cleared whole when full (a miss costs one parse).
const parsedParents = new Map<string, Context>();
const PARSED_PARENTS_MAX = 4096;

/** The context of a `traceparent`, or the root (a new trace) when there is none or it is malformed. */
export function contextOf(traceparent: string | null): Context {
  if (traceparent === null) return ROOT_CONTEXT;
  let context = parsedParents.get(traceparent);
  if (context === undefined) {
    context = parseTraceparent(traceparent);
    if (parsedParents.size >= PARSED_PARENTS_MAX) parsedParents.clear();
    parsedParents.set(traceparent, context);
  }
  return context;
}

function parseTraceparent(traceparent: string): Context {
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return ROOT_CONTEXT;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const spanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) as TraceFlags,
    isRemote: true,
  };
  return trace.isSpanContextValid(spanContext)
    ? trace.setSpanContext(ROOT_CONTEXT, spanContext)
    : ROOT_CONTEXT;
}

function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

function wrap(span: Span): TraceSpan {
  return {
    get traceparent() {
      return traceparentOf(span);
    },
    set: (attributes) => {
      span.setAttributes(attributes);
    },
    end(error) {
      if (error) {
        span.setAttribute(ATTR_ERROR_TYPE, error.type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message ?? error.type });
      }
      span.end();
    },
  };
}

function samplerOf(ratio: number): Sampler {
  const root =
    ratio >= 1
      ? new AlwaysOnSampler()
      : ratio <= 0
        ? new AlwaysOffSampler()
        : new TraceIdRatioBasedSampler(ratio);
  // Parent-based: a delivery attempt follows the decision taken for its message's request.
  return new ParentBasedSampler({ root });
}

/**
 * A tracer provider with a batching OTLP/HTTP JSON exporter. Batches go out every second or at 512
 * spans; past 8,192 queued spans (a collector that is down or slow) new spans are dropped rather than
 * buffered without bound: tracing may lose spans, it must never slow or grow the gateway.
 */
export function createOtelTracing(settings: TracingSettings): HooklineTracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: VERSION,
      ...settings.resource,
    }),
    sampler: samplerOf(settings.sampleRatio),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: settings.url }),
        scheduledDelayMillis: 1000,
        maxExportBatchSize: 512,
        maxQueueSize: 8192,
      }),
    ],
  });
  const tracer = provider.getTracer('hookline', VERSION);
  let stopped: Promise<void> | null = null;
  return {
    startServer: (name: string, attributes: SpanAttributes) =>
      wrap(tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, ROOT_CONTEXT)),
    startChild: (name, parent, attributes, kind = 'internal') =>
      wrap(
        tracer.startSpan(
          name,
          { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes },
          contextOf(parent),
        ),
      ),
    recordChild(name, parent, span) {
      const recorded = tracer.startSpan(
        name,
        {
          kind: span.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
          attributes: span.error
            ? { ...span.attributes, [ATTR_ERROR_TYPE]: span.error.type }
            : span.attributes,
          startTime: span.startMs,
        },
        contextOf(parent),
      );
      if (span.error) {
        recorded.setStatus({ code: SpanStatusCode.ERROR, message: span.error.message ?? span.error.type });
      }
      recorded.end(span.endMs);
    },
    shutdown() {
      stopped ??= provider.shutdown().catch(() => {});
      return stopped;
    },
  };
}
