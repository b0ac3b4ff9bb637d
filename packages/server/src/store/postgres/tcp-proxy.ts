import net from 'node:net';

/**
 * A loopback TCP proxy for fault tests: `cut()` drops every open connection and resets new ones (the
 * database "goes away"), `restore()` lets connections through again. Counts connection attempts, so a
 * test can tell a backing-off client from a spinning one.
 */
export interface TcpProxy {
  port: number;
  /** Connections accepted since start (including refused ones). */
  readonly attempts: number;
  cut(): void;
  restore(): void;
  /**
   * Stops forwarding on the open connections without closing them (a half-open link: no error, no end
   * event, just silence); new connections still pass.
   */
  freeze(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  const pairs: [net.Socket, net.Socket][] = [];
  let cut = false;
  let attempts = 0;
  const server = net.createServer((client) => {
    attempts++;
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    get attempts() {
      return attempts;
    },
    cut() {
      cut = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      cut = false;
    },
    freeze() {
      for (const [client, upstream] of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
