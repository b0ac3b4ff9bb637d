import { request } from 'undici';
import { classifyError } from '../delivery/http-client.ts';
import { readCappedBody } from '../delivery/read-capped-body.ts';
import type { StreamedMessage } from './stream-client.ts';

/** Headers never copied to the local request: they describe the original hop, not the event. */
const HOP_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'expect',
]);

/** What the server stores of a local response (DESIGN: responses stored up to 64 KiB). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Error kinds the attempts API takes for a forward that got no answer. */
export type TransportErrorKind = 'timeout' | 'connect' | 'dns' | 'reset' | 'tls' | 'internal';

/** One forward to the local app, as printed and as reported to the server. */
export type ForwardOutcome = {
  durationMs: number;
  requestHeaders: Record<string, string>;
} & (
  | { status: number; responseHeaders: Record<string, string>; responseBody: string }
  | { error: string; errorKind: TransportErrorKind }
);

/** POSTs the event to `target` with its original body and headers; never throws. */
export async function forwardEvent(target: string, message: StreamedMessage): Promise<ForwardOutcome> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (!HOP_HEADERS.has(name)) headers[name] = value;
  }
  headers['content-type'] ??= message.contentType;
  headers['x-hookline-message-id'] = message.id;
  const body = message.bodyBase64 === null ? Buffer.alloc(0) : Buffer.from(message.bodyBase64, 'base64');
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await request(target, {
      method: 'POST',
      headers,
      body,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const capped = await readCappedBody(
      response.body,
      responseHeaders['content-encoding'],
      MAX_RESPONSE_BYTES,
    );
    return {
      status: response.statusCode,
      durationMs: elapsed(),
      requestHeaders: headers,
      responseHeaders,
      responseBody: capped.text,
    };
  } catch (error) {
    const [kind, detail] = classifyError(error);
    const code = (error as { code?: string }).code;
    return {
      error: code ?? detail,
      errorKind: kind === 'ssrf_blocked' || kind === 'redirect' ? 'internal' : kind,
      durationMs: elapsed(),
      requestHeaders: headers,
    };
  }
}
