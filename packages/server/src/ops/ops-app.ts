import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { clientErrorHandler } from '../api/client-error-handler.ts';
import { handleFrameworkError, installErrorHandling } from '../api/error-handler.ts';
import { SHARED_SCHEMAS } from '../api/schemas/resources.ts';
import { type ServerTimeouts, serverTimeoutOptions } from '../server-timeouts.ts';
import { type OpsOptions, opsRoutes } from './ops-routes.ts';
import type { TlsOptions } from './tls-options.ts';

/** Inputs of {@link buildOpsApp}. */
export interface OpsAppOptions extends OpsOptions, ServerTimeouts {
  logger?: FastifyBaseLogger;
  https?: TlsOptions | null;
}

/**
 * An HTTP app with only `/healthz`, `/readyz` and `/metrics`, for `--role worker` processes, which serve
 * no API but still need probes and a scrape target of their own (their delivery counters exist only in
 * their memory). Same error shape as the API.
 */
export async function buildOpsApp(options: OpsAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    return503OnClosing: true,
    frameworkErrors: handleFrameworkError,
    clientErrorHandler,
    // The same slow-header cut-off as the API: a probe port is as exposed to slowloris as any other.
    ...(options.https
      ? { https: { ...options.https, ...serverTimeoutOptions(options) } }
      : { http: serverTimeoutOptions(options) }),
  }) as unknown as FastifyInstance;
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  installErrorHandling(app);
  opsRoutes(app, options);
  return app;
}
