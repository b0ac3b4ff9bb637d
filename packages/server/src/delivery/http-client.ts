import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { AttemptErrorKind } from '../store/types.ts';
import { createGuardedConnector, type LookupFunction, systemLookup } from './guarded-connector.ts';
import { readCappedBody } from './read-capped-body.ts';
import { type SsrfPolicy, validateDestinationUrl } from './ssrf-guard.ts';

/** Default total deadline of one attempt (DESIGN.md "Defaults"). */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Upper bound of any attempt's deadline, whatever an endpoint asks for. */
export const MAX_TIMEOUT_MS = 30_000;

export interface HttpClientOptions {
  policy: SsrfPolicy;
  /** TCP + TLS handshake budget per address (default 5 s). */
  connectTimeoutMs?: number;
  /** Decoded response bytes kept (default 64 KiB); the rest is never read. */
  maxResponseBytes?: number;
  /** Deadline when `send` is given none (default 15 s, capped at 30 s). */
  defaultTimeoutMs?: number;
  /** Keep-alive connections per origin (default 32). */
  connectionsPerOrigin?: number;
  /** Name resolution; tests inject one that maps names to the addresses they need. */
  lookup?: LookupFunction;
  /** Monotonic milliseconds for `durationMs` (default `performance.now`). */
  now?: () => number;
  /** Extra trusted CA for TLS (tests with a self-signed receiver). */
  tls?: { ca?: string | Buffer };
}

export interface SendRequest {
  url: string;
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Total deadline covering DNS, connect, headers and the whole body read; clamped to 1 ms…30 s. */
  timeoutMs?: number;
  /** Aborts the call early (shutdown); the result is then an `internal` error. */
  signal?: AbortSignal;
}

/** The receiver answered (any status except 3xx, which is an error result). */
export interface HttpResponseResult {
  type: 'response';
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Decompressed, capped, UTF-8. */
  body: string;
  bodyTruncated: boolean;
  /** Set when the Content-Encoding could not be undone; `body` holds what decoded before that. */
  bodyDecodeError?: string;
  durationMs: number;
}

/** The attempt failed before a usable answer. `response` is set for redirects. */
export interface HttpErrorResult {
  type: 'error';
  errorKind: Exclude<AttemptErrorKind, 'none' | 'http_status' | 'lease_expired'>;
  message: string;
  durationMs: number;
  response?: { status: number; headers: Record<string, string> };
}

export type SendResult = HttpResponseResult | HttpErrorResult;

export interface HttpClient {
  /** Sends one request; never throws for network or receiver behaviour, only returns a result. */
  send(request: SendRequest): Promise<SendResult>;
  /** Closes every pooled connection. */
  close(): Promise<void>;
}

