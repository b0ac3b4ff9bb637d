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
