/**
 * An HTTP proxy on loopback in front of moto that holds every request for a fixed time before
 * passing it on (a stand-in for the latency to a real region, for the concurrency benchmark),
 * and can make chosen regions unreachable.
 *
 * With `replay`, an answer moto gave once is given again for the same region and request body
 * without asking moto: moto is one Python process that answers every region's calls in turn, while
 * each AWS region is a fleet of its own, so a figure about the product's own concurrency must not
 * include moto working through the calls one by one.
 *
 * With `holdUntil: n`, no request is passed on until n requests are waiting (or `holdMs` passed):
 * a load that asks for everything in one round releases itself; one that waits for an answer
 * before its next call is held until the time runs out.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  readonly endpoint: string;
  /** How many requests were held at once, at most (with `holdUntil`). */
  readonly maxHeld: () => number;
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
export async function startDelayProxy(target: string, delayMs: number, failRegions: readonly string[] = [], options: { replay?: boolean; holdUntil?: number; holdMs?: number } = {}): Promise<DelayProxy> {
  const t = new URL(target);
  const held: Array<() => void> = [];
  let maxHeld = 0;
  let releaseTimer: NodeJS.Timeout | undefined;
  const releaseAll = (): void => {
    clearTimeout(releaseTimer);
    for (const go of held.splice(0)) go();
  };
  /** Runs `go` now, or once enough requests wait. */
  const gate = (go: () => void): void => {
    if (!options.holdUntil) return go();
    held.push(go);
    maxHeld = Math.max(maxHeld, held.length);
    if (held.length >= options.holdUntil) return releaseAll();
    clearTimeout(releaseTimer);
    releaseTimer = setTimeout(releaseAll, options.holdMs ?? 2000);
  };
  const recorded = new Map<string, { status: number; headers: http.IncomingHttpHeaders; body: Buffer }>();
  const server = http.createServer((req, res) => {
    const region = regionOf(req);
    if (region && failRegions.includes(region)) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = `${region ?? ''} ${req.method ?? ''} ${req.url ?? ''} ${body.toString('utf8')}`;
      gate(() => setTimeout(() => {
        const known = options.replay ? recorded.get(key) : undefined;
        if (known) {
          res.writeHead(known.status, known.headers);
          res.end(known.body);
          return;
        }
        const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => {
            const answer = { status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(parts) };
            if (options.replay) recorded.set(key, answer);
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          });
        });
        up.on('error', (e) => {
          res.writeHead(502);
          res.end(String(e));
        });
        up.end(body);
      }, delayMs));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    maxHeld: () => maxHeld,
    stop: () => new Promise<void>((resolve) => {
      clearTimeout(releaseTimer);
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
