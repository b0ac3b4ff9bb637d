import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { maxAttempts as defaultMaxAttempts } from '../delivery/retry-policy.ts';
import type { Router } from '../delivery/router.ts';
import { ApiError } from '../errors.ts';
import type { IngestMetrics, IngestOutcome } from '../ops/metrics.ts';
import type { HooklineTracing, TraceSpan } from '../ops/tracing.ts';
import type { Store } from '../store/store.ts';
import { isStoreError } from '../store/store-error.ts';
import type { Endpoint, Source } from '../store/types.ts';
import { ALIAS_PATTERN } from './alias-pattern.ts';
import { allowedRateOf, cloudEventsConsent } from './cloudevents-consent.ts';
import { ACCEPTED_CODINGS, contentCodingsOf } from './content-coding.ts';
import { type IngestConfig, ingestConfig } from './ingest-config.ts';
import { IngestError, isIngestError } from './ingest-errors.ts';
import { bodyLimit, headerOf, ingestRequest, STORE_RETRY_AFTER_SECONDS } from './ingest-request.ts';
import { type HandshakeAnswer, urlHandshake } from './provider-handshakes.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { readBody } from './read-body.ts';
import type { SourceFailures } from './source-failures.ts';
import { createSourceResolver, type SourceResolver } from './source-resolver.ts';

/** Options of {@link ingestRoutes}. */
export interface IngestRoutesOptions {
  store: Pick<Store, 'insertMessage' | 'getSourceByToken' | 'getSourceByAlias'>;
  router: Pick<Router, 'route'>;
  clock: () => number;
  config?: Partial<IngestConfig>;
  /** Share the sources API's resolver so its writes take effect at once; one is made otherwise. */
  resolver?: SourceResolver;
  maxAttempts?: (endpoint: Endpoint) => number;
  /** Also answer `POST /{alias}` for sources with an alias (e.g. `/webhook`). Default true. */
  aliasRoutes?: boolean;
  /** Counts each request's outcome by source; null or absent when metrics are off. */
  metrics?: IngestMetrics | null;
  /** An `ingest` span per request; null or absent when tracing is off. */
  tracing?: HooklineTracing | null;
  /** Remembers refusals of known sources (in memory) for `GET /v1/sources/{id}/failures`; absent = off. */
  failures?: SourceFailures | null;
}

/** The metrics outcome of a refused request. */
function outcomeOf(code: string, status: number): IngestOutcome {
  switch (code) {
    case 'signature_missing':
    case 'invalid_signature':
    case 'invalid_token':
      return 'bad_signature';
    case 'timestamp_out_of_window':
      return 'expired';
    case 'payload_too_large':
      return 'too_large';
    case 'rate_limited':
      return 'rate_limited';
    case 'source_not_found':
      return 'not_found';
    default:
      return status >= 500 ? 'error' : 'rejected';
  }
}

