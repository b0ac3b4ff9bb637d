import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode, fromStoreError } from '../errors.ts';
import { ACCEPTED_CODINGS } from '../ingest/content-coding.ts';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_VALIDATION: 'validation_failed',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/**
 * Turns every failure into the catalog's `{"error":{"code","message","details?"}}`: our ApiErrors,
 * store errors, and Fastify's own (bad JSON, schema validation, body limit, media type, unknown
 * route), so bad input never surfaces as a 500 or in Fastify's default shape.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      request.log.error({ err: error, code: apiError.code }, 'request failed');
    }
    return sendApiError(reply, apiError);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendApiError(
      reply,
      new ApiError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );
}

/**
 * For Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL such as
 * `/v1/messages/%ZZ`) skip the error handler, so they get the catalog shape here.
 */
export function handleFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 400;
  void sendApiError(reply, new ApiError(BY_STATUS[status] ?? 'validation_failed', error.message));
}

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // RFC 9110 §15.5.16: a 415 for a coding says which codings would do.
  if (error.code === 'unsupported_content_encoding') reply.header('accept-encoding', ACCEPTED_CODINGS);
  return reply.code(error.status).type('application/json').send(error.toBody());
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  const fromStore = fromStoreError(error);
  if (fromStore) return fromStore;
  if (error.validation) {
    const details = error.validation.map((issue) => ({
      path: `/${error.validationContext ?? 'body'}${issue.instancePath}`,
      message: issue.message ?? 'is invalid',
      ...(issue.keyword === 'additionalProperties' ? { property: issue.params.additionalProperty } : {}),
    }));
    const first = details[0];
    const message = first ? `${first.path} ${first.message}` : undefined;
    return new ApiError('validation_failed', message, { details });
  }
  const mapped = FASTIFY_CODES[error.code];
  if (mapped) return new ApiError(mapped);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return new ApiError(BY_STATUS[status] ?? 'validation_failed', error.message);
  return new ApiError('internal_error');
}
