import { failure } from '../errors.ts';
import { DEFAULT_MAX_BODY_BYTES, type ReceiveOutcome, type Receiver, STATUS_BY_CODE } from '../receiver.ts';

/** Reads a body stream up to `max` bytes; `undefined` when it is longer (read no further than that). */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The `Response` for an outcome. */
export function toResponse(outcome: ReceiveOutcome): Response {
  return new Response(outcome.status === 204 ? null : outcome.body, {
    status: outcome.status,
    headers: outcome.headers,
  });
}

/** The 413 answer when a body is over the cap. */
export function tooLarge(max: number): ReceiveOutcome {
  const error = failure('body_too_large', `the body is larger than the ${max} bytes this receiver accepts`);
  return {
    status: STATUS_BY_CODE.body_too_large,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code: error.code, message: error.message } }),
    error: { code: error.code, message: error.message, status: STATUS_BY_CODE.body_too_large },
  };
}

/**
 * A web-standard `(Request) => Promise<Response>` handler for a receiver: Next.js route handlers, Hono,
 * Cloudflare Workers, Bun.serve, Deno.serve. Reads the raw body itself (capped at `maxBodyBytes`).
 * @example
 * // app/api/webhooks/route.ts (Next.js)
 * export const POST = toRequestHandler(hooks);
 * // Hono
 * app.post('/webhooks', (c) => handler(c.req.raw));
 */
export function toRequestHandler<Events extends Record<string, unknown>>(
  receiver: Receiver<Events>,
): (request: Request) => Promise<Response> {
  const max = receiver.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request) => {
    const declared = Number(request.headers.get('content-length') ?? '0');
    const body = declared > max ? undefined : await readCapped(request.body, max);
    if (body === undefined) return toResponse(tooLarge(max));
    const outcome = await receiver.receive({
      headers: request.headers,
      body,
      url: request.url,
      method: request.method,
    });
    return toResponse(outcome);
  };
}
