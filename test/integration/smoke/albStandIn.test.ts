// The ALB data-plane stand-in against moto's ELBv2 control plane: it routes by moto's listener
// weights and registrations, drains a deregistered target, and answers 502/503 as ALB does.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { DeregisterTargetsCommand, RegisterTargetsCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startAlbStandIn, startMoto, type AlbStandIn, type MotoServer } from '../support';
import { createMotoAlb, type MotoAlb } from '../support/motoAlb';
import { listenOn } from '../support/ports';

interface App {
  readonly port: number;
  /** Requests waiting on /slow until release() */
  release(): void;
  stop(): Promise<void>;
}

/** A stand-in app: answers its own name; /slow waits until released. */
async function startApp(name: string): Promise<App> {
  const waiting: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') waiting.push(res);
    else res.end(name);
  });
  const port = await listenOn(server);
  return {
    port,
    release: () => {
      for (const res of waiting.splice(0)) res.end(`${name} slow`);
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function get(url: string): Promise<{ status: number; body: string; target?: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, target: res.headers['x-rds-link-target'] as string | undefined }));
    }).once('error', reject);
  });
}

async function bodies(url: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await get(url)).body);
  return out;
}

const count = (xs: readonly string[], x: string) => xs.filter((y) => y === x).length;

describe('ALB data-plane stand-in over moto ELBv2', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let elb: ElasticLoadBalancingV2Client;
  let apps: Record<string, App>;
  let ids: string[];
  let blue: string;
  let green: string;
  let listenerArn: string;
  let alb: AlbStandIn;
  const portOf = new Map<string, number>();

  let motoAlb: MotoAlb;

  before(async () => {
    moto = await startMoto();
    motoAlb = await createMotoAlb(moto.endpoint, { instances: 3, groups: ['goapp-blue', 'goapp-green'] });
    elb = motoAlb.elb;
    ids = [...motoAlb.instanceIds];
    blue = motoAlb.groups.get('goapp-blue') ?? '';
    green = motoAlb.groups.get('goapp-green') ?? '';
    listenerArn = motoAlb.listenerArn;
    apps = {};
    for (const [i, id] of ids.entries()) {
      apps[id] = await startApp(`app${i + 1}`);
      portOf.set(id, apps[id].port);
    }
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: ids[0] }, { Id: ids[1] }] }));
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: ids[2] }] }));
    alb = await startAlbStandIn({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      listenerArn,
      refreshMs: 50,
      // The registered port is the group's 8080; each stand-in app listens on a port of its own.
      connect: (t) => net.connect({ host: '127.0.0.1', port: portOf.get(t.id) ?? 1 }),
    });
  });

  after(async () => {
    await alb?.stop();
    for (const app of Object.values(apps ?? {})) await app.stop();
    motoAlb?.close();
    await moto?.stop();
  });

  const setWeights = async (blueWeight: number, greenWeight: number) => {
    await motoAlb.setWeights({ 'goapp-blue': blueWeight, 'goapp-green': greenWeight });
    await alb.refresh();
  };

  it('spreads requests round-robin over the registered targets of the forwarded group', async () => {
    const got = await bodies(alb.url, 10);
    assert.equal(count(got, 'app1'), 5);
    assert.equal(count(got, 'app2'), 5);
    const answer = await get(alb.url);
    assert.ok(answer.target && ids.slice(0, 2).includes(answer.target), `x-rds-link-target names the instance: ${answer.target}`);
  });

  it('follows ForwardConfig weights exactly over each round, and a 0/100 switch moves everything', async () => {
    await setWeights(90, 10);
    const split = await bodies(alb.url, 100);
    assert.equal(count(split, 'app3'), 10, 'the green group gets its 10 of every 100');
    await setWeights(0, 100);
    assert.deepEqual([...new Set(await bodies(alb.url, 20))], ['app3']);
    await setWeights(100, 0);
    assert.ok(!(await bodies(alb.url, 20)).includes('app3'));
  });

  it('drains a deregistered target: no new request, the one in flight completes', async () => {
    const [first, second] = ids;
    await setWeights(100, 0);
    // Find which target the next request goes to, and park a slow request on the first app.
    const slow: Promise<{ status: number; body: string }>[] = [];
    for (let i = 0; i < 2; i++) slow.push(get(`${alb.url}/slow`));
    await new Promise((r) => setTimeout(r, 200));
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: first }] }));
    await alb.refresh();
    assert.deepEqual([...new Set(await bodies(alb.url, 10))], ['app2'], 'only the registered target gets new requests');
    apps[first].release();
    apps[second].release();
    const parked = await Promise.all(slow);
    assert.deepEqual(parked.map((p) => p.status), [200, 200], 'the requests already sent finished');
    assert.deepEqual(parked.map((p) => p.body).sort(), ['app1 slow', 'app2 slow']);
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: first }] }));
    await alb.refresh();
    assert.ok((await bodies(alb.url, 4)).includes('app1'), 'registered again, it gets traffic again');
  });

  it('answers 503 for a group without targets and 502 for a target that refuses, counting both as failed', async () => {
    const before = alb.stats().failed;
    await elb.send(new DeregisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: ids[2] }] }));
    await setWeights(0, 100);
    assert.equal((await get(alb.url)).status, 503);
    await elb.send(new RegisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: ids[2] }] }));
    await apps[ids[2]].stop();
    await alb.refresh();
    assert.equal((await get(alb.url)).status, 502);
    assert.equal(alb.stats().failed - before, 2);
    await setWeights(100, 0);
    assert.equal((await get(alb.url)).status, 200);
  });
});
