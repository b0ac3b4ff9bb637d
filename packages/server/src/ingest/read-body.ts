import type { Readable } from 'node:stream';
import { IngestError } from './ingest-errors.ts';

/**
 * Reads a request body as bytes, counting while it streams: 413 as soon as more than `limit` bytes
 * arrived (or at once when `Content-Length` already says so), whatever `Content-Length` claims;
 * 408 when the whole body has not arrived within `timeoutMs`. On failure the stream is left paused and
 * the error asks for the connection to be closed, so a sender still pushing bytes costs nothing more.
 */
export function readBody(
  stream: Readable,
  options: { limit: number; timeoutMs: number; contentLength: string | undefined },
): Promise<Buffer> {
  const declared = options.contentLength === undefined ? Number.NaN : Number(options.contentLength);
  if (declared > options.limit) {
    return Promise.reject(new IngestError('payload_too_large', { closeConnection: true }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: IngestError | Error | null) => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      if (error === null) {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
      } else {
        stream.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > options.limit) {
        finish(new IngestError('payload_too_large', { closeConnection: true }));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new IngestError('request_timeout', { closeConnection: true }));
    const timer = setTimeout(
      () => finish(new IngestError('request_timeout', { closeConnection: true })),
      options.timeoutMs,
    );
    timer.unref();
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}
