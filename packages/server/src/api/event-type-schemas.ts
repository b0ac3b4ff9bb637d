import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { EventType, Json } from '../store/types.ts';

const requireJson = createRequire(import.meta.url) as (id: string) => object;

// ajv-formats is CommonJS: its module object is the plugin and also carries it as `.default`, which is
// the spelling TypeScript types under nodenext.
const addFormats = addFormatsModule.default;

export interface EventTypeSchemas {
  /** Throws `invalid_schema` when `schema` does not compile (called before saving an event type). */
  assertCompiles(schema: Json): void;
  /** Throws `schema_violation` when the payload breaks its event type's enforced schema. */
  check(eventType: string, payload: unknown): Promise<void>;
  /** Forgets a cached event type after this process changed it. */
  invalidate(name: string): void;
}

/**
 * Each dialect's `$schema` URI as its meta-schema is registered in Ajv; a schema may spell it with http
 * or https, with or without the empty fragment, and is compiled with this spelling.
 */
const DIALECTS = {
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
  '2019-09': 'https://json-schema.org/draft/2019-09/schema',
  'draft-07': 'http://json-schema.org/draft-07/schema#',
  'draft-06': 'http://json-schema.org/draft-06/schema#',
} as const;
const bareUri = (uri: string) => uri.replace(/^https?:\/\//, '').replace(/#$/, '');
type Dialect = keyof typeof DIALECTS;

/**
 * The dialect a schema declares with `$schema`, or null when it declares none. Ajv cannot mix 2020-12,
 * 2019-09 and draft-07 in one instance (`items`, `$recursiveRef`), so each has its own; draft-06 is
 * draft-07 without `if`/`then`/`else` and shares its instance. Not draft-04: Ajv 8 needs another package
 * for its `id` and boolean `exclusiveMaximum`.
 */
function declaredDialect(schema: Json): Dialect | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || !('$schema' in schema)) {
    return null;
  }
  const uri = schema.$schema;
  const bare = typeof uri === 'string' ? bareUri(uri) : null;
  for (const [dialect, known] of Object.entries(DIALECTS)) {
    if (bare === bareUri(known)) return dialect as Dialect;
  }
  throw new ApiError(
    'invalid_schema',
    'Unsupported $schema: use JSON Schema draft 2020-12 (the default), 2019-09, draft-07 or draft-06.',
    { details: { reason: `unsupported $schema ${JSON.stringify(uri)}` } },
  );
}

/**
 * Publish-time JSON Schema checks. Schemas are draft 2020-12 (the dialect of OpenAPI 3.1), or draft-07
 * when their `$schema` says so; a schema without `$schema` that only draft-07 accepts (array-form
 * `items`) is read as draft-07, as every schema was before 2020-12 came in, so stored types keep working.
 * Formats on; `strict: false` because user schemas carry annotations Ajv does not know. Event types are
 * cached for `cacheMs` so publishing costs no query per message; compiled validators are cached per
 * (name, updatedAt), so an edit made by another process is picked up within `cacheMs`.
 *
 * The instances are shared (a fresh one costs ~25 ms of meta-schema compilation, so each is made when
 * first needed and kept), so no user schema may leave its `$id`s registered in one: Ajv would
 * refuse the next compile of that schema (the same type re-checked, edited, or deleted and recreated)
 * as "already exists", and one type's `$id` could resolve another type's `$ref`.
 */
export function createEventTypeSchemas(options: { store: Store; clock: () => number; cacheMs?: number }) {
  const cacheMs = options.cacheMs ?? 1000;
  // addUsedSchema: false keeps a root `$id` out of the instance; nested `$id`s are registered anyway,
  // so compileWith() removes those it added.
  const settings = { strict: false, allErrors: true, validateSchema: true, addUsedSchema: false } as const;
  const instances = new Map<Dialect, Ajv | Ajv2019 | Ajv2020>();
  const ajvFor = (wanted: Dialect): Ajv | Ajv2019 | Ajv2020 => {
    const dialect = wanted === 'draft-06' ? 'draft-07' : wanted;
    let ajv = instances.get(dialect);
    if (!ajv) {
      if (dialect === '2020-12') ajv = new Ajv2020(settings);
      else if (dialect === '2019-09') ajv = new Ajv2019(settings);
      else {
        ajv = new Ajv(settings);
        ajv.addMetaSchema(requireJson('ajv/dist/refs/json-schema-draft-06.json'));
      }
      addFormats(ajv);
      instances.set(dialect, ajv);
    }
    return ajv;
  };
  const types = new Map<string, { eventType: EventType | null; until: number }>();
  const validators = new Map<string, { updatedAt: number; validate: ValidateFunction }>();

  function compileWith(dialect: Dialect, schema: Json): ValidateFunction {
    const ajv = ajvFor(dialect);
    const known = new Set(Object.keys(ajv.refs));
    try {
      return ajv.compile(schema as object);
    } catch (error) {
      throw new ApiError('invalid_schema', undefined, { details: { reason: (error as Error).message } });
    } finally {
      for (const ref of Object.keys(ajv.refs)) if (!known.has(ref)) delete ajv.refs[ref];
    }
  }

  function compile(schema: Json): ValidateFunction {
    const declared = declaredDialect(schema);
    if (declared !== null)
      return compileWith(declared, { ...(schema as object), $schema: DIALECTS[declared] });
    try {
      return compileWith('2020-12', schema);
    } catch (error) {
      try {
        return compileWith('draft-07', schema);
      } catch {
        throw error;
      }
    }
  }

  async function lookup(name: string): Promise<EventType | null> {
    const now = options.clock();
    const hit = types.get(name);
    if (hit && hit.until > now) return hit.eventType;
    const eventType = await options.store.getEventType(name);
    if (types.size >= 10_000) types.clear();
    types.set(name, { eventType, until: now + cacheMs });
    return eventType;
  }

  const schemas: EventTypeSchemas = {
    assertCompiles(schema) {
      if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean')) {
        throw new ApiError('invalid_schema', 'A JSON Schema is an object or a boolean.');
      }
      compile(schema);
    },
    async check(name, payload) {
      const eventType = await lookup(name);
      if (!eventType?.enforceSchema || eventType.schema === null) return;
      let cached = validators.get(name);
      if (!cached || cached.updatedAt !== eventType.updatedAt) {
        cached = { updatedAt: eventType.updatedAt, validate: compile(eventType.schema) };
        validators.set(name, cached);
      }
      if (!cached.validate(payload)) {
        throw new ApiError('schema_violation', `The payload does not match the schema of "${name}".`, {
          details: (cached.validate.errors ?? []).slice(0, 50).map(describeError),
        });
      }
    },
    invalidate(name) {
      types.delete(name);
      validators.delete(name);
    },
  };
  return schemas;
}

function describeError(error: ErrorObject) {
  return {
    instancePath: error.instancePath,
    keyword: error.keyword,
    message: error.message ?? '',
    params: error.params,
  };
}
