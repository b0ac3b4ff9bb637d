import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import type { SendResult } from '../delivery/http-client.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Receiver {
  server: Server;
  port: number;
  connections: number;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
}

const receivers: Receiver[] = [];
after(async () => {
  for (const r of receivers) {
    r.server.closeAllConnections();
    r.server.close();
  }
});

/**
 * A real receiver on a random loopback port that records connections and requests (each once its body
 * has arrived, before `handler` answers); closed when the test file ends.
 */
export async function receiver(handler: Handler, host = '127.0.0.1'): Promise<Receiver> {
  const r: Receiver = { server: createServer(), port: 0, connections: 0, requests: [] };
  r.server.on('connection', () => {
    r.connections++;
  });
  r.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      r.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  r.server.listen(0, host);
  await once(r.server, 'listening');
  r.port = (r.server.address() as AddressInfo).port;
  receivers.push(r);
  return r;
}

export function expectResponse(result: SendResult) {
  assert.equal(
    result.type,
    'response',
    result.type === 'error' ? `${result.errorKind}: ${result.message}` : '',
  );
  return result as Extract<SendResult, { type: 'response' }>;
}

export function expectError(result: SendResult, kind: string) {
  assert.equal(result.type, 'error', 'expected an error result');
  const error = result as Extract<SendResult, { type: 'error' }>;
  assert.equal(error.errorKind, kind, error.message);
  return error;
}
