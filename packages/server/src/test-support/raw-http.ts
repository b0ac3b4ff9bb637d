// Raw HTTP/1.1 over node:net for tests of what a well-behaved client (fetch, undici) never sends:
// malformed framing, oversized or slow headers. Not imported by production code.
import { connect } from 'node:net';

/** Writes raw bytes and resolves with everything the server sent until it closed the connection. */
export function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(request);
  });
}

/** Status and parsed JSON body of a raw HTTP/1.1 response. */
export function parseRaw(raw: string): { status: number; headers: string; body: unknown } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, end);
  return {
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: JSON.parse(raw.slice(end + 4)),
  };
}

/**
 * A slowloris client: sends the request line, then one header byte every `everyMs` and never ends the
 * headers. Resolves with what the server sent and how long the connection lived.
 */
export function slowHeaders(port: number, everyMs: number): Promise<{ raw: string; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const drip = setInterval(() => {
      if (socket.writable) socket.write('a');
    }, everyMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearInterval(drip);
      reject(error);
    });
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ raw: Buffer.concat(chunks).toString('latin1'), elapsedMs: performance.now() - started });
    });
    socket.write('POST /webhook HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
  });
}
