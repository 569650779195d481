// Rolling with draining, end to end: the deploy commands' run (src/commands/deploy/run.ts) to 3
// real test hosts (network namespaces with their own sshd; the real sandbox app built by the real
// Go compiler; a real MariaDB), with the ALB traffic hook (core/aws/albTraffic.ts) against moto's
// ELBv2 target group. moto is the control plane only: it records registrations and answers every
// registered target "healthy"; it forwards no request (the sandbox's data plane is not part of this).
// systemd cannot run here (no systemd as PID 1): the supervisor of support/deployHosts.ts stands
// in for it. The test reads the target group's registrations after each batch's drain and restore.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectShipped, execute, SessionPool, type Hosts } from '../../../src/commands/deploy/run';
import { AlbTraffic } from '../../../src/core/aws/albTraffic';
import { registerTargets, resolveTargetGroups, setDeregistrationDelay, targetHealthOf } from '../../../src/core/aws/elb';
import { AwsSession } from '../../../src/core/aws/session';
import type { Ec2Instance } from '../../../src/core/aws/types';
import * as deployCore from '../../../src/core/deploy/index';
import { openSshSession } from '../../../src/core/instance/sshSession';
import { accessTo, startMoto, type MotoServer } from '../support';
import { createMotoAlb, type MotoAlb } from '../support/motoAlb';
import { startDeployHosts, type DeployHosts } from '../support/deployHosts';
import { buildSandboxApp } from '../support/goapp';

const PASSWORD = 'alb-R0lling_pw';
const REGION = 'eu-west-1';

