import { utf8 } from './encoding.ts';
import { failure, type VerifyFailure } from './errors.ts';

/** A request body as received: the exact bytes, or the exact text they decode to. */
export type RawBody = Uint8Array | ArrayBuffer | string;

/** What to tell a user whose framework parsed the body before verification could see the bytes. */
export const RAW_BODY_HELP =
  'the request body must be the raw bytes as received, not a parsed object: re-serialising JSON changes ' +
  'the bytes and no signature can match. Express: `express.raw({ type: "*/*" })` on the webhook route ' +
  '(before `express.json()`); Fastify: a content-type parser with `parseAs: "buffer"` (or the ' +
  '`webhooksFastify` plugin); Next.js route handler: `await req.text()` or `await req.arrayBuffer()`; ' +
  'AWS Lambda: `event.body`, base64-decoded when `event.isBase64Encoded` is true';

/** The body as bytes, or a `body_not_raw` failure for anything that is not raw (a parsed object, null). */
export function rawBytes(body: unknown): Uint8Array<ArrayBuffer> | VerifyFailure {
  if (typeof body === 'string') return utf8(body);
  // isView and the tag test, not instanceof: bytes from another realm (a vm context, a test runner's
  // sandbox, a polyfilled Buffer) are still bytes.
  if (ArrayBuffer.isView(body)) {
    const view = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return view.buffer instanceof ArrayBuffer ? (view as Uint8Array<ArrayBuffer>) : new Uint8Array(view);
  }
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]')
    return new Uint8Array(body as ArrayBuffer);
  const kind = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a value of type ${typeof body}`;
  return failure('body_not_raw', `got ${kind} as the body; ${RAW_BODY_HELP}`);
}
