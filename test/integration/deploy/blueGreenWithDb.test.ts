// The ordered plan of an app's Blue/Green with the database's (the deploy file's
// strategy.rdsBlueGreen): the product's runner (core/deploy/weighted.ts) with the listener's weights
// (core/aws/albWeights.ts) against moto's ELBv2, and the RDS Blue/Green step
// (core/aws/blueGreen/beforeAppSwitch.ts) against moto's RDS, through the real SDK. The instances'
// side is a recording executor: the real hosts are weightedAlb.test.ts's part. moto switches a
// Blue/Green deployment over at once (SWITCHOVER_IN_PROGRESS, then SWITCHOVER_COMPLETED).
import * as assert from 'node:assert/strict';
import { CreateBlueGreenDeploymentCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListenerWeights, readForward, weightedGroups } from '../../../src/core/aws/albWeights';
import { describeBlueGreen, prepareDatabaseSwitchover } from '../../../src/core/aws/blueGreen';
import { registerTargets, resolveTargetGroups } from '../../../src/core/aws/elb';
import type { DeployExecutor } from '../../../src/core/deploy/strategy';
import { describeBlueGreen as describePlan, planBlueGreen, runBlueGreen } from '../../../src/core/deploy/weighted';
import { clientConfig, seedSandbox } from '../aws/sandbox';
import { startMoto, type MotoServer } from '../support';
import { createMotoAlb, type MotoAlb } from '../support/motoAlb';

const REGION = 'us-east-1';
const fastWait = { backoff: { initialMs: 20, maxMs: 100, factor: 2 }, timeoutMs: 10_000 };

/** Every instance healthy on the new release; what was done, in order. */
function recorder(log: string[]): DeployExecutor {
  return {
    upload: async (id) => (log.push(`upload ${id}`), { previous: 'r-old' }),
    activate: async (id) => void log.push(`activate ${id}`),
    health: async () => ({ healthy: true, detail: 'GET /healthz answered 200' }),
    rollback: async (id) => void log.push(`rollback ${id}`),
    sleep: async () => undefined,
  };
}

describe('Blue/Green of the app and of its database in one ordered plan (moto ELBv2 and RDS)', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let alb: MotoAlb;
  let rds: RDSClient;
  let deploymentId = '';

  before(async () => {
    moto = await startMoto();
    await seedSandbox(moto.endpoint);
    alb = await createMotoAlb(moto.endpoint, { region: REGION, instances: 2, groups: ['goapp-blue', 'goapp-green'] });
    const [blue, green] = alb.targetGroups;
    await registerTargets(alb.elb, blue.arn, [{ instanceId: alb.instanceIds[0] }]);
    await registerTargets(alb.elb, green.arn, [{ instanceId: alb.instanceIds[1] }]);
    rds = new RDSClient(clientConfig(moto.endpoint, REGION));
    const source = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'legacy-mysql' }))).DBInstances?.[0]?.DBInstanceArn ?? '';
    const created = await rds.send(new CreateBlueGreenDeploymentCommand({ BlueGreenDeploymentName: 'legacy-upgrade', Source: source, TargetEngineVersion: '8.0.40' }));
    deploymentId = created.BlueGreenDeployment?.BlueGreenDeploymentIdentifier ?? '';
    assert.ok(deploymentId);
  });

  after(async () => {
    rds?.destroy();
    alb?.close();
    await moto?.stop();
  });

  it('switches the database over after green is in service and before the listener; the listener still sent everything to blue meanwhile', async () => {
    const log: string[] = [];
    const step = await prepareDatabaseSwitchover(rds, REGION, deploymentId, { log: (l) => log.push(l), wait: fastWait });
    assert.deepEqual(step.database, { id: deploymentId, name: 'legacy-upgrade', timeoutSeconds: 300 });
    const ref = { listenerArn: alb.listenerArn };
    const groups = await resolveTargetGroups(alb.elb, ['goapp-blue', 'goapp-green']);
    const forward = await readForward(alb.elb, ref);
    const weighted = await weightedGroups(alb.elb, forward, [groups[0], groups[1]]);
    const traffic = new ListenerWeights({ client: alb.elb, ref, actions: forward.actions, drainSeconds: new Map(), pollSeconds: 1, inServiceSeconds: 10, log: (l) => log.push(l) });
    const plan = planBlueGreen({ kind: 'blueGreen', keepSeconds: 600, batch: { percent: 100 }, onFailure: 'rollback' }, weighted, alb.instanceIds, step.database);
    assert.match(describePlan(plan).join('\n'), /3\. The database first: switch over the RDS Blue\/Green deployment legacy-upgrade/);

    let weightsAtSwitchover = '';
    const out = await runBlueGreen(plan, recorder(log), traffic, { release: 'r-new' }, async () => {
      weightsAtSwitchover = (await readForward(alb.elb, ref)).weights.map((w) => w.weight).join('/');
      log.push('database switchover');
      await step.switchover();
    });
    assert.equal(out.result, 'succeeded', JSON.stringify(out));
    assert.equal(weightsAtSwitchover, '100/0', 'the app had not switched when the database did');
    assert.ok(log.indexOf(`activate ${alb.instanceIds[1]}`) < log.indexOf('database switchover'), 'green deployed first');
    assert.equal((await describeBlueGreen(rds, deploymentId, REGION))?.status, 'SWITCHOVER_COMPLETED');
    assert.equal((await readForward(alb.elb, ref)).weights.map((w) => w.weight).join('/'), '0/100', 'then the app');
    assert.ok(log.some((l) => l.includes(`Switchover of ${deploymentId} started`)), log.join('\n'));
  });

  it('refuses, before anything changes, a deployment that is switched over already or does not exist', async () => {
    await assert.rejects(prepareDatabaseSwitchover(rds, REGION, deploymentId, { log: () => undefined }), /legacy-upgrade has already been switched over/);
    await assert.rejects(prepareDatabaseSwitchover(rds, REGION, 'bgd-nothere0000000', { log: () => undefined }), /There is no RDS Blue\/Green deployment bgd-nothere0000000 in us-east-1/);
  });
});