describe('rolling with draining behind an ALB target group (real test hosts, moto\'s ELBv2)', function () {
  this.timeout(300_000);
  let hosts: DeployHosts;
  let moto: MotoServer;
  let alb: MotoAlb;
  let session: AwsSession;
  let binaries: { v1: string; v2: string };
  /** moto's instance id → the test host standing for it. */
  const hostName = new Map<string, string>();
  const log: string[] = [];

  before(async () => {
    const [h, m, b1, b2] = await Promise.allSettled([startDeployHosts(3, PASSWORD), startMoto(), buildSandboxApp('amd64', 'v1'), buildSandboxApp('amd64', 'v2')]);
    if (h.status === 'fulfilled') hosts = h.value;
    if (m.status === 'fulfilled') moto = m.value;
    for (const r of [h, m, b1, b2]) if (r.status === 'rejected') throw r.reason;
    binaries = { v1: (b1 as PromiseFulfilledResult<string>).value, v2: (b2 as PromiseFulfilledResult<string>).value };
    alb = await createMotoAlb(moto.endpoint, { region: REGION, instances: 3, groups: ['goapp-blue', 'goapp-green'] });
    alb.instanceIds.forEach((id, i) => hostName.set(id, `i-host${i + 1}`));
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), maxAttempts: 1 });
    await registerTargets(session.elb(REGION), alb.targetGroups[0].arn, alb.instanceIds.map((instanceId) => ({ instanceId })));
    await setDeregistrationDelay(session.elb(REGION), alb.targetGroups[0].arn, 1);
  });

  after(async () => {
    session?.dispose();
    alb?.close();
    await moto?.stop();
    await hosts?.stop();
  });

  const host = (id: string) => hostName.get(id) ?? id;
  const registered = async () => (await targetHealthOf(session.elb(REGION), [{ ...alb.targetGroups[0], loadBalancerArns: [] }])).map((r) => r.instanceId).sort();
  const currentRelease = (id: string) => fs.readlinkSync(hosts.layoutFor(host(id)).current).replace('releases/', '');

  /** The hook over moto, with the group's registrations read after each drain and each restore. */
  async function traffic(snapshots: string[]): Promise<AlbTraffic> {
    const elb = session.elb(REGION);
    const groups = await resolveTargetGroups(elb, ['goapp-blue']);
    const hook = new AlbTraffic({ client: elb, groups, registrations: await targetHealthOf(elb, groups), drainSeconds: new Map([[groups[0].arn, 1]]), pollSeconds: 1, inServiceSeconds: 20, log: (l) => log.push(l) });
    const name = (ids: readonly string[]) => ids.map(host).sort().join(',');
    const drain = hook.drain.bind(hook);
    const restore = hook.restore.bind(hook);
    hook.drain = async (ids) => {
      await drain(ids);
      snapshots.push(`drained ${name(ids)}: in the group ${name(await registered())}`);
    };
    hook.restore = async (ids) => {
      snapshots.push(`restoring ${name(ids)} on ${ids.map((id) => currentRelease(id).replace(/^.*-/, '')).join(',')}`);
      await restore(ids);
      snapshots.push(`restored ${name(ids)}: in the group ${name(await registered())}`);
    };
    return hook;
  }

  /** `release` defaults to a name made now; a test that plants a failure for a release passes the name it used. */
  async function deploy(version: 'v1' | 'v2', snapshots: string[], onFailure: 'keep' | 'rollback' = 'keep', release = deployCore.releaseName(version)) {
    const text = deployCore.deployFileText({ service: 'goapp', port: 8080, instances: [{ region: REGION, tag: { key: 'App', value: 'goapp' } }], files: ['config.yaml'], strategy: { kind: 'rolling', batch: { count: 1 }, onFailure } });
    const parsed = deployCore.parseDeployFile(`${text}loadBalancer:\n  targetGroup: goapp-blue\n`);
    assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.problems));
    const instances = alb.instanceIds.map((id) => ({ id, region: REGION, state: 'running', tags: { App: 'goapp' }, networkInterfaces: [], securityGroupIds: [], architecture: 'x86_64' }) as unknown as Ec2Instance);
    const h: Hosts = {
      core: deployCore,
      file: parsed.file,
      instances,
      openSession: (i) => openSshSession(accessTo(hosts.hostOf(host(i.id)))),
      log: (line) => log.push(line),
      layout: (id) => ({ root: hosts.roots.get(host(id)), sudo: '' }),
      restartCommand: (id) => hosts.restartCommand(host(id)),
      statusCommand: (id) => hosts.statusCommand(host(id)),
      traffic: await traffic(snapshots),
    };
    const pool = new SessionPool(h);
    try {
      const { outcome } = await execute(h, pool, deployCore.planDeploy(parsed.file.strategy, alb.instanceIds), {
        folder: path.dirname(hosts.config),
        release,
        binaries: new Map(alb.instanceIds.map((id) => [id, binaries[version]])),
        shipped: await collectShipped(h, path.dirname(hosts.config)),
        env: { DB_PASSWORD: PASSWORD },
      });
      return { outcome, release };
    } finally {
      await pool.close();
    }
  }

  it('drains each batch from the target group, deploys it, and registers it again before the next batch', async () => {
    const snapshots: string[] = [];
    const { outcome, release } = await deploy('v1', snapshots);
    assert.equal(outcome.result, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual(snapshots, [
      'drained i-host1: in the group i-host2,i-host3',
      'restoring i-host1 on v1',
      'restored i-host1: in the group i-host1,i-host2,i-host3',
      'drained i-host2: in the group i-host1,i-host3',
      'restoring i-host2 on v1',
      'restored i-host2: in the group i-host1,i-host2,i-host3',
      'drained i-host3: in the group i-host1,i-host2',
      'restoring i-host3 on v1',
      'restored i-host3: in the group i-host1,i-host2,i-host3',
    ]);
    for (const id of alb.instanceIds) assert.equal(currentRelease(id), release);
    assert.ok(log.some((l) => l === `goapp-blue: deregistering ${alb.instanceIds[0]}, draining up to 1 s`), 'the drain is in the log');
    assert.equal(log.some((l) => l.includes(PASSWORD)), false, 'the password is in no log line');
  });

  it('a host that fails its health gate is back on the old release before it rejoins the group; the next host is untouched', async () => {
    const before = currentRelease(alb.instanceIds[1]);
    await new Promise((r) => setTimeout(r, 1100)); // release names carry the second
    const release = deployCore.releaseName('v2');
    fs.writeFileSync(path.join(hosts.roots.get('i-host2') ?? '', `broken-${release}`), '');
    const snapshots: string[] = [];
    const { outcome } = await deploy('v2', snapshots, 'keep', release);
    assert.equal(outcome.result, 'failed');
    assert.match(outcome.failure ?? '', /GET \/healthz answered 503/);
    assert.deepEqual(outcome.instances.map((i) => [host(i.instanceId), i.state]), [['i-host1', 'deployed'], ['i-host2', 'rolledBack'], ['i-host3', 'untouched']]);
    assert.deepEqual(snapshots.slice(3), ['drained i-host2: in the group i-host1,i-host3', 'restoring i-host2 on v1', 'restored i-host2: in the group i-host1,i-host2,i-host3']);
    assert.equal(currentRelease(alb.instanceIds[1]), before);
    assert.deepEqual(await registered(), [...alb.instanceIds].sort(), 'every instance is in the group again');
  });
});
