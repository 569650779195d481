// The deploy commands' load-balancer step (commands/deploy/loadBalancer.ts) with the real core
// and an ELBv2 client mocked by aws-sdk-client-mock: the groups, the registrations, the 300 s
// default and the offer to lower it, the plan's traffic lines, and who gets the traffic hook.
import * as assert from 'node:assert/strict';
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { LOWERED_DRAIN_SECONDS, prepareTraffic } from '../../../src/commands/deploy/loadBalancer';
import type { Ec2Instance } from '../../../src/core/aws/types';
import * as deployCore from '../../../src/core/deploy/index';
import { CancelledError } from '../../../src/core/errors';
import { fakeDeps, FakeStore } from '../support/fakeDeps';
import { press, TestUserInput } from '../support/testUserInput';

const REGION = 'eu-west-1';
const ARN = `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/goapp-tg/0123456789abcdef`;
const ids = ['i-0000000000000000a', 'i-0000000000000000b', 'i-0000000000000000c'];
const instances = ids.map((id) => ({ id, region: REGION, state: 'running', tags: {}, networkInterfaces: [], securityGroupIds: [] }) as unknown as Ec2Instance);

function fileWith(strategy: string, lb = '\nloadBalancer:\n  targetGroup: goapp-tg\n') {
  const parsed = deployCore.parseDeployFile(`version: 1\nservice: goapp\nport: 8080\ninstances:\n  - region: ${REGION}\n    ids: [${ids.join(', ')}]\nstrategy:\n  kind: ${strategy}\n${lb}`);
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.problems));
  return parsed.file;
}

function setup(answers: ReturnType<typeof press>[] = [], delay = '300') {
  const client = new ElasticLoadBalancingV2Client({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const elb = mockClient(client);
  elb.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [{ TargetGroupArn: ARN, TargetGroupName: 'goapp-tg', TargetType: 'instance', Port: 8080 }] });
  // c is in no group: its traffic is not moved.
  elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: ids.slice(0, 2).map((Id) => ({ Target: { Id, Port: 8080 }, TargetHealth: { State: 'healthy' } })) });
  elb.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: delay }] });
  elb.on(ModifyTargetGroupAttributesCommand).resolves({});
  const store = Object.assign(new FakeStore({}), { getSession: () => ({ elb: (region: string) => (region === REGION ? client : undefined) }) });
  const ui = new TestUserInput(answers);
  const deps = fakeDeps({ ui, store });
  return { deps, elb, ui };
}

describe('deploy: the load balancer before the plan (commands/deploy/loadBalancer.ts)', () => {
  it('a group on the 300 s default is named, and the person may lower its delay for that group; Rolling gets the hook', async () => {
    const { deps, elb, ui } = setup([press(`Lower to ${LOWERED_DRAIN_SECONDS} s`)]);
    const file = fileWith('rolling');
    const plan = deployCore.planDeploy(file.strategy, ids);
    const setup1 = await prepareTraffic(deps, file, plan, instances, { confirmed: false });
    assert.match(ui.shown[0].text, /Target group goapp-tg drains for 300 s, the default/);
    assert.equal(ui.shown[0].modal, true);
    assert.deepEqual(elb.commandCalls(ModifyTargetGroupAttributesCommand).map((c) => c.args[0].input), [{ TargetGroupArn: ARN, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }]);
    assert.ok(setup1.hook, 'Rolling drains through the target group');
    assert.equal(elb.commandCalls(DescribeTargetHealthCommand).length, 1, 'one health call for the group, not one per instance');
    assert.match(setup1.lines[0], /^Traffic, batch 1: uploads while serving, leaves goapp-tg \(draining up to 30 s\), .*; 1 other instance\(s\) serve meanwhile\.$/);
    assert.match(setup1.lines[2], /^Traffic, batch 3: in no target group/);
    assert.ok(setup1.lines.includes(`Not in any of the target groups: ${ids[2]}; their traffic is not moved.`));
    assert.equal(setup1.lines.some((x) => /the default/.test(x)), false, 'no longer on the default');
  });

  it('automation (confirmed) asks nothing and changes nothing; the plan says the drain is the 300 s default', async () => {
    const { deps, elb } = setup();
    const file = fileWith('rolling');
    const s = await prepareTraffic(deps, file, deployCore.planDeploy(file.strategy, ids), instances, { confirmed: true });
    assert.equal(elb.commandCalls(ModifyTargetGroupAttributesCommand).length, 0);
    assert.ok(s.lines.includes('goapp-tg drains for 300 s, the default: each batch waits that long for open requests.'));
    const set = setup();
    await prepareTraffic(set.deps, file, deployCore.planDeploy(file.strategy, ids), instances, { confirmed: true, drainSeconds: 5 });
    assert.equal(set.elb.commandCalls(ModifyTargetGroupAttributesCommand)[0]?.args[0].input.Attributes?.[0]?.Value, '5', 'drainSeconds sets it');
  });

  it('Big Bang leaves the load balancer alone; without a load balancer no ELBv2 call is made', async () => {
    const { deps } = setup([], '30');
    const bang = fileWith('bigBang');
    const s = await prepareTraffic(deps, bang, deployCore.planDeploy(bang.strategy, ids), instances, { confirmed: false });
    assert.equal(s.hook, undefined);
    assert.match(s.lines[0], /Big Bang leaves the load balancer as it is/);
    const none = setup();
    const plain = fileWith('rolling', '');
    const t = await prepareTraffic(none.deps, plain, deployCore.planDeploy(plain.strategy, ids), instances, { confirmed: false });
    assert.equal(t.hook, undefined);
    assert.deepEqual(t.lines, ['Traffic: no load balancer is named in the deploy file; each restart drops the requests its instance is serving.']);
    assert.equal(none.elb.calls().length, 0);
  });

  it('Escape on the 300 s question cancels the deploy before anything changes', async () => {
    const { deps, elb } = setup([{ escape: true }]);
    const file = fileWith('rolling');
    await assert.rejects(prepareTraffic(deps, file, deployCore.planDeploy(file.strategy, ids), instances, { confirmed: false }), (err: unknown) => err instanceof CancelledError);
    assert.equal(elb.commandCalls(ModifyTargetGroupAttributesCommand).length, 0);
  });
});
