/**
 * An HTTP proxy on loopback in front of moto that holds every request for a fixed time before
 * passing it on (a stand-in for the latency to a real region, for the concurrency benchmark),
 * and can make chosen regions unreachable.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The region a SigV4-signed request is for, read from its credential scope. */
function regionOf(req: http.IncomingMessage): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
}

/**
 * @param failRegions requests signed for these regions get their connection reset, as if the
 *   region's endpoint were a closed port.
 */
export async function startDelayProxy(target: string, delayMs: number, failRegions: readonly string[] = []): Promise<DelayProxy> {
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const region = regionOf(req);
    if (region && failRegions.includes(region)) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        up.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
