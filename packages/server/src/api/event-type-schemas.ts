import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { EventType, Json } from '../store/types.ts';

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
 * Publish-time JSON Schema checks. One Ajv instance (draft 2020-12 keywords accepted, formats on,
 * `strict: false` because user schemas carry annotations Ajv does not know). Event types are cached for
 * `cacheMs` so publishing costs no query per message; compiled validators are cached per
 * (name, updatedAt), so an edit made by another process is picked up within `cacheMs`.
 *
 * The instance is shared (a fresh one costs ~25 ms of meta-schema compilation), so no user schema may
 * leave its `$id`s registered in it: Ajv would refuse the next compile of that schema (the same type
 * re-checked, edited, or deleted and recreated) as "already exists", and one type's `$id` could resolve
 * another type's `$ref`.
 */
export function createEventTypeSchemas(options: { store: Store; clock: () => number; cacheMs?: number }) {
  const cacheMs = options.cacheMs ?? 1000;
  // addUsedSchema: false keeps a root `$id` out of the instance; nested `$id`s are registered anyway,
  // so compile() removes those it added.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: true, addUsedSchema: false });
  addFormats(ajv);
  const types = new Map<string, { eventType: EventType | null; until: number }>();
  const validators = new Map<string, { updatedAt: number; validate: ValidateFunction }>();

  function compile(schema: Json): ValidateFunction {
    const known = new Set(Object.keys(ajv.refs));
    try {
      return ajv.compile(schema as object);
    } catch (error) {
      throw new ApiError('invalid_schema', undefined, { details: { reason: (error as Error).message } });
    } finally {
      for (const ref of Object.keys(ajv.refs)) if (!known.has(ref)) delete ajv.refs[ref];
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
