import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, type ErrorCode } from '../errors.ts';

/** The catalog code of an HTTP-level failure Node reports before any route runs. */
function codeOf(error: NodeJS.ErrnoException): ErrorCode {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'request_timeout';
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 'payload_too_large';
    default:
      // Bad or duplicate Content-Length, Content-Length with Transfer-Encoding, a broken request line…
      return 'bad_request';
  }
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  request_timeout: 'The request headers did not arrive in time.',
  headers_too_large: 'The request headers are larger than allowed.',
  payload_too_large: 'The chunk extensions are larger than allowed.',
};

/**
 * For Fastify's `clientErrorHandler` (Node's `clientError` event): requests Node's parser refuses or
 * times out never reach a route, so without this they get Fastify's `{"statusCode":400,…}` shape.
 * Writes the catalog's coded body with the matching status and closes the socket: after a parse error
 * the connection's framing cannot be trusted.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset or already destroyed socket has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = codeOf(error);
  const apiError = new ApiError(code, MESSAGES[code]);
  const body = JSON.stringify(apiError.toBody());
  // Node's own rule: never write into a response already under way on this socket (pipelining).
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && pending?.headersSent !== true) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
