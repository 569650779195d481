// The data plane of an Application Load Balancer, for the sandbox and the tests: an HTTP server on
// loopback that routes each request the way moto's control plane says, as the ALB would.
//
// moto serves the ELBv2 control plane (load balancers, target groups, registrations, listeners
// with weighted ForwardConfig, ModifyListener) but moves no traffic. This stand-in reads that
// state and moves it, in the spirit of the SSH and EICE stand-ins:
//   - the listener's default action decides the target group: one TargetGroupArn, or the
//     ForwardConfig weights (0–999), spread by smooth weighted round-robin so a 90/10 split is
//     exact over every 100 requests (AWS spreads randomly; stickiness is off, as deploys need);
//   - inside a group, requests go round-robin to the registered targets;
//   - a target that is deregistered gets no new request, while requests already sent to it run to
//     their end: that is ALB's draining (moto drops a target from DescribeTargetHealth at once);
//   - a group with no registered target answers 503, a target that refuses or breaks the
//     connection 502, one that does not answer in time 504, as ALB does. It never retries.
// What it does not do: health checks of its own. moto reports every registered target healthy, so
// an unhealthy target still gets traffic here; the product's own health gate is what keeps a bad
// release from being registered. The state is read again every `refreshMs` (ALB takes a few
// seconds to apply a change; the sandbox is quicker).
// Each answer carries `x-rds-link-target: <instance id>` so a test or bench can tell who answered.
import * as http from 'node:http';
import type * as net from 'node:net';
import {
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { listenOn } from './ports';

export interface AlbTarget {
  readonly id: string;
  readonly port: number;
}

export interface AlbStandInOptions {
  /** moto's endpoint (the ELBv2 control plane). */
  readonly endpoint: string;
  readonly region: string;
  readonly listenerArn: string;
  /** A connection to the app of a registered target (an instance id and port, as registered). */
  connect(target: AlbTarget): net.Socket;
  /** How often moto's state is read again; default 100 ms. */
  readonly refreshMs?: number;
  /** A target that has not answered after this long gets a 504; default 10 s. */
  readonly targetTimeoutMs?: number;
  readonly port?: number;
}

/** What the stand-in routes by right now. */
export interface AlbRouting {
  readonly groups: readonly { readonly arn: string; readonly weight: number; readonly targets: readonly AlbTarget[] }[];
}

export interface AlbStandInStats {
  readonly answered: number;
  /** 502, 503 and 504 answers of the stand-in itself (a target's own 5xx counts as answered). */
  readonly failed: number;
  /** Answers per target id. */
  readonly byTarget: ReadonlyMap<string, number>;
}

export interface AlbStandIn {
  readonly url: string;
  readonly port: number;
  routing(): AlbRouting;
  stats(): AlbStandInStats;
  /** Reads moto's state now (the next request routes by it). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** A group's turn-taking, kept across refreshes (a refresh runs while requests are routed). */
interface Turns {
  /** Smooth weighted round-robin's running weight. */
  current: number;
  /** The next target, round-robin. */
  next: number;
}

interface Group {
  readonly arn: string;
  readonly weight: number;
  readonly targets: readonly AlbTarget[];
  readonly turns: Turns;
}

function forwardedGroups(actions: readonly Action[] | undefined): { arn: string; weight: number }[] {
  const forward = actions?.find((a) => a.Type === 'forward');
  if (!forward) return [];
  if (forward.ForwardConfig?.TargetGroups?.length) {
    return forward.ForwardConfig.TargetGroups.filter((g) => g.TargetGroupArn).map((g) => ({ arn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }));
  }
  return forward.TargetGroupArn ? [{ arn: forward.TargetGroupArn, weight: 1 }] : [];
}

/** Smooth weighted round-robin (as nginx does): every group gains its weight, the highest is picked and pays the total. */
function pickGroup(groups: Group[]): Group | undefined {
  const live = groups.filter((g) => g.weight > 0);
  const total = live.reduce((sum, g) => sum + g.weight, 0);
  let best: Group | undefined;
  for (const g of live) {
    g.turns.current += g.weight;
    if (!best || g.turns.current > best.turns.current) best = g;
  }
  if (best) best.turns.current -= total;
  return best;
}

export async function startAlbStandIn(options: AlbStandInOptions): Promise<AlbStandIn> {
  const client = new ElasticLoadBalancingV2Client({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
  });
  let groups: Group[] = [];
  const turns = new Map<string, Turns>();
  let answered = 0;
  let failed = 0;
  const byTarget = new Map<string, number>();

  // Reads overlap when moto is slow: a read that started earlier never replaces a later one.
  let started = 0;
  let applied = 0;
  let ticking = false;
  const refresh = async () => {
    const mine = ++started;
    const listener = (await client.send(new DescribeListenersCommand({ ListenerArns: [options.listenerArn] }))).Listeners?.[0];
    const wanted = forwardedGroups(listener?.DefaultActions);
    const fresh = await Promise.all(wanted.map(async ({ arn, weight }) => {
      const health = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
      const targets = (health.TargetHealthDescriptions ?? [])
        .filter((d) => d.Target?.Id && d.TargetHealth?.State !== 'draining' && d.TargetHealth?.State !== 'unused')
        .map((d) => ({ id: d.Target?.Id ?? '', port: d.Target?.Port ?? 80 }));
      let kept = turns.get(arn);
      if (!kept) turns.set(arn, (kept = { current: 0, next: 0 }));
      return { arn, weight, targets, turns: kept };
    }));
    if (mine < applied) return;
    applied = mine;
    groups = fresh;
  };

  const fail = (res: http.ServerResponse, status: number, why: string) => {
    failed++;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`${status} ${why}\n`);
  };

  const server = http.createServer((req, res) => {
    const group = pickGroup(groups);
    if (!group || group.targets.length === 0) {
      req.resume();
      fail(res, 503, 'no registered target');
      return;
    }
    const target = group.targets[group.turns.next++ % group.targets.length];
    const upstream = http.request({
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      createConnection: () => options.connect(target),
      timeout: options.targetTimeoutMs ?? 10_000,
    });
    upstream.once('timeout', () => {
      upstream.destroy();
      fail(res, 504, `target ${target.id} did not answer`);
    });
    upstream.once('error', (err) => {
      if (!res.writableEnded) fail(res, 502, `target ${target.id}: ${err.message}`);
    });
    upstream.once('response', (answer) => {
      answered++;
      byTarget.set(target.id, (byTarget.get(target.id) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-rds-link-target': target.id });
      answer.pipe(res);
    });
    req.pipe(upstream);
  });

  await refresh();
  const timer = setInterval(() => {
    if (ticking) return; // one periodic read at a time; the next tick reads again
    ticking = true;
    refresh()
      .catch(() => undefined) // moto is local; a missed read is retried on the next tick
      .finally(() => (ticking = false));
  }, options.refreshMs ?? 100);
  const port = await listenOn(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    routing: () => ({ groups: groups.map(({ arn, weight, targets }) => ({ arn, weight, targets })) }),
    stats: () => ({ answered, failed, byTarget: new Map(byTarget) }),
    refresh,
    stop: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.destroy();
    },
  };
}
