import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a JSON body, kept so publish stores payloads as sent. */
    rawBody?: Buffer;
  }
}

/**
 * Replaces Fastify's JSON parser with one that keeps the raw buffer next to the parsed value, reusing
 * Fastify's own parser (secure-json-parse, which refuses `__proto__` and `constructor.prototype`
 * keys) so parsing rules and errors stay Fastify's.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // The API speaks JSON only: anything else is 415, not parsed as text and then refused as invalid.
  // Ingest routes read raw bodies with their own parsers inside their own plugin scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (exceedsJsonDepth(bytes)) {
      done(
        new ApiError('invalid_json', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`),
        undefined,
      );
      return;
    }
    request.rawBody = bytes;
    parseJson(request, bytes as unknown as string, done);
  });
}
