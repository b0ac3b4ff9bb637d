import type { Readable, Transform } from 'node:stream';
import * as zlib from 'node:zlib';

/** A response body read up to a cap. */
export interface CappedBody {
  /** UTF-8 text of at most `maxBytes` decoded bytes (a split character at the cut is replaced). */
  text: string;
  /** True when the body had more bytes than the cap; the rest was never read. */
  truncated: boolean;
  /** Set when the content coding could not be decoded; `text` holds what was decoded before. */
  decodeError?: string;
}

/**
 * Reads `body`, undoing its `Content-Encoding` (gzip, deflate, br, zstd; stacked codings in reverse),
 * and stops as soon as `maxBytes` decoded bytes are in hand: the cap applies to decompressed bytes
 * while streaming, so a 1 GB body or a gzip bomb costs at most one zlib window and one chunk of
 * memory. The source stream is destroyed when reading stops early, which drops that connection
 * instead of draining it. Stream errors other than decoding errors (an abort, a reset) are rethrown.
 */
export async function readCappedBody(
  body: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<CappedBody> {
  const codings = codingsOf(contentEncoding);
  const decoders: Transform[] = [];
  let decodeError: string | undefined;
  let stream: Readable = body;
  for (const coding of codings) {
    const upstream = stream;
    const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
    const decoder =
      coding === 'deflate' ? await createDeflateDecoder(upstream, flush) : decoderFor(coding, flush);
    if (decoder === null) break;
    decoders.push(decoder);
    upstream.on('error', (error) => decoder.destroy(error));
    decoder.on('error', (error) => {
      if (isZlibError(error))
        decodeError ??= `${contentEncoding} body could not be decoded: ${error.message}`;
    });
    stream = upstream.pipe(decoder);
  }
  const text = new TextDecoder('utf-8', { fatal: false });
  let out = '';
  let received = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = maxBytes - received;
      if (chunk.byteLength > room) {
        out += text.decode(chunk.subarray(0, room), { stream: true });
        received = maxBytes;
        truncated = true;
        break;
      }
      received += chunk.byteLength;
      out += text.decode(chunk, { stream: true });
      if (received === maxBytes) {
        truncated = !(await endsNow(stream));
        break;
      }
    }
  } catch (error) {
    if (decodeError === undefined || !isZlibError(error)) throw error;
  } finally {
    // Stopping early: undici reports a destroyed unread body as an error event; nobody needs it.
    if (!body.readableEnded && !body.destroyed) {
      body.on('error', () => {});
      body.destroy();
    }
    for (const decoder of decoders) decoder.destroy();
  }
  out += text.decode();
  const result: CappedBody = { text: out, truncated };
  if (decodeError !== undefined) result.decodeError = decodeError;
  return result;
}

/** After exactly `maxBytes`, one more read tells a body that fits exactly from one that is longer. */
async function endsNow(stream: Readable): Promise<boolean> {
  if (stream.readableEnded) return true;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (chunk.byteLength > 0) return false;
  }
  return true;
}

/** Codings in the order to undo them; empty when any is unknown (keep the bytes rather than guess). */
function codingsOf(contentEncoding: string | undefined): string[] {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  // Codings are listed in the order they were applied; more than three is not a real server.
  if (codings.length > 3 || codings.some((coding) => !KNOWN_CODINGS.has(coding))) return [];
  return codings.reverse();
}

const KNOWN_CODINGS = new Set([
  'gzip',
  'x-gzip',
  'deflate',
  'br',
  ...('createZstdDecompress' in zlib ? ['zstd'] : []),
]);

// Lenient flushes (Z_SYNC_FLUSH): many servers end gzip streams without a final block; keep what decoded.
function decoderFor(coding: string, flush: zlib.ZlibOptions): Transform | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return 'createZstdDecompress' in zlib ? zlib.createZstdDecompress() : null;
    default:
      return null;
  }
}

/**
 * `deflate` should be zlib-wrapped but raw deflate is common, so look at the first byte: a zlib header
 * has compression method 8 in its low nibble. The byte is put back, so nothing is lost.
 */
async function createDeflateDecoder(upstream: Readable, flush: zlib.ZlibOptions): Promise<Transform> {
  const first = await peekFirstByte(upstream);
  return first !== null && (first & 0x0f) === 8 ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
}

function peekFirstByte(stream: Readable): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onReadable = () => {
      const chunk: Buffer | null = stream.read();
      if (chunk === null) return;
      cleanup();
      stream.unshift(chunk);
      resolve(chunk[0] ?? null);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

function isZlibError(error: unknown): error is Error {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  // Brotli and zstd report their own codes (ERR_BROTLI_…, ERR__ZSTD…), zlib reports Z_….
  return typeof code === 'string' && (code.startsWith('Z_') || /^ERR_(BROTLI|_?ZSTD)/.test(code));
}
