import { DEFAULT_MAX_BODY_BYTES, type Receiver } from '../receiver.ts';

// Fastify is typed structurally so this package does not depend on it: only what the plugin calls.

/** The parts of a Fastify request the plugin reads. */
export interface FastifyRequestLike {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly url: string;
  readonly method: string;
  readonly protocol: string;
  readonly host: string;
}

/** The parts of a Fastify reply the plugin calls. */
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload?: string): unknown;
}

/** The parts of a Fastify instance the plugin calls. */
export interface FastifyInstanceLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: never, body: Uint8Array, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
  post(
    path: string,
    handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>,
  ): unknown;
}

/** Options of {@link webhooksFastify}. */
export interface FastifyPluginOptions {
  /** Route of the webhook endpoint inside the plugin's prefix. Default `/`. */
  readonly path?: string;
  /** The public URL of a request (Twilio signs it). Default `{protocol}://{host}{url}`. */
  readonly publicUrl?: (request: FastifyRequestLike) => string;
}

/**
 * A Fastify plugin that serves a receiver on `POST {prefix}{path}`. It registers a buffer content-type
 * parser for every content type in its own encapsulated scope (it is not wrapped in fastify-plugin), so
 * the rest of the application keeps its JSON parser.
 * @example
 * await app.register(webhooksFastify(hooks), { prefix: '/webhooks/stripe' });
 */
export function webhooksFastify<Events extends Record<string, unknown>>(
  receiver: Receiver<Events>,
  options: FastifyPluginOptions = {},
): (instance: FastifyInstanceLike) => Promise<void> {
  const bodyLimit = receiver.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) =>
      done(null, body),
    );
    instance.post(options.path ?? '/', async (request, reply) => {
      const url = options.publicUrl?.(request) ?? `${request.protocol}://${request.host}${request.url}`;
      // No content-type parser runs for an empty body: that is zero bytes, not a parsed object.
      const body = request.body ?? new Uint8Array(0);
      const outcome = await receiver.receive({ headers: request.headers, body, url, method: request.method });
      return reply
        .code(outcome.status)
        .headers({ ...outcome.headers })
        .send(outcome.body === '' ? undefined : outcome.body);
    });
  };
}
