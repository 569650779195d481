// Switch Back (commands/deploy/switchBack.ts) with the real core and an ELBv2 client mocked by
// aws-sdk-client-mock: one ModifyListener back to the weights before the switch, the record gone,
// and the EC2 view read again (its target groups say which one is live); a listener changed since
// is left alone.
import * as assert from 'node:assert/strict';
import { DescribeListenersCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { switchBack } from '../../../src/commands/deploy/switchBack';
import { SwitchRecords, type SwitchRecord } from '../../../src/state/switches';
import { fakeDeps, FakeStore } from '../support/fakeDeps';
import { TestUserInput } from '../support/testUserInput';

const REGION = 'eu-west-1';
const LISTENER = `arn:aws:elasticloadbalancing:${REGION}:123456789012:listener/app/goapp-alb/1/2`;
const tg = (name: string) => `arn:aws:elasticloadbalancing:${REGION}:123456789012:targetgroup/${name}/0123456789abcdef`;
const [BLUE, GREEN] = [tg('goapp-blue'), tg('goapp-green')];
const forward = (blue: number, green: number) => [{ Type: 'forward' as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE, Weight: blue }, { TargetGroupArn: GREEN, Weight: green }] } }];

const record: SwitchRecord = {
  region: REGION,
  listenerArn: LISTENER,
  service: 'goapp',
  blue: 'goapp-blue',
  green: 'goapp-green',
  before: [{ targetGroupArn: BLUE, weight: 100 }, { targetGroupArn: GREEN, weight: 0 }],
  after: [{ targetGroupArn: BLUE, weight: 0 }, { targetGroupArn: GREEN, weight: 100 }],
  switchedAt: Date.now(),
  keepSeconds: 3600,
};

async function setup(now: { blue: number; green: number }) {
  const client = new ElasticLoadBalancingV2Client({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const elb = mockClient(client);
  elb.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: LISTENER, Port: 80, DefaultActions: forward(now.blue, now.green) }] });
  elb.on(ModifyListenerCommand).resolves({});
  const store = Object.assign(new FakeStore({}), { getSession: () => ({ elb: () => client }) });
  const deps = fakeDeps({ ui: new TestUserInput([]), store });
  await new SwitchRecords(deps.globalState).add(record);
  return { deps, elb, store };
}

describe('Switch Back (commands/deploy/switchBack.ts)', () => {
  it('puts the weights back in one ModifyListener, forgets the switch and reads the EC2 view again', async () => {
    const { deps, elb, store } = await setup({ blue: 0, green: 100 });
    assert.deepEqual(await switchBack(deps, { confirmed: true }), { status: 'switched', live: 'goapp-blue' });
    const calls = elb.commandCalls(ModifyListenerCommand);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].args[0].input.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.map((g) => [g.TargetGroupArn, g.Weight]), [[BLUE, 100], [GREEN, 0]]);
    assert.deepEqual(new SwitchRecords(deps.globalState).list(), []);
    assert.deepEqual(store.reloads, [{ region: REGION, services: ['ec2'] }]);
  });

  it('leaves a listener that was changed since alone, and keeps the record', async () => {
    const { deps, elb, store } = await setup({ blue: 50, green: 50 });
    await assert.rejects(switchBack(deps, { confirmed: true }), /no longer forwards as the switch left it \(50\/50\)/);
    assert.equal(elb.commandCalls(ModifyListenerCommand).length, 0);
    assert.equal(new SwitchRecords(deps.globalState).list().length, 1);
    assert.deepEqual(store.reloads, []);
  });
});
