/**
 * A constant load of HTTP requests for the load-balancer benches: `concurrency` clients, each
 * sending the next GET as soon as the last one answered (a new connection each time, as many
 * short-lived clients do). A request fails on a non-2xx answer or a broken connection.
 */
import * as http from 'node:http';

export interface Load {
  readonly sent: number;
  readonly failed: number;
  /** When each answer arrived (performance.now()), and which target the ALB stand-in named. */
  readonly answers: readonly { readonly at: number; readonly target?: string; readonly ok: boolean }[];
  stop(): Promise<void>;
}

function once(url: string): Promise<{ ok: boolean; target?: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300, target: res.headers['x-rds-link-target'] as string | undefined }));
      res.once('error', () => resolve({ ok: false }));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve({ ok: false }));
  });
}

export function startLoad(url: string, concurrency = 8): Load {
  let running = true;
  let sent = 0;
  let failed = 0;
  const answers: { at: number; target?: string; ok: boolean }[] = [];
  const client = async () => {
    while (running) {
      sent++;
      const r = await once(url);
      if (!r.ok) failed++;
      answers.push({ at: performance.now(), target: r.target, ok: r.ok });
    }
  };
  const clients = Array.from({ length: concurrency }, () => client());
  return {
    get sent() {
      return sent;
    },
    get failed() {
      return failed;
    },
    answers,
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}
