import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { readTenant, requireScope, visibleOr404, writeTenant } from '../auth/access.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import { ApiError } from '../errors.ts';
import { type IngestConfig, ingestConfig } from '../ingest/ingest-config.ts';
import { presentSource } from '../ingest/present-source.ts';
import {
  assertHandshakeFits,
  newSourceFrom,
  parseGivenSecrets,
  parseRotation,
  parseSourceFields,
} from '../ingest/source-input.ts';
import type { SourceResolver } from '../ingest/source-resolver.ts';
import { sourceRouteSchemas } from '../ingest/source-schemas.ts';
import { initialSecrets, rotateSecrets } from '../ingest/source-secrets.ts';
import { generateSourceToken } from '../ingest/source-token.ts';
import { DEFAULT_SECRET_GRACE_MS, MAX_SECRET_GRACE_MS } from '../secrets/secret-rotation-rules.ts';
import type { SourcePatch, Store } from '../store/store.ts';
import { isStoreError } from '../store/store-error.ts';
import type { ApiKey, ApiKeyScope, Source } from '../store/types.ts';

/** Options of {@link sourcesRoutes}. */
export interface SourcesRoutesOptions {
  store: Store;
  /**
   * Used only when the app has no authentication hook (`installAuthentication` sets `request.apiKey`
   * for routes that declare a `scope`, as these do).
   */
  authenticator?: Pick<Authenticator, 'authenticate'>;
  clock: () => number;
  config?: Partial<IngestConfig>;
  /** The ingest routes' resolver, so a rotated token or a disabled source takes effect at once. */
  resolver?: Pick<SourceResolver, 'invalidate'>;
  random?: (size: number) => Uint8Array;
}

type IdParams = { Params: { id: string } };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pageQuery(query: unknown): { limit?: number; cursor?: string; tenant?: string } {
  const q = isRecord(query) ? query : {};
  const out: { limit?: number; cursor?: string; tenant?: string } = {};
  if (q.limit !== undefined) {
    const limit = Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new ApiError('validation_failed', 'limit: must be an integer from 1 to 1000');
    }
    out.limit = limit;
  }
  if (typeof q.cursor === 'string' && q.cursor !== '') out.cursor = q.cursor;
  if (typeof q.tenant === 'string' && q.tenant !== '') out.tenant = q.tenant;
  return out;
}

/**
 * `/v1/sources`: create, list, get, update and delete inbound sources; rotate a source's token
 * (`POST /v1/sources/:id/token/rotate`, the old URL stops at once) and its secrets
 * (`POST /v1/sources/:id/secrets/rotate`, old secrets verify for a grace period). Secrets appear in
 * the responses of create and rotate only. Reads need the `read` scope, writes `admin`.
 */
