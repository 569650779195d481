// core/aws/elb.ts and the ALB traffic hook through the real SDK against moto's ELBv2 (the control
// plane: target groups, registrations, attributes, listeners; moto answers every registered
// target "healthy", so the health states other than that are the unit tests' part).
import * as assert from 'node:assert/strict';
import { CreateRuleCommand, DescribeListenersCommand, DescribeRulesCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListenerWeights, readForward } from '../../../src/core/aws/albWeights';
import { AlbTraffic } from '../../../src/core/aws/albTraffic';
import {
  deregisterTargets,
  deregistrationDelaySeconds,
  listenerForward,
  listTargetGroups,
  registerTargets,
  resolveTargetGroups,
  setDeregistrationDelay,
  targetHealthOf,
  waitDeregistered,
  waitInService,
} from '../../../src/core/aws/elb';
import { startRegionLoad } from '../../../src/core/aws/regionLoad';
import { AwsSession, type CallInfo } from '../../../src/core/aws/session';
import { startMoto, type MotoServer } from '../support';
import { createMotoAlb, type MotoAlb } from '../support/motoAlb';

const REGION = 'eu-west-1';

describe('ELBv2 target groups (core/aws/elb.ts), against moto', function () {
  this.timeout(60_000);
  let moto: MotoServer;
  let alb: MotoAlb;
  let session: AwsSession;
  const calls: CallInfo[] = [];

  before(async () => {
    moto = await startMoto();
    alb = await createMotoAlb(moto.endpoint, { region: REGION, instances: 3, groups: ['goapp-blue', 'goapp-green'] });
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), onCall: (c) => calls.push(c), maxAttempts: 1 });
  });
  after(async () => {
    session?.dispose();
    alb?.close();
    await moto?.stop();
  });

  const elb = () => session.elb(REGION);
  const [blue, green] = [0, 1].map((i) => () => alb.targetGroups[i]);

  it('lists the region\'s target groups and resolves the deploy file\'s by ARN and by name, naming one that does not exist', async () => {
    const all = await listTargetGroups(elb());
    assert.deepEqual(all.map((g) => [g.name, g.targetType, g.port, g.vpcId]), [['goapp-blue', 'instance', 8080, alb.vpcId], ['goapp-green', 'instance', 8080, alb.vpcId]]);
    const resolved = await resolveTargetGroups(elb(), ['goapp-green', blue().arn]);
    assert.deepEqual(resolved.map((g) => g.arn), [green().arn, blue().arn], 'in the order given');
    await assert.rejects(resolveTargetGroups(elb(), ['goapp-nope']), /Finding the target group\(s\) goapp-nope failed/);
  });

  it('registers and deregisters instances; the health of every group comes in one call per group', async () => {
    const [a, b, c] = alb.instanceIds;
    await registerTargets(elb(), blue().arn, [{ instanceId: a }, { instanceId: b }]);
    await registerTargets(elb(), green().arn, [{ instanceId: c, port: 9090 }]);
    calls.length = 0;
    const health = await targetHealthOf(elb(), await resolveTargetGroups(elb(), ['goapp-blue', 'goapp-green']));
    assert.deepEqual(
      health.map((h) => [h.targetGroupName, h.instanceId, h.port, h.state]).sort(),
      [['goapp-blue', a, 8080, 'healthy'], ['goapp-blue', b, 8080, 'healthy'], ['goapp-green', c, 9090, 'healthy']].sort(),
    );
    assert.deepEqual(calls.map((x) => x.operation), ['DescribeTargetGroups', 'DescribeTargetHealth', 'DescribeTargetHealth'], 'names in one call, then one health call per group');
    await deregisterTargets(elb(), blue().arn, [{ instanceId: b }]);
    const left = await targetHealthOf(elb(), [{ arn: blue().arn, name: 'goapp-blue', loadBalancerArns: [] }]);
    assert.deepEqual(left.map((h) => h.instanceId), [a]);
  });

  it('waits with the SDK waiters: in service after a registration, gone after a deregistration', async () => {
    const [, b] = alb.instanceIds;
    await registerTargets(elb(), blue().arn, [{ instanceId: b }]);
    await waitInService(elb(), blue().arn, [{ instanceId: b }], { maxWaitSeconds: 10, pollSeconds: 1 });
    await deregisterTargets(elb(), blue().arn, [{ instanceId: b }]);
    await waitDeregistered(elb(), blue().arn, [{ instanceId: b }], { maxWaitSeconds: 10, pollSeconds: 1 });
    const out = await elb().send(new DescribeTargetHealthCommand({ TargetGroupArn: blue().arn }));
    assert.equal(out.TargetHealthDescriptions?.some((d) => d.Target?.Id === b), false);
  });

  it('reads the deregistration delay (300 s by default) and lowers it for one group', async () => {
    assert.equal(await deregistrationDelaySeconds(elb(), blue().arn), 300);
    await setDeregistrationDelay(elb(), blue().arn, 30);
    assert.equal(await deregistrationDelaySeconds(elb(), blue().arn), 30);
    assert.equal(await deregistrationDelaySeconds(elb(), green().arn), 300, 'the other group keeps its delay');
    await assert.rejects(setDeregistrationDelay(elb(), blue().arn, 4000), /0 to 3600 seconds/);
  });

  it('reads the listener\'s weighted forward (100/0 to blue and green)', async () => {
    assert.deepEqual(await listenerForward(elb(), alb.listenerArn), [{ targetGroupArn: blue().arn, weight: 100 }, { targetGroupArn: green().arn, weight: 0 }]);
  });

  it('switches a listener\'s weights and a rule\'s in ONE Modify call each, stickiness off (albWeights.ts)', async () => {
    const rule = await elb().send(new CreateRuleCommand({
      ListenerArn: alb.listenerArn,
      Priority: 10,
      Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue().arn, Weight: 100 }, { TargetGroupArn: green().arn, Weight: 0 }] } }],
    }));
    const ruleArn = rule.Rules?.[0]?.RuleArn ?? '';
    for (const ref of [{ listenerArn: alb.listenerArn, ruleArn }, { listenerArn: alb.listenerArn }]) {
      const forward = await readForward(elb(), ref);
      assert.deepEqual(forward.weights, [{ targetGroupArn: blue().arn, weight: 100 }, { targetGroupArn: green().arn, weight: 0 }]);
      const weights = new ListenerWeights({ client: elb(), ref, actions: forward.actions, drainSeconds: new Map(), log: () => undefined });
      calls.length = 0;
      await weights.setWeights([{ targetGroupArn: blue().arn, weight: 0 }, { targetGroupArn: green().arn, weight: 100 }]);
      assert.deepEqual(calls.map((c) => c.operation), [ref.ruleArn ? 'ModifyRule' : 'ModifyListener'], 'one call');
      const after = await readForward(elb(), ref);
      assert.deepEqual(after.weights, [{ targetGroupArn: blue().arn, weight: 0 }, { targetGroupArn: green().arn, weight: 100 }]);
      assert.equal(after.actions.find((x) => x.Type === 'forward')?.ForwardConfig?.TargetGroupStickinessConfig?.Enabled ?? false, false);
      await weights.setWeights(forward.weights);
    }
    const rules = await elb().send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    assert.deepEqual(rules.Rules?.[0]?.Conditions?.[0]?.Values, ['/api/*'], 'the rule keeps its condition');
    const listener = await elb().send(new DescribeListenersCommand({ ListenerArns: [alb.listenerArn] }));
    assert.equal(listener.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.[0]?.Weight, 100, 'weights back');
  });

  it('the traffic hook drains a batch from the groups that hold it and registers it back with its port', async () => {
    const [a, , c] = alb.instanceIds;
    const groups = await resolveTargetGroups(elb(), ['goapp-blue', 'goapp-green']);
    const registrations = await targetHealthOf(elb(), groups);
    const log: string[] = [];
    const traffic = new AlbTraffic({ client: elb(), groups, registrations, drainSeconds: new Map(groups.map((g) => [g.arn, 0])), pollSeconds: 1, inServiceSeconds: 10, log: (l) => log.push(l) });
    await traffic.drain([a, c]);
    assert.deepEqual((await targetHealthOf(elb(), groups)).map((h) => h.instanceId), [], 'both out of their groups');
    await traffic.restore([a, c]);
    const back = await targetHealthOf(elb(), groups);
    assert.deepEqual(back.map((h) => [h.targetGroupName, h.instanceId, h.port]).sort(), [['goapp-blue', a, 8080], ['goapp-green', c, 9090]].sort());
    assert.ok(log.some((l) => l === `goapp-green: deregistering ${c}, draining up to 0 s`), log.join('\n'));
  });

  it('the EC2 view\'s region load reads every group\'s health in one call per group, however many instances, and the listener\'s weights in one call per load balancer', async () => {
    calls.length = 0;
    const load = startRegionLoad(session, REGION, ['ec2']);
    const [targets, instances] = await Promise.all([load.targets, load.instances]);
    assert.ok(targets?.ok && instances?.ok);
    assert.ok(instances.value.length >= 3);
    const byInstance = new Map(targets.value.map((x) => [`${x.instanceId}/${x.targetGroupName}`, x.state]));
    assert.equal(byInstance.get(`${alb.instanceIds[0]}/goapp-blue`), 'healthy');
    const elbCalls = calls.filter((c) => c.service === 'elasticloadbalancing').map((c) => c.operation).sort();
    assert.deepEqual(elbCalls, ['DescribeListeners', 'DescribeTargetGroups', 'DescribeTargetHealth', 'DescribeTargetHealth']);
    // The listener forwards 100/0: blue is live, green idle (what the tree marks).
    const shares = new Map(targets.value.map((x) => [x.targetGroupName, x.shares?.map((s) => [s.listenerArn, s.listenerPort, s.weight, s.totalWeight])]));
    assert.deepEqual(shares.get('goapp-blue'), [[alb.listenerArn, 80, 100, 100]]);
    assert.deepEqual(shares.get('goapp-green'), [[alb.listenerArn, 80, 0, 100]]);
  });
});
