import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppDeps } from './api/api-deps.ts';
import { apiKeyRoutes } from './api/api-keys.ts';
import { installAuthentication } from './api/authenticate-hook.ts';
import { clientErrorHandler } from './api/client-error-handler.ts';
import { deliveryRoutes } from './api/deliveries.ts';
import { endpointActionRoutes } from './api/endpoint-actions.ts';
import { endpointHealthRoutes } from './api/endpoint-health.ts';
import { endpointTestEventRoutes } from './api/endpoint-test-event.ts';
import { endpointRoutes } from './api/endpoints.ts';
import { handleFrameworkError, installErrorHandling } from './api/error-handler.ts';
import { createEventTypeSchemas } from './api/event-type-schemas.ts';
import { eventTypeRoutes } from './api/event-types.ts';
import { installJsonBodyParser } from './api/json-body-parser.ts';
import { listenerRoutes } from './api/listeners.ts';
import { messageRoutes } from './api/messages.ts';
import { markOptionalBodies } from './api/optional-body.ts';
import { publishRoutes } from './api/publish.ts';
import { recoveryRoutes } from './api/recovery.ts';
import { SHARED_SCHEMAS } from './api/schemas/resources.ts';
import { sourceFailureRoutes } from './api/source-failures.ts';
import { sourcesRoutes } from './api/sources.ts';
import { statsRoutes } from './api/stats.ts';
import { streamRoutes } from './api/stream.ts';
import { installValidatorCompiler } from './api/validator-compiler.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { ingestConfig } from './ingest/ingest-config.ts';
import { ingestRoutes } from './ingest/ingest-routes.ts';
import { createSourceFailures } from './ingest/source-failures.ts';
import { createSourceResolver } from './ingest/source-resolver.ts';
import { type OpsOptions, opsRoutes } from './ops/ops-routes.ts';
import type { TlsOptions } from './ops/tls-options.ts';
import { type ServerTimeouts, serverTimeoutOptions } from './server-timeouts.ts';
import { uiRoutes } from './ui/ui-routes.ts';

export type { AppDeps } from './api/api-deps.ts';

/** Operations wiring main.ts passes: the worker's liveness for /readyz and the metrics registry. */
export interface AppOps extends Pick<OpsOptions, 'workerRunning' | 'metrics'>, ServerTimeouts {
  /** Serve HTTPS with this certificate and key (ops/tls-options.ts); plain HTTP when absent. */
  https?: TlsOptions | null;
}

/** The version the OpenAPI document states; bump with breaking API changes. */
export const API_VERSION = '0.1.0';

/**
 * Builds the HTTP application: plugins, error handling, authentication and every route. It never
 * listens (main.ts does), so tests drive it with `app.inject()` or listen on a random port.
 *
 * @example
 * const app = await buildApp({ store, config, clock: Date.now, router, maxAttempts, ssrfPolicy });
 * const response = await app.inject({ method: 'GET', url: '/healthz' });
 */
export async function buildApp(deps: AppDeps & { ops?: AppOps }): Promise<FastifyInstance> {
  const serverTimeouts = serverTimeoutOptions(deps.ops);
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.config.publishMaxBodyBytes,
    // Reject unknown fields instead of silently dropping them: a typo in a filter must not pass.
    ajv: {
      customOptions: { removeAdditional: false, useDefaults: true, coerceTypes: 'array', allErrors: false },
    },
    return503OnClosing: true,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler,
    // Forwarded headers are believed only from the proxies the operator names; anyone else could forge them.
    ...(deps.config.trustProxy.length > 0 ? { trustProxy: deps.config.trustProxy } : {}),
    ...(deps.ops?.https ? { https: { ...deps.ops.https, ...serverTimeouts } } : { http: serverTimeouts }),
  }) as unknown as FastifyInstance;

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hookline API',
        version: API_VERSION,
        description:
          'Manage endpoints, event types and API keys; publish messages; read and recover deliveries.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'hk_… API key' } },
      },
      security: [{ apiKey: [] }],
    },
    transformObject: (document) =>
      markOptionalBodies('openapiObject' in document ? document.openapiObject : document.swaggerObject),
    refResolver: {
      // Keep shared schema names (`Endpoint`, `Error`…) as component names instead of `def-N`.
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  installValidatorCompiler(app, SHARED_SCHEMAS);

  installErrorHandling(app);
  installJsonBodyParser(app);
  const authenticator = createAuthenticator({ store: deps.store, clock: deps.clock });
  installAuthentication(app, authenticator);
  const eventTypeSchemas = createEventTypeSchemas({ store: deps.store, clock: deps.clock });

  opsRoutes(app, {
    store: deps.store,
    workerRunning: deps.ops?.workerRunning ?? null,
    metrics: deps.ops?.metrics ?? null,
    metricsToken: deps.config.metricsToken,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  apiKeyRoutes(app, deps, authenticator);
  endpointRoutes(app, deps);
  endpointActionRoutes(app, deps);
  eventTypeRoutes(app, deps, eventTypeSchemas);
  publishRoutes(app, deps, eventTypeSchemas);
  messageRoutes(app, deps);
  deliveryRoutes(app, deps);
  recoveryRoutes(app, deps);
  listenerRoutes(app, deps);
  streamRoutes(app, deps);
  // Refused ingest requests, in memory (never stored): the dashboard's source failures and overview.
  const sourceFailures = createSourceFailures({ clock: deps.clock });
  endpointHealthRoutes(app, deps);
  endpointTestEventRoutes(app, deps, eventTypeSchemas);
  sourceFailureRoutes(app, deps, sourceFailures);
  statsRoutes(app, deps, sourceFailures);
  // The dashboard's static files at /ui/ (and / redirects there); a page saying how to build it when absent.
  await app.register(uiRoutes, {});
  if (deps.ingest) {
    const ingest = ingestConfig(deps.ingest.config);
    // One resolver for both, so a source written through the API takes effect on ingest at once.
    const resolver = createSourceResolver(deps.store, { clock: deps.clock, ttlMs: ingest.sourceCacheMs });
    await app.register(sourcesRoutes, {
      store: deps.store,
      clock: deps.clock,
      resolver,
      config: ingest,
      ...(deps.random ? { random: deps.random } : {}),
    });
    // Its own plugin scope: raw-body parsers and the ingest error handler stay there.
    await app.register(ingestRoutes, {
      store: deps.store,
      router: deps.router,
      clock: deps.clock,
      resolver,
      config: ingest,
      maxAttempts: deps.maxAttempts,
      metrics: deps.ops?.metrics ?? null,
      failures: sourceFailures,
      tracing: deps.tracing ?? null,
    });
  }
  return app;
}
