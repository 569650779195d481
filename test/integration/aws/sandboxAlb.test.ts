// The sandbox's load balancer without the editor (what `npm start` runs): moto seeded, the app
// hosts up, goapp-alb created in moto over them, and the ALB stand-in routing by moto's listener.
// A tiny HTTP server in each host stands in for the app, so the routing is seen end to end.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { DescribeTargetGroupAttributesCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startMoto, type MotoServer, type SandboxHosts } from '../support';
import { SANDBOX_APP_PORT } from '../support/sandboxHosts';
import { clientConfig, seedSandbox, type SandboxIds } from './sandbox';
import { SANDBOX_BLUE, SANDBOX_DRAIN_SECONDS, SANDBOX_GREEN, startSandboxAlb, type SandboxAlb } from './sandboxAlb';
import { startSandboxDatabase, type SandboxDatabase } from './sandboxDatabase';
import { startSandboxInstances } from './sandboxInstances';

function get(url: string): Promise<{ status: number; target: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, target: String(res.headers['x-rds-link-target'] ?? '') }));
      })
      .on('error', reject);
  });
}

describe('sandbox: goapp-alb in moto, and the ALB stand-in in front of the app hosts', function () {
  this.timeout(120_000);
  let moto: MotoServer | undefined;
  let dbs: SandboxDatabase | undefined;
  let hosts: SandboxHosts | undefined;
  let lb: SandboxAlb | undefined;
  let ids: SandboxIds | undefined;

  before(async function () {
    moto = await startMoto();
    ids = await seedSandbox(moto.endpoint);
    dbs = await startSandboxDatabase(moto.endpoint);
    hosts = await startSandboxInstances(ids, dbs);
    lb = await startSandboxAlb(moto.endpoint, ids, hosts);
  });

  after(async function () {
    await lb?.stop();
    await hosts?.stop();
    await dbs?.stop();
    await moto?.stop();
  });

  it('holds goapp-web and goapp-2 in goapp-blue and goapp-3 in goapp-green, each draining for a few seconds', async function () {
    assert.ok(moto && ids && lb);
    const elb = new ElasticLoadBalancingV2Client(clientConfig(moto.endpoint, 'us-east-1'));
    try {
      const members: Record<string, string[]> = {};
      for (const g of lb.alb.targetGroups) {
        const health = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: g.arn }));
        members[g.name] = (health.TargetHealthDescriptions ?? []).map((d) => `${d.Target?.Id}:${d.Target?.Port}`).sort();
        const attrs = await elb.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: g.arn }));
        assert.equal(attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value, String(SANDBOX_DRAIN_SECONDS), g.name);
      }
      const at = (name: string) => `${ids?.instances[name]}:${SANDBOX_APP_PORT}`;
      assert.deepEqual(members, { [SANDBOX_BLUE]: [at('goapp-web'), at('goapp-2')].sort(), [SANDBOX_GREEN]: [at('goapp-3')] });
      assert.match(lb.deployFileSection, new RegExp(`listener: ${lb.alb.listenerArn.replace(/[/.$]/g, '\\$&')}`));
    } finally {
      elb.destroy();
    }
  });

  it('answers 502 while no app runs, then routes to blue, and to green after the weights switch', async function () {
    assert.ok(hosts && lb && ids);
    const before = await get(lb.url);
    assert.equal(before.status, 502, 'no app listens yet: the target refuses, as a stopped app does behind ALB');

    // An app of sorts in each host, on the port the targets are registered with.
    for (const h of hosts.hosts) await h.run('sh', ['-c', `python3 -m http.server ${SANDBOX_APP_PORT} >/dev/null 2>&1 &`]);
    const id = (name: string) => ids?.instances[name] ?? '';
    let blue: { status: number; target: string }[] = [];
    for (let i = 0; i < 100; i++) {
      blue = [await get(lb.url), await get(lb.url)];
      if (blue.every((r) => r.status === 200)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(blue.map((r) => r.status), [200, 200]);
    assert.deepEqual(blue.map((r) => r.target).sort(), [id('goapp-web'), id('goapp-2')].sort(), 'round-robin over goapp-blue');

    await lb.alb.setWeights({ [SANDBOX_BLUE]: 0, [SANDBOX_GREEN]: 100 });
    await lb.stand.refresh();
    const green = [await get(lb.url), await get(lb.url)];
    assert.deepEqual(green, [
      { status: 200, target: id('goapp-3') },
      { status: 200, target: id('goapp-3') },
    ]);
  });
});
