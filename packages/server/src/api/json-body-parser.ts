import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { contentCodingsOf, decodeContentCodings } from '../ingest/content-coding.ts';
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
  type Done = (error: Error | null, body?: unknown) => void;
  const parse = (request: FastifyRequest, bytes: Buffer, done: Done) => {
    if (exceedsJsonDepth(bytes)) {
      done(
        new ApiError('invalid_json', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`),
        undefined,
      );
      return;
    }
    request.rawBody = bytes;
    parseJson(request, bytes as unknown as string, done);
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined) {
      parse(request, body as Buffer, done);
      return;
    }
    decodeBody(request, body as Buffer, encoding).then(
      (decoded) => parse(request, decoded, done),
      (error: Error) => done(error, undefined),
    );
  });
}

/**
 * A compressed request body (a big batch gzips well) with its `Content-Encoding` undone, as ingest does
 * (ingest/content-coding.ts): the route's body limit counts the wire bytes and, while inflating, the
 * decoded ones too, so a gzip bomb stops at the limit. The payload stored is the decoded JSON.
 */
async function decodeBody(request: FastifyRequest, body: Buffer, encoding: string): Promise<Buffer> {
  const codings = contentCodingsOf(encoding);
  if (codings === null) {
    throw new ApiError(
      'unsupported_content_encoding',
      `Content-Encoding ${JSON.stringify(encoding)} is not one Hookline decodes: use gzip, deflate or br.`,
    );
  }
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  const decoded = await decodeContentCodings(body, codings, limit);
  if (decoded.ok) return Buffer.from(decoded.body.buffer, decoded.body.byteOffset, decoded.body.byteLength);
  if (decoded.reason === 'too_large') {
    throw new ApiError('payload_too_large', `The body is larger than ${limit} bytes once decoded.`);
  }
  throw new ApiError(
    'unsupported_content_encoding',
    `The body does not decode as its Content-Encoding (${encoding}) says.`,
  );
}
