import type { FastifyRequest } from 'fastify';

/**
 * For routes whose body fields are all optional, so `curl -X POST …/disable` works as `{}` does.
 * Fastify validates a body schema even when no body came, and @fastify/swagger marks every body
 * schema as required: `takeNoBodyAsEmpty` fills in `{}` before validation, and the route's schema
 * carries `...optionalBodySchema`, which `markOptionalBodies` turns into `requestBody.required: false`.
 */
const OPTIONAL_BODY = 'x-optional-body';

/** Spread into the route's schema. */
export const optionalBodySchema = { [OPTIONAL_BODY]: true } as const;

export async function takeNoBodyAsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

interface OpenApiLike {
  paths?: Record<string, Record<string, Record<string, unknown> & { requestBody?: { required?: boolean } }>>;
}

/** For @fastify/swagger's `transformObject`: the generated document, changed in place. */
export function markOptionalBodies<T extends object>(document: T): T {
  for (const methods of Object.values((document as OpenApiLike).paths ?? {})) {
    for (const operation of Object.values(methods)) {
      if (operation[OPTIONAL_BODY] !== true) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) operation.requestBody.required = false;
    }
  }
  return document;
}
