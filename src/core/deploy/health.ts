/**
 * The health gate of one instance: GET <health path> on the instance's own 127.0.0.1:<port>,
 * through the SSH session's forwardOut, so nothing is installed on the instance and no port is
 * opened. Healthy means a 2xx answer within the retries.
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
    const req = http.request(
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
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

/** Retries GET until a 2xx or the retries are spent; the last answer (or error) is the detail. */
export async function checkHealth(o: HealthGateOptions): Promise<HealthResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let detail = '';
  for (let attempt = 1; attempt <= o.retries; attempt++) {
    try {
      const answer = await httpGetOver(await o.open(), o.path, o.port, o.timeoutMs);
      detail = t('GET {0} answered {1}', o.path, answer.status);
      if (answer.status >= 200 && answer.status < 300) return { healthy: true, detail };
    } catch (err) {
      detail = t('GET {0} on port {1} failed: {2}', o.path, o.port, (err as Error).message);
    }
    o.log?.(`health ${attempt}/${o.retries}: ${detail}`);
    if (attempt < o.retries) await sleep(o.intervalMs);
  }
  return { healthy: false, detail };
}