export const sourcesRoutes: FastifyPluginAsync<SourcesRoutesOptions> = async (app, options) => {
  const { store, clock } = options;
  const config = ingestConfig(options.config);
  const invalidate = () => options.resolver?.invalidate();

  async function authorize(request: FastifyRequest, scope: ApiKeyScope): Promise<ApiKey> {
    if (request.apiKey) return request.apiKey;
    if (options.authenticator === undefined) throw new ApiError('internal_error', 'No authenticator.');
    const key = await options.authenticator.authenticate(request.headers.authorization);
    requireScope(key, scope);
    return key;
  }
  const read = (schema: object) => ({ config: { scope: 'read' as const }, schema });
  const admin = (schema: object) => ({ config: { scope: 'admin' as const }, schema });

  /**
   * A unique-constraint failure as a message that names the clash, found by looking the name and alias
   * up: the store's own message is engine SQL ("UNIQUE constraint failed: sources.name").
   */
  async function clash<T>(write: Promise<T>, fields: SourcePatch, self: string | null): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (!isStoreError(error, 'conflict')) throw error;
      const named = fields.name === undefined ? null : await store.getSourceByName(fields.name);
      if (named !== null && named.id !== self) {
        throw new ApiError('conflict', `A source named ${JSON.stringify(fields.name)} already exists.`);
      }
      const aliased = fields.alias == null ? null : await store.getSourceByAlias(fields.alias);
      if (aliased !== null && aliased.id !== self) {
        throw new ApiError('conflict', `Another source already answers on the alias ${fields.alias}.`);
      }
      throw new ApiError('conflict', 'A source with this name, alias or token already exists.');
    }
  }

  async function load(key: ApiKey, id: string): Promise<Source> {
    return visibleOr404(key, await store.getSource(id), 'source');
  }

  app.post('/v1/sources', admin(sourceRouteSchemas.create), async (request, reply) => {
    const key = await authorize(request, 'admin');
    const fields = parseSourceFields(request.body, config);
    fields.tenant = writeTenant(key, fields.tenant);
    const now = clock();
    const scheme = fields.verification?.scheme ?? '';
    const secrets =
      fields.verification === undefined
        ? []
        : initialSecrets(scheme, parseGivenSecrets(request.body), now, options.random);
    const input = newSourceFrom(fields, { token: generateSourceToken(options.random), secrets, config });
    assertHandshakeFits(input);
    const source = await clash(store.createSource(input), fields, null);
    invalidate();
    return reply.code(201).send({ ...presentSource(source, now), secrets: secrets.map((s) => s.secret) });
  });

  app.get('/v1/sources', read(sourceRouteSchemas.list), async (request) => {
    const key = await authorize(request, 'read');
    const query = pageQuery(request.query);
    const tenant = readTenant(key, query.tenant);
    const page = await store.listSources({
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(tenant === undefined ? {} : { tenant }),
    });
    const now = clock();
    return { data: page.data.map((source) => presentSource(source, now)), nextCursor: page.nextCursor };
  });

  app.get<IdParams>('/v1/sources/:id', read(sourceRouteSchemas.get), async (request) => {
    const key = await authorize(request, 'read');
    return presentSource(await load(key, request.params.id), clock());
  });

  app.patch<IdParams>('/v1/sources/:id', admin(sourceRouteSchemas.update), async (request) => {
    const key = await authorize(request, 'admin');
    const source = await load(key, request.params.id);
    const fields = parseSourceFields(request.body, config);
    if (fields.tenant !== undefined) fields.tenant = writeTenant(key, fields.tenant);
    assertHandshakeFits({ ...source, ...fields });
    const now = clock();
    const given = parseGivenSecrets(request.body);
    const scheme = fields.verification?.scheme ?? source.verification.scheme;
    // New secrets replace the old ones outright (use rotate for a grace period); a scheme change
    // without them must still leave the source able to verify.
    let shown: string[] = [];
    if (given.length > 0 || (fields.verification !== undefined && scheme !== source.verification.scheme)) {
      const secrets = initialSecrets(scheme, given, now, options.random);
      fields.secrets = secrets;
      shown = secrets.map((s) => s.secret);
    }
    const updated = await clash(store.updateSource(source.id, fields), fields, source.id);
    invalidate();
    return shown.length > 0
      ? { ...presentSource(updated, now), secrets: shown }
      : presentSource(updated, now);
  });

  app.delete<IdParams>('/v1/sources/:id', admin(sourceRouteSchemas.remove), async (request, reply) => {
    const key = await authorize(request, 'admin');
    const source = await load(key, request.params.id);
    await store.deleteSource(source.id);
    invalidate();
    return reply.code(204).send();
  });

  app.post<IdParams>(
    '/v1/sources/:id/token/rotate',
    admin(sourceRouteSchemas.rotateToken),
    async (request) => {
      const key = await authorize(request, 'admin');
      const source = await load(key, request.params.id);
      const updated = await store.updateSource(source.id, { token: generateSourceToken(options.random) });
      invalidate();
      return presentSource(updated, clock());
    },
  );

  app.post<IdParams>(
    '/v1/sources/:id/secrets/rotate',
    admin(sourceRouteSchemas.rotateSecret),
    async (request) => {
      const key = await authorize(request, 'admin');
      const source = await load(key, request.params.id);
      const { secret, graceSeconds } = parseRotation(request.body, {
        defaultGraceSeconds: DEFAULT_SECRET_GRACE_MS / 1000,
        maxGraceSeconds: MAX_SECRET_GRACE_MS / 1000,
      });
      const now = clock();
      const rotated = rotateSecrets(source, {
        ...(secret === undefined ? {} : { secret }),
        graceMs: graceSeconds * 1000,
        now,
        ...(options.random === undefined ? {} : { random: options.random }),
      });
      const updated = await store.updateSource(source.id, { secrets: rotated.secrets });
      invalidate();
      return { ...presentSource(updated, now), secret: rotated.secret };
    },
  );
};
