import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_MAX_BODY_BYTES, type ReceiveOutcome, type Receiver } from '../receiver.ts';
import { tooLarge } from './request-handler.ts';

/** Options of {@link toNodeMiddleware}. */
export interface NodeMiddlewareOptions {
  /**
   * The public URL of a request, for schemes that sign it (Twilio). Default: `http(s)://{Host}{url}`,
   * which is wrong behind a proxy that rewrites the host or terminates TLS; pass your public URL then.
   */
  readonly publicUrl?: (request: IncomingMessage) => string;
}

type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

function isRaw(body: unknown): boolean {
  return typeof body === 'string' || body instanceof Uint8Array;
}

function readBody(request: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > max) {
        // Stop buffering but let the rest drain, so the 413 reaches the client instead of a reset.
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function defaultUrl(request: NodeRequest): string {
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
  return `${encrypted ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}${request.originalUrl ?? request.url ?? '/'}`;
}

function write(response: ServerResponse, outcome: ReceiveOutcome): void {
  response.statusCode = outcome.status;
  for (const [name, value] of Object.entries(outcome.headers)) response.setHeader(name, value);
  response.end(outcome.body === '' ? undefined : outcome.body);
}

/**
 * A `node:http` / Express / Connect handler for a receiver. Reads the raw body itself; when a body parser
 * already ran, uses `req.body` if it is a Buffer or string (`express.raw()`), and answers 500
 * `body_not_raw` if it is a parsed object (`express.json()` ran first).
 * @example
 * app.post('/webhooks', toNodeMiddleware(hooks)); // Express: mount before express.json(), or on its own route
 * http.createServer(toNodeMiddleware(hooks)).listen(3000);
 */
export function toNodeMiddleware<Events extends Record<string, unknown>>(
  receiver: Receiver<Events>,
  options: NodeMiddlewareOptions = {},
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const max = receiver.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (incoming, response) => {
    const request = incoming as NodeRequest;
    let body: unknown = request.body;
    // A stream nobody has read yet is read here; one a parser consumed leaves only `req.body`.
    if (!isRaw(body) && !request.readableEnded) {
      try {
        body = await readBody(request, max);
      } catch {
        // The client went away mid-body; there is nobody left to answer.
        response.destroy();
        return;
      }
      if (body === undefined) return write(response, tooLarge(max));
    } else if (isRaw(body) && (body as Uint8Array | string).length > max) {
      return write(response, tooLarge(max));
    }
    const url = (options.publicUrl ?? defaultUrl)(request);
    const outcome = await receiver.receive({
      headers: request.headers,
      body,
      url,
      method: request.method ?? 'POST',
    });
    write(response, outcome);
  };
}
