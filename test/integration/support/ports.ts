// Loopback ports for the servers the integration layer starts.
import * as net from 'node:net';

/** A TCP port that is free on 127.0.0.1 right now (the OS picks it; it is released before returning). */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((err) => (err ? reject(err) : port ? resolve(port) : reject(new Error('no port was assigned'))));
    });
  });
}

/** Starts `server` listening on host:port (a free port when none is given) and resolves with the port. */
export async function listenOn(server: net.Server, port?: number, host = '127.0.0.1'): Promise<number> {
  const wanted = port ?? (await getFreePort(host));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wanted, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return wanted;
}

/** True when a TCP connection to host:port is accepted within attemptMs. */
export function canConnect(host: string, port: number, attemptMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(attemptMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Resolves once host:port accepts a TCP connection; rejects after timeoutMs. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(host, port, Math.max(100, Math.min(1000, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new Error(`nothing is listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
