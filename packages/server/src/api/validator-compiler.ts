import { Ajv, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

const addFormats = addFormatsModule.default;

/**
 * Request validation with two Ajv instances: JSON bodies are checked strictly (no type coercion, so
 * `"channels": "eu"` is an error rather than `["eu"]`), while query strings, params and headers, which
 * are text by nature, are coerced (`?limit=10` → 10). Unknown fields are rejected, not stripped.
 */
export function installValidatorCompiler(app: FastifyInstance, sharedSchemas: readonly AnySchema[]): void {
  const base = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false } as const;
  const bodies = new Ajv({ ...base, coerceTypes: false });
  const text = new Ajv({ ...base, coerceTypes: 'array' });
  for (const ajv of [bodies, text]) {
    addFormats(ajv);
    for (const schema of sharedSchemas) ajv.addSchema(schema);
  }
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : text).compile(schema));
}
