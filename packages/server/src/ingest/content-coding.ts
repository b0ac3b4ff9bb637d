import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

type Decode = (body: Uint8Array, options: { maxOutputLength: number }) => Promise<Buffer>;

const gunzip: Decode = promisify(zlib.gunzip);
const brotli: Decode = promisify(zlib.brotliDecompress);
const inflate: Decode = promisify(zlib.inflate);
const inflateRaw: Decode = promisify(zlib.inflateRaw);

/**
 * `deflate` means zlib-wrapped (RFC 9110), but raw deflate is common in the wild: a zlib header has
 * compression method 8 in its first byte's low nibble and makes the first two bytes a multiple of 31.
 */
const inflateEither: Decode = (body, options) => {
  const zlibWrapped =
    body.length >= 2 && ((body[0] ?? 0) & 0x0f) === 8 && (((body[0] ?? 0) << 8) | (body[1] ?? 0)) % 31 === 0;
  return (zlibWrapped ? inflate : inflateRaw)(body, options);
};

/**
 * The codings Hookline decodes (ingest, compressed publishes, the message view). Not zstd: its decoder
 * may reserve a window of up to 128 MiB whatever the body's size, which the source's limit would not
 * bound.
 */
const DECODERS: Readonly<Record<string, Decode>> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflateEither,
  br: brotli,
};

/** For `Accept-Encoding` on a 415 (RFC 9110 §12.5.3): what a sender may use instead. */
export const ACCEPTED_CODINGS = 'gzip, deflate, br';

// Codings are listed in the order they were applied; more than three is no real sender, only extra work.
const MAX_CODINGS = 3;

/**
 * The codings of a `Content-Encoding` header in the order to undo them (`identity` dropped; empty when
 * there is none), or null when one is not decodable here or there are too many.
 */
export function contentCodingsOf(header: string | undefined): string[] | null {
  if (header === undefined) return [];
  const codings = header
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length > MAX_CODINGS || codings.some((coding) => !Object.hasOwn(DECODERS, coding))) {
    return null;
  }
  return codings.reverse();
}

export type DecodedBody = { ok: true; body: Uint8Array } | { ok: false; reason: 'too_large' | 'corrupt' };

/**
 * Undoes `codings` (from {@link contentCodingsOf}), each step capped at `maxBytes` of output: zlib stops
 * inflating as soon as the cap is passed, so a gzip bomb costs at most the cap in memory, never its
 * decoded size. `too_large` when a step passes the cap, `corrupt` when the bytes do not decode as their
 * coding says (truncated, or another format). An empty body stays empty.
 */
export async function decodeContentCodings(
  body: Uint8Array,
  codings: readonly string[],
  maxBytes: number,
): Promise<DecodedBody> {
  let current = body;
  for (const coding of codings) {
    if (current.length === 0) break;
    const decode = DECODERS[coding];
    if (decode === undefined) return { ok: false, reason: 'corrupt' };
    try {
      current = await decode(current, { maxOutputLength: maxBytes });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { ok: false, reason: code === 'ERR_BUFFER_TOO_LARGE' ? 'too_large' : 'corrupt' };
    }
  }
  return { ok: true, body: current };
}
