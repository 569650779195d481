/**
 * The health gate of one instance: GET <health path> on the instance's own 127.0.0.1:<port>,
 * through the SSH session's forwardOut, so nothing is installed on the instance and no port is
 * opened. Healthy means, within the retries, one attempt in which the service is active (its
 * status command, `systemctl is-active` by default, exits 0) and the GET answers 2xx: a port
 * answered by something else (a copy of the app started by hand) while the new service died does
 * not count.
 */
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { t } from '../l10n';
import type { HealthResult } from './strategy';

export interface HttpAnswer {
  readonly status: number;
  /** The first 4 KB of the body. */
  readonly body: string;
}

/** One GET over a ready stream (a forwarded channel); the stream is closed afterwards. */
export function httpGetOver(stream: Duplex, pathname: string, port: number, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    // A ClientRequest of our own, not http.request: VS Code's extension host patches http.request
    // (its proxy support) to give every request an agent, and an agent ignores createConnection —
    // the GET then went to 127.0.0.1:80 on the user's machine instead of through the tunnel.
    const req = new http.ClientRequest(
      { method: 'GET', path: pathname, headers: { Host: `127.0.0.1:${port}`, Connection: 'close', 'User-Agent': 'rds-link-health' }, createConnection: () => stream as never, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        res.once('end', () => {
          stream.destroy();
          resolve({ status: res.statusCode ?? 0, body: body.slice(0, 4096) });
        });
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(t('no answer within {0} s', Math.round(timeoutMs / 1000)))));
    req.once('error', (err) => {
      stream.destroy();
      reject(err);
    });
    req.end();
  });
}

export interface HealthGateOptions {
  readonly port: number;
  readonly path: string;
  readonly retries: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** A new stream to 127.0.0.1:port on the instance (SshSession.forwardOut). */
  readonly open: () => Promise<Duplex>;
  /** Whether the service is active now (its status command); without it only the GET counts. */
  readonly serviceActive?: () => Promise<ServiceStatus>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export interface ServiceStatus {
  readonly active: boolean;
  /** What the status command printed (`inactive`, `failed`, …), for the detail. */
  readonly detail: string;
}

/** One GET over a new forwarded channel; any failure is the detail. */
async function get(o: HealthGateOptions): Promise<HealthResult> {
  try {
    const answer = await httpGetOver(await o.open(), o.path, o.port, o.timeoutMs);
    return { healthy: answer.status >= 200 && answer.status < 300, detail: t('GET {0} answered {1}', o.path, answer.status) };
  } catch (err) {
    return { healthy: false, detail: t('GET {0} on port {1} failed: {2}', o.path, o.port, (err as Error).message) };
  }
}

/** One attempt: the service's status and the GET, side by side (one round trip, not two); healthy only when both say so. */
async function attempt(o: HealthGateOptions): Promise<HealthResult> {
  const [status, answer] = await Promise.all([o.serviceActive?.().catch((err: unknown) => ({ active: false, detail: (err as Error).message })), get(o)]);
  if (status && !status.active) return { healthy: false, detail: status.detail ? t('the service is not active ({0})', status.detail) : t('the service is not active') };
  return answer;
}

/** Retries until one healthy attempt or the retries are spent; the last attempt's detail is the reason. */
export async function checkHealth(o: HealthGateOptions): Promise<HealthResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: HealthResult = { healthy: false, detail: '' };
  for (let n = 1; n <= o.retries; n++) {
    last = await attempt(o);
    if (last.healthy) return last;
    o.log?.(`health ${n}/${o.retries}: ${last.detail}`);
    if (n < o.retries) await sleep(o.intervalMs);
  }
  return last;
}
