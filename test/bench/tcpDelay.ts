/**
 * A TCP relay on loopback that holds every chunk for a fixed time in each direction: the network
 * between the developer's machine and AWS, which loopback does not have. Order is kept per
 * direction (each chunk waits the same time after the previous one arrived).
 *
 * With `mbitPerSecond`, each direction is also a link of that rate: a chunk leaves only once the
 * ones before it have been clocked out, and the sender is paused (TCP back-pressure) while more
 * than a router's buffer of bytes waits. `bytesToServer` counts what the client sent.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpDelay {
  readonly host: string;
  readonly port: number;
  /** Bytes the clients sent towards the target so far (all connections). */
  readonly bytesToServer: number;
  stop(): Promise<void>;
}

export interface TcpDelayOptions {
  /** Each direction's rate; default unlimited. */
  readonly mbitPerSecond?: number;
}

/** What may wait in one direction before the sender is paused. */
const BUFFER_BYTES = 256 * 1024;

export async function startTcpDelay(targetHost: string, targetPort: number, oneWayMs: number, options: TcpDelayOptions = {}): Promise<TcpDelay> {
  const sockets = new Set<net.Socket>();
  const msPerByte = options.mbitPerSecond ? 8 / (options.mbitPerSecond * 1000) : 0;
  let bytesToServer = 0;
  const relay = (from: net.Socket, to: net.Socket, count: (n: number) => void): void => {
    // FIFO of chunks with the time each may go; one timer for the head keeps the order.
    const queue: Array<{ chunk: Buffer | null; due: number }> = [];
    let queued = 0;
    let linkFreeAt = 0;
    let timer: NodeJS.Timeout | undefined;
    const pump = (): void => {
      timer = undefined;
      const now = performance.now();
      while (queue.length && queue[0].due <= now + 0.5) {
        const { chunk } = queue.shift() as { chunk: Buffer | null };
        if (chunk === null) to.end();
        else {
          queued -= chunk.length;
          if (!to.destroyed) to.write(chunk);
        }
      }
      if (queued <= BUFFER_BYTES && from.isPaused()) from.resume();
      if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0].due - performance.now()));
    };
    const push = (chunk: Buffer | null): void => {
      const now = performance.now();
      linkFreeAt = Math.max(now, linkFreeAt) + (chunk ? chunk.length * msPerByte : 0);
      queue.push({ chunk, due: linkFreeAt + oneWayMs });
      if (chunk) queued += chunk.length;
      if (queued > BUFFER_BYTES) from.pause();
      timer ??= setTimeout(pump, Math.max(0, queue[0].due - now));
    };
    from.on('data', (chunk: Buffer) => {
      count(chunk.length);
      push(chunk);
    });
    from.on('end', () => push(null));
    from.on('error', () => to.destroy());
    from.on('close', () => {
      // Whatever still waits is delivered first (the link drains), then the other side goes.
      const wait = queue.length ? queue[queue.length - 1].due - performance.now() : 0;
      setTimeout(() => to.destroy(), Math.max(0, wait) + oneWayMs + 1);
    });
  };
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host: targetHost, port: targetPort, noDelay: true });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    relay(client, upstream, (n) => (bytesToServer += n));
    relay(upstream, client, () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    get bytesToServer() {
      return bytesToServer;
    },
    stop: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
