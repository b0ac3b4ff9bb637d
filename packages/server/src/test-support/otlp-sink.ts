import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One exported span, flattened from the OTLP/HTTP JSON body (attributes as plain values). */
export interface SinkSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client. */
  kind: number;
  /** Status code: 0 unset, 1 ok, 2 error. */
  status: number;
  attributes: Record<string, string | number | boolean>;
  /** The resource's attributes (`service.name`…). */
  resource: Record<string, string | number | boolean>;
}

/** A local OTLP/HTTP traces receiver, as a collector would run it (JSON encoding only). */
export interface OtlpSink {
  /** The base URL (`http://127.0.0.1:port`); spans arrive at `/v1/traces`. */
  url: string;
  spans: SinkSpan[];
  /** Export requests received. */
  requests(): number;
  /** Spans received (counted without parsing when `parse` is false). */
  spanCount(): number;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        status?: { code?: number };
        attributes?: OtlpAttribute[];
      }[];
    }[];
  }[];
}

function plain(attributes: OtlpAttribute[] = []): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of attributes) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

/** Each OTLP JSON span has one `"spanId"` key (links have theirs, Hookline makes none): no parse needed. */
function countSpans(body: Buffer): number {
  const needle = Buffer.from('"spanId"');
  let count = 0;
  for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

/**
 * Starts the sink on a random loopback port. `parse: false` only counts requests and spans (benchmarks);
 * by default every span is decoded into `spans`.
 */
export async function startOtlpSink(options: { parse?: boolean } = {}): Promise<OtlpSink> {
  const spans: SinkSpan[] = [];
  let requests = 0;
  let spanCount = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      if (request.url !== '/v1/traces' || !request.headers['content-type']?.includes('json')) {
        response.writeHead(415).end();
        return;
      }
      if (options.parse === false) spanCount += countSpans(Buffer.concat(chunks));
      else {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
        for (const resourceSpans of body.resourceSpans ?? []) {
          const resource = plain(resourceSpans.resource?.attributes);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spanCount += 1;
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId ?? '',
                name: span.name,
                kind: span.kind,
                status: span.status?.code ?? 0,
                attributes: plain(span.attributes),
                resource,
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    requests: () => requests,
    spanCount: () => spanCount,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// As a process of its own (`fork`ed by benchmarks: a collector's CPU is not the gateway's): sends
// `{ url }` once listening, then `{ spans }` in answer to each message; exits when the parent goes.
if (import.meta.main && process.send) {
  const sink = await startOtlpSink({ parse: false });
  process.send({ url: sink.url });
  process.on('message', () => process.send?.({ spans: sink.spanCount() }));
  process.on('disconnect', () => {
    sink.close().then(() => process.exit(0));
  });
}
