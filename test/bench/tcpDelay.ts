/**
 * A TCP relay on loopback that holds every chunk for a fixed time in each direction: the network
 * between the developer's machine and AWS, which loopback does not have. Order is kept per
 * direction (each chunk waits the same time after the previous one arrived).
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpDelay {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startTcpDelay(targetHost: string, targetPort: number, oneWayMs: number): Promise<TcpDelay> {
  const sockets = new Set<net.Socket>();
  const relay = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), oneWayMs));
    from.on('end', () => setTimeout(() => to.end(), oneWayMs));
    from.on('error', () => to.destroy());
    from.on('close', () => setTimeout(() => to.destroy(), oneWayMs + 1));
  };
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host: targetHost, port: targetPort, noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
