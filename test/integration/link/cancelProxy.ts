/**
 * An HTTP proxy on loopback in front of moto that trips up one chosen mutating call.
 *
 * A cancel trap presses "cancel" while the call is in flight: it passes the call to moto (so AWS
 * has done it), then, instead of answering, runs `onHeld` (the test aborts its controller) and
 * keeps the answer to itself. Or, with `forward: false`, it holds the request before moto sees it.
 *
 * A fault trap makes the answer go wrong the way a network does, and the SDK then retries:
 * - `answerLost`: moto does the call, then the connection is reset instead of answering;
 * - `connectionReset`: the connection is reset before moto sees the call;
 * - `http500`: moto does the call, then the client gets an HTTP 500 (InternalError).
 * Every other request passes.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Trap {
  /** 1-based: the n-th real (not DryRun, not Describe*) call is held. */
  readonly nth: number;
  /** True: moto does the call before the cancel; false: moto never sees it. */
  readonly forward: boolean;
  readonly onHeld: () => void;
}

export type Fault = 'answerLost' | 'connectionReset' | 'http500';

export interface FaultTrap {
  /** 1-based: the n-th real (not DryRun, not Describe*) call is tripped, once. */
  readonly nth: number;
  readonly fault: Fault;
}

/** An InternalError in the shape of the service's query protocol (EC2's or RDS's). */
function internalError(body: URLSearchParams): string {
  const message = 'We encountered an internal error. Please try again.';
  if (body.get('Version') === '2016-11-15') {
    return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InternalError</Code><Message>${message}</Message></Error></Errors><RequestID>proxy-500</RequestID></Response>`;
  }
  return `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>${message}</Message></Error><RequestId>proxy-500</RequestId></ErrorResponse>`;
}

export interface CancelProxy {
  readonly endpoint: string;
  /** The Action of every request, in order, with a mark on the held one. */
  readonly actions: string[];
  arm(trap: Trap | FaultTrap): void;
  stop(): Promise<void>;
}

export async function startCancelProxy(target: string): Promise<CancelProxy> {
  const t = new URL(target);
  const actions: string[] = [];
  let trap: Trap | FaultTrap | undefined;
  let mutations = 0;
  const forward = (req: http.IncomingMessage, body: Buffer, answer: (status: number, headers: http.IncomingHttpHeaders, data: Buffer) => void): void => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => answer(r.statusCode ?? 502, r.headers, Buffer.concat(chunks)));
    });
    up.on('error', (e) => answer(502, {}, Buffer.from(String(e))));
    up.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? '?';
      const real = !action.startsWith('Describe') && params.get('DryRun') !== 'true';
      const held = !!trap && real && ++mutations === trap.nth;
      actions.push(held ? `${action} (held)` : action);
      if (held && trap && 'fault' in trap) {
        const { fault } = trap;
        trap = undefined;
        if (fault === 'connectionReset') req.socket.destroy();
        else if (fault === 'answerLost') forward(req, body, () => req.socket.destroy());
        else {
          forward(req, body, () => {
            res.writeHead(500, { 'content-type': 'text/xml' });
            res.end(internalError(params));
          });
        }
        return;
      }
      if (held && trap && 'onHeld' in trap) {
        const { forward: toMoto, onHeld } = trap;
        trap = undefined;
        // The answer never comes: the client's abort closes this request.
        if (toMoto) forward(req, body, () => onHeld());
        else onHeld();
        return;
      }
      forward(req, body, (status, headers, data) => {
        res.writeHead(status, headers);
        res.end(data);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    arm(next) {
      trap = next;
      mutations = 0;
      actions.length = 0;
    },
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