/**
 * The outbound HTTP client of every user-supplied URL: an undici `Agent` of its own (keep-alive pools,
 * no pipelining) whose connector resolves names itself and refuses any destination the SSRF policy
 * does not allow, before a connection exists. Redirects are never followed. One total deadline bounds
 * the whole call, including a receiver that trickles its body.
 *
 * @example
 * const client = createHttpClient({ policy: createSsrfPolicy() });
 * const result = await client.send({ url: endpoint.url, headers, body, timeoutMs: endpoint.timeoutMs });
 * if (result.type === 'response' && result.status < 300) // delivered
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const now = options.now ?? (() => performance.now());
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  const defaultTimeoutMs = clampTimeout(options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  const connectorOptions: Parameters<typeof createGuardedConnector>[0] = {
    policy: options.policy,
    lookup: options.lookup ?? systemLookup,
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
  };
  if (options.tls !== undefined) connectorOptions.tls = options.tls;
  const agent = new Agent({
    connect: createGuardedConnector(connectorOptions),
    pipelining: 1,
    connections: options.connectionsPerOrigin ?? 32,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
  });

  // The policy is fixed per client, so a URL's verdict is too; endpoints repeat, parsing them is not free.
  const verdicts = new Map<string, ReturnType<typeof validateDestinationUrl>>();
  const validate = (url: string) => {
    let verdict = verdicts.get(url);
    if (verdict === undefined) {
      if (verdicts.size >= 1_024) verdicts.clear();
      verdict = validateDestinationUrl(url, options.policy);
      verdicts.set(url, verdict);
    }
    return verdict;
  };

  async function send(req: SendRequest): Promise<SendResult> {
    const started = now();
    const elapsed = () => Math.max(0, Math.round(now() - started));
    const fail = (errorKind: HttpErrorResult['errorKind'], message: string): HttpErrorResult => ({
      type: 'error',
      errorKind,
      message,
      durationMs: elapsed(),
    });

    // Refuse literal bad hosts before touching the pool; names are checked by the connector.
    const validation = validate(req.url);
    if (!validation.ok) {
      return fail(validation.code === 'ssrf_blocked' ? 'ssrf_blocked' : 'internal', validation.message);
    }

    const timeoutMs = req.timeoutMs === undefined ? defaultTimeoutMs : clampTimeout(req.timeoutMs);
    const controller = new AbortController();
    let deadlinePassed = false;
    const timer = setTimeout(() => {
      deadlinePassed = true;
      controller.abort(new DeadlineError(timeoutMs));
    }, timeoutMs);
    const onOuterAbort = () => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (req.signal?.aborted) onOuterAbort();

    let body: Readable | null = null;
    // undici settles a request that is still waiting for a pooled connection only once it gets one, abort
    // or not: the deadline races it, so time spent queued counts and the attempt ends on time.
    const deadline = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    try {
      const pending = request(validation.url, {
        dispatcher: agent,
        method: (req.method ?? 'POST') as 'POST',
        headers: req.headers ?? {},
        body: req.body ?? null,
        signal: controller.signal,
        // The deadline above is the real bound; these only keep undici from outliving it.
        headersTimeout: timeoutMs + 1_000,
        bodyTimeout: timeoutMs + 1_000,
      });
      const response = await Promise.race([pending, deadline]).catch((error: unknown) => {
        // Lost the race: whatever the request still does, its body (if any) is dropped unread.
        pending.then(
          (late) => discard(late.body),
          () => {},
        );
        throw error;
      });
      body = response.body;
      const headers = flattenHeaders(response.headers);
      if (response.statusCode >= 300 && response.statusCode < 400) {
        // Drain a short body so the connection stays reusable; a long one closes it.
        await response.body.dump({ limit: 16 * 1024 }).catch(() => {});
        const location = headers.location === undefined ? '' : ` to ${truncate(headers.location)}`;
        return {
          ...fail(
            'redirect',
            `receiver answered ${response.statusCode} redirect${location}; redirects are not followed`,
          ),
          response: { status: response.statusCode, headers },
        };
      }
      const read = await readCappedBody(response.body, headers['content-encoding'], maxResponseBytes);
      const result: HttpResponseResult = {
        type: 'response',
        status: response.statusCode,
        headers,
        body: read.text,
        bodyTruncated: read.truncated,
        durationMs: elapsed(),
      };
      if (read.decodeError !== undefined) result.bodyDecodeError = read.decodeError;
      return result;
    } catch (error) {
      if (deadlinePassed) return fail('timeout', `no complete response within the ${timeoutMs} ms deadline`);
      if (req.signal?.aborted) return fail('internal', 'attempt aborted before completion');
      const [kind, message] = classifyError(error);
      return fail(kind, message);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onOuterAbort);
      if (body !== null) discard(body);
    }
  }

  return { send, close: () => agent.close() };
}

/** Ends a body we stopped reading; undici reports that as an error event nobody needs to hear. */
export function discard(body: Readable): void {
  if (body.readableEnded || body.destroyed) return;
  body.on('error', () => {});
  body.destroy();
}

class DeadlineError extends Error {
  readonly code = 'HOOKLINE_DEADLINE';
  constructor(timeoutMs: number) {
    super(`deadline of ${timeoutMs} ms passed`);
    this.name = 'DeadlineError';
  }
}

function clampTimeout(ms: number): number {
  if (!Number.isFinite(ms)) return DEFAULT_TIMEOUT_MS;
  return Math.min(Math.max(Math.round(ms), 1), MAX_TIMEOUT_MS);
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** Maps an error (and its causes) to the attempt's error kind and a message without internals. */
export function classifyError(error: unknown): [HttpErrorResult['errorKind'], string] {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = 'code' in current && typeof current.code === 'string' ? current.code : '';
    const message = current.message;
    if (code === 'HOOKLINE_SSRF_BLOCKED') return ['ssrf_blocked', message];
    if (code === 'HOOKLINE_DNS') return ['dns', message];
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return ['dns', message];
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return ['connect', `connect timed out: ${message}`];
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return ['timeout', message];
    if (TLS_CODE.test(code)) return ['tls', `TLS failed (${code}): ${message}`];
    if (
      code === 'ECONNREFUSED' ||
      code === 'EHOSTUNREACH' ||
      code === 'ENETUNREACH' ||
      code === 'EADDRNOTAVAIL'
    ) {
      return ['connect', `${code}: ${message}`];
    }
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ECONNABORTED') {
      return ['reset', `connection closed by the receiver (${code})`];
    }
    if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_'))
      return ['reset', `invalid HTTP response (${code})`];
    current = current.cause;
  }
  return ['internal', error instanceof Error ? error.message : String(error)];
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