function toIngestError(error: FastifyError): IngestError {
  if (isIngestError(error)) return error;
  // The source lookup failing is the store's trouble, not the sender's: ask for a retry.
  if (isStoreError(error))
    return new IngestError('unavailable', { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS });
  switch (error.statusCode) {
    case 413:
      return new IngestError('payload_too_large', { closeConnection: true });
    case 415:
      return new IngestError('unsupported_media_type');
    case 408:
      return new IngestError('request_timeout', { closeConnection: true });
    default:
      return new IngestError('internal_error');
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function mediaType(request: FastifyRequest): string {
  const header = request.headers['content-type'] ?? '';
  return header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/**
 * What follows the route's first `segments` path segments in the raw URL (`/in/{token}`: 2, `/{alias}`:
 * 1): the sub-path and query string as the sender wrote them, or null when nothing follows. Cut by
 * segment rather than by the decoded token, so a percent-encoded token keeps its sub-path.
 */
function subPathAfter(url: string, segments: number): string | null {
  let end = 0;
  for (let i = 0; i < segments; i++) {
    const next = url.slice(end + 1).search(/[/?]/);
    end = next < 0 ? url.length : end + 1 + next;
  }
  return end >= url.length ? null : url.slice(end);
}

/**
 * The inbound webhook routes: `POST /in/{token}`, `POST /in/{token}/*` (the sub-path is kept on the
 * message) and `POST /{alias}`, plus CloudEvents' `OPTIONS` validation handshake on the same URLs
 * (cloudevents-consent.ts) and the handshake a source is configured for (provider-handshakes.ts). Bodies are read raw whatever their content type, counted against the
 * source's own limit while streaming; see ingest-request.ts for what happens next. Register it without
 * fastify-plugin's `fp`: its content-type parser and error handler must stay in this scope.
 *
 * @example
 * await app.register(ingestRoutes, { store, router: createRouter(store, { clock }), clock });
 */
export const ingestRoutes: FastifyPluginAsync<IngestRoutesOptions> = async (app, options) => {
  const config = ingestConfig(options.config);
  const clock = options.clock;
  const resolver =
    options.resolver ?? createSourceResolver(options.store, { clock, ttlMs: config.sourceCacheMs });
  const perSource = createRateLimiter(config.perSourceRate, { clock, maxKeys: config.rateLimiterMaxKeys });
  const perClient = createRateLimiter(config.perClientRate, { clock, maxKeys: config.rateLimiterMaxKeys });
  const sources = new WeakMap<FastifyRequest, Source>();
  const metrics = options.metrics ?? null;
  const failures = options.failures ?? null;
  // The source id of requests refused before `sources` is set (rate limits), for the outcome label.
  const sourceIds = new WeakMap<FastifyRequest, string>();
  const tracing = options.tracing ?? null;
  const spans = new WeakMap<FastifyRequest, TraceSpan>();
  if (tracing) {
    // Plugin-wide hooks, added only when tracing is on: the span covers admission, the body read,
    // verification and the commit, and ends with the answer, whatever it was.
    app.addHook('onRequest', async (request) => {
      spans.set(
        request,
        tracing.startServer('ingest', {
          'http.request.method': request.method,
          'http.route': request.routeOptions.url ?? '',
        }),
      );
    });
    app.addHook('onResponse', async (request, reply) => {
      const span = spans.get(request);
      if (!span) return;
      span.set({ 'http.response.status_code': reply.statusCode });
      if (reply.statusCode >= 500) span.end({ type: String(reply.statusCode) });
      else span.end();
    });
  }
  /** Counts the outcome (metrics) and notes it on the request's span (tracing); both optional. */
  const noteOutcome = (request: FastifyRequest, sourceId: string | undefined, outcome: IngestOutcome) => {
    metrics?.ingest(sourceId ?? 'unknown', outcome);
    spans.get(request)?.set({ 'hookline.ingest.outcome': outcome });
  };
  const refused = (request: FastifyRequest, code: string, status: number) => {
    const sourceId = sourceIds.get(request);
    if (failures && sourceId !== undefined) failures.record(sourceId, { code, status, clientIp: request.ip });
  };
  const deps = {
    store: options.store,
    router: options.router,
    clock,
    config,
    maxAttempts: options.maxAttempts ?? ((endpoint: Endpoint) => defaultMaxAttempts(endpoint)),
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const source = sources.get(request);
    if (source === undefined) {
      done(new IngestError('source_not_found'), undefined);
      return;
    }
    readBody(payload, {
      limit: bodyLimit(source, config),
      timeoutMs: config.bodyTimeoutMs,
      contentLength: request.headers['content-length'],
    }).then(
      (body) => done(null, body),
      (error: Error) => done(error, undefined),
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (!isIngestError(error) && status >= 400 && status < 500 && ![408, 413, 415].includes(status)) {
      // Malformed HTTP that Fastify refused (e.g. a Content-Length that does not match the body): the
      // sender's mistake, answered in the API's catalog shape rather than logged as our failure.
      const apiError = new ApiError('validation_failed', 'The request is malformed HTTP.');
      noteOutcome(request, sourceIds.get(request), 'rejected');
      refused(request, apiError.code, apiError.status);
      return reply.code(apiError.status).header('connection', 'close').send(apiError.toBody());
    }
    const ingestError = toIngestError(error);
    if (ingestError.code === 'internal_error') request.log.error({ err: error }, 'ingest failed');
    noteOutcome(request, sourceIds.get(request), outcomeOf(ingestError.code, ingestError.status));
    refused(request, ingestError.code, ingestError.status);
    reply.code(ingestError.status).headers(ingestError.headers);
    if (ingestError.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(ingestError.retryAfterSeconds));
    }
    if (ingestError.closeConnection) reply.header('connection', 'close');
    return reply.send(ingestError.toBody());
  });

  /**
   * Source, rate limits and content type, all before a byte of the body is read. A refused request
   * with a body gets its connection closed: otherwise Node would read and discard the whole body to
   * keep the connection, which is exactly the work a flood of junk should not cost.
   */
  async function admit(request: FastifyRequest, source: Source | null): Promise<void> {
    const close = { closeConnection: hasBody(request) };
    if (source && tracing) spans.get(request)?.set({ 'hookline.source.id': source.id });
    if (source === null || source.disabled) throw new IngestError('source_not_found', close);
    if (metrics || failures) sourceIds.set(request, source.id);
    const bySource = perSource.take(source.id);
    if (!bySource.ok) {
      throw new IngestError('rate_limited', { ...close, retryAfterSeconds: bySource.retryAfterSeconds });
    }
    const byClient = perClient.take(request.ip);
    if (!byClient.ok) {
      throw new IngestError('rate_limited', { ...close, retryAfterSeconds: byClient.retryAfterSeconds });
    }
    if (source.contentTypes !== null && !source.contentTypes.includes(mediaType(request))) {
      throw new IngestError('unsupported_media_type', close);
    }
    if (contentCodingsOf(headerOf(request.headers, 'content-encoding')) === null) {
      throw new IngestError('unsupported_content_encoding', {
        ...close,
        headers: { 'accept-encoding': ACCEPTED_CODINGS },
      });
    }
    sources.set(request, source);
  }

  /** A provider handshake's answer (provider-handshakes.ts): a 200 that stores and forwards nothing. */
  function answerHandshake(
    request: FastifyRequest,
    reply: FastifyReply,
    sourceId: string,
    answer: HandshakeAnswer,
  ): FastifyReply {
    noteOutcome(request, sourceId, 'accepted');
    request.log.info({ sourceId }, `${answer.name} answered`);
    // nosniff: an echoed challenge must never be read by a browser as anything but what it says.
    reply.code(200).header('x-content-type-options', 'nosniff');
    if (answer.contentType === null) return reply.send();
    return reply.header('content-type', answer.contentType).send(answer.body);
  }

  /**
   * A handshake that comes as a query or header (provider-handshakes.ts `urlHandshake`), answered before
   * a byte of a body is read, or null when the request is not its source's handshake.
   */
  function urlHandshakeFor(
    request: FastifyRequest,
    reply: FastifyReply,
    source: Source | null,
  ): FastifyReply | null {
    if (source === null || source.disabled || source.handshake === null) return null;
    const answer = urlHandshake(source, request, clock());
    if (answer === null) return null;
    if (hasBody(request)) reply.header('connection', 'close');
    return answerHandshake(request, reply, source.id, answer);
  }

  async function handle(request: FastifyRequest, reply: FastifyReply, subPath: string | null) {
    const source = sources.get(request);
    if (source === undefined) throw new IngestError('source_not_found');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const span = tracing ? spans.get(request) : undefined;
    const base = config.publicBaseUrl ?? `${request.protocol}://${request.host}`;
    const result = await ingestRequest(
      {
        ...deps,
        onRejected: (rejected, detail) =>
          request.log.info({ sourceId: rejected.id, detail }, 'inbound webhook refused'),
      },
      {
        source,
        body,
        headers: request.headers,
        url: base + request.url,
        subPath,
        traceParent: span?.traceparent ?? null,
      },
    );
    if (result.kind === 'handshake') return answerHandshake(request, reply, source.id, result.answer);
    const { outcome } = result;
    noteOutcome(request, source.id, outcome.duplicate ? 'duplicate' : 'accepted');
    span?.set({ 'hookline.message.id': outcome.message.id });
    return reply
      .code(source.response.status)
      .header('content-type', source.response.contentType)
      .header('x-hookline-message-id', outcome.message.id)
      .send(source.response.body);
  }

  /**
   * Any other method on an ingest URL: 405 with `Allow: POST`, answered before a byte of the body is
   * read. Senders and people probing a URL (a GET from a browser, a provider's HEAD) learn it exists
   * and takes POST. Handshakes are the exception (CloudEvents' OPTIONS, see `consentFor`, and the GET
   * of a source configured for a provider's, see `urlHandshakeFor`).
   */
  const methodNotAllowed = (request: FastifyRequest) =>
    new IngestError('method_not_allowed', { closeConnection: hasBody(request), headers: { allow: 'POST' } });
  const otherMethods = app.supportedMethods.filter((method) => method !== 'POST') as HTTPMethods[];
  const allowedRate = allowedRateOf([config.perSourceRate, config.perClientRate]);
  /**
   * CloudEvents' validation handshake (cloudevents-consent.ts) when the request is one and its source
   * is enabled: 200 with the consent headers, nothing read, stored or forwarded; null otherwise.
   * Not counted against the rate limits, like the 405 it replaces: it costs one cached lookup.
   */
  const consentFor = async (
    request: FastifyRequest,
    reply: FastifyReply,
    lookup: () => Promise<Source | null>,
  ): Promise<FastifyReply | null> => {
    if (request.method !== 'OPTIONS') return null;
    const consent = cloudEventsConsent(request.headers, allowedRate);
    if (consent === null) return null;
    const source = await lookup();
    if (source === null || source.disabled) return null;
    noteOutcome(request, source.id, 'accepted');
    // The callback URL, if any, is not logged: it carries the sender's secret key.
    request.log.info(
      { sourceId: source.id, origin: consent['webhook-allowed-origin'] },
      'cloudevents webhook validation answered',
    );
    if (hasBody(request)) reply.header('connection', 'close');
    return reply.code(200).headers(consent).send();
  };
  // Whatever the token: GET must not become a way to tell which tokens exist. The handshake does
  // answer a live token differently, as a POST does (401 or 2xx against 404 source_not_found): the
  // token is the secret, and a sender must hold it to register the URL at all.
  for (const url of ['/in/:token', '/in/:token/*']) {
    app.route<{ Params: { token: string } }>({
      method: otherMethods,
      url,
      schema: { hide: true },
      onRequest: async (request, reply) => {
        const lookup = () => resolver.byToken(request.params.token);
        const answered =
          (await consentFor(request, reply, lookup)) ??
          (request.method === 'GET' ? urlHandshakeFor(request, reply, await lookup()) : null);
        if (answered !== null) return answered;
        throw methodNotAllowed(request);
      },
      handler: async () => undefined,
    });
  }

  /** Microsoft Graph's validation comes as a POST with a query, before any content-type rule applies. */
  const admitOrAnswer = async (request: FastifyRequest, reply: FastifyReply, source: Source | null) =>
    urlHandshakeFor(request, reply, source) ?? admit(request, source);
  const tokenRoute = {
    onRequest: async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) =>
      admitOrAnswer(request, reply, await resolver.byToken(request.params.token)),
    handler: async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) =>
      handle(request, reply, subPathAfter(request.url, 2)),
  };
  app.post('/in/:token', tokenRoute);
  app.post('/in/:token/*', tokenRoute);

  if (options.aliasRoutes !== false) {
    app.post<{ Params: { alias: string } }>('/:alias', {
      onRequest: async (request, reply) => {
        const alias = `/${request.params.alias}`;
        return admitOrAnswer(
          request,
          reply,
          ALIAS_PATTERN.test(alias) ? await resolver.byAlias(alias) : null,
        );
      },
      handler: (request, reply) => handle(request, reply, subPathAfter(request.url, 1)),
    });
    // An alias is a public path, not a secret, but only existing aliases are ingest URLs: any other
    // `/{segment}` stays the API's plain 404, as for every unknown route.
    app.route<{ Params: { alias: string } }>({
      method: otherMethods,
      url: '/:alias',
      schema: { hide: true },
      onRequest: async (request, reply) => {
        const alias = `/${request.params.alias}`;
        const source = ALIAS_PATTERN.test(alias) ? await resolver.byAlias(alias) : null;
        if (source === null || source.disabled) return reply.callNotFound();
        const answered =
          (await consentFor(request, reply, async () => source)) ?? urlHandshakeFor(request, reply, source);
        if (answered !== null) return answered;
        throw methodNotAllowed(request);
      },
      handler: async () => undefined,
    });
  }
};
