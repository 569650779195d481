// The offer to create an EC2 Instance Connect Endpoint when nothing reaches the linked instance:
// a scripted person answers the picks and the plan; EC2 is scripted too. Creating leads to a
// new route decision (true); a local port is the caller's to ask (false); Escape and a left wait
// are cancels, the left wait with a note that the endpoint is still being created.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { Ec2Instance } from '../../../src/core/aws/types';
import * as core from '../../../src/core/db/index';
import { CancelledError } from '../../../src/core/errors';
import { offerInstanceConnectEndpoint, type EndpointOfferContext } from '../../../src/services/endpointOffer';
import { MemoryLog } from '../support/fakeDeps';
import { dryRunOk, fakeEc2 } from '../support/fakeEc2';
import { escape, pick, press, TestUserInput, type Answer } from '../support/testUserInput';

const instance: Ec2Instance = {
  region: 'eu-west-1', id: 'i-priv', name: 'priv', state: 'running', privateIp: '10.0.1.5', vpcId: 'vpc-1', subnetId: 'subnet-a', tags: {},
  networkInterfaces: [{ id: 'eni-1', deviceIndex: 0, securityGroupIds: ['sg-app'] }], securityGroupIds: [],
};
const db = { id: 'appdb', region: 'eu-west-1' };

function setup(answers: Answer[], describeState: (n: number, ui: TestUserInput) => string) {
  const ui = new TestUserInput(answers);
  const log = new MemoryLog();
  const { ec2, calls } = fakeEc2((name, input, n) => {
    if (input.DryRun) return dryRunOk();
    switch (name) {
      case 'DescribeSubnets':
        return { Subnets: [{ SubnetId: 'subnet-b', AvailabilityZone: 'eu-west-1b' }, { SubnetId: 'subnet-a', AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.1.0/24', Tags: [{ Key: 'Name', Value: 'private-a' }] }] };
      case 'DescribeSecurityGroups':
        return { SecurityGroups: [{ GroupId: 'sg-app', GroupName: 'app', IpPermissions: [] }, { GroupId: 'sg-default', GroupName: 'default', IpPermissions: [] }] };
      case 'CreateInstanceConnectEndpoint':
        return { InstanceConnectEndpoint: { InstanceConnectEndpointId: 'eice-new', State: 'create-in-progress' } };
      case 'DescribeInstanceConnectEndpoints':
        return { InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-new', State: describeState(n, ui), DnsName: 'eice-new.x.amazonaws.com', VpcId: 'vpc-1', SubnetId: 'subnet-a', SecurityGroupIds: ['sg-default'] }] };
      default:
        return {};
    }
  });
  const c: EndpointOfferContext = { log: log as unknown as vscode.LogOutputChannel, ui, store: { getSession: () => ({ ec2: () => ec2 }) } as unknown as EndpointOfferContext['store'] };
  const offer = () => offerInstanceConnectEndpoint(c, db, instance, 'no way to priv', { ...core, applyInstanceConnectEndpointPlan: (e, p, o) => core.applyInstanceConnectEndpointPlan(e, p, { ...o, pollMs: 1 }) });
  return { ui, log, calls, offer };
}

const create = pick(/^Create an EC2 Instance Connect Endpoint in vpc-1/);

describe('services: the offer to create an EC2 Instance Connect Endpoint', () => {
  it('create: the instance\'s subnet and the default group are offered first; the plan names the rule; it waits until create-complete', async () => {
    const { ui, log, calls, offer } = setup([create, pick('private-a'), pick('default'), press('Create')], (n) => (n < 2 ? 'create-in-progress' : 'create-complete'));
    assert.equal(await offer(), true);
    ui.assertDone();
    const picks = ui.shown.filter((s) => s.kind === 'pick');
    assert.deepEqual(picks[1].items, ['private-a', 'subnet-b']);
    assert.deepEqual(picks[2].items, ['default', 'app']);
    const modal = ui.shown.find((s) => s.kind === 'warning' && s.modal);
    assert.match(modal?.detail ?? '', /subnet subnet-a \(private-a, eu-west-1a, 10\.0\.1\.0\/24\) of vpc-1, with security group sg-default/);
    assert.match(modal?.detail ?? '', /group sg-app an inbound rule: TCP 22 from sg-default/);
    assert.ok(calls.includes('CreateInstanceConnectEndpoint') && calls.includes('AuthorizeSecurityGroupIngress'), calls.join(', '));
    assert.ok(ui.progress.some((m) => /Waiting for the EC2 Instance Connect Endpoint eice-new/.test(m)));
    assert.ok(log.lines.some((l) => /eice-new is ready in subnet-a/.test(l)), log.lines.join('\n'));
  });

  it('the ready message offers Undo: it runs Delete EC2 Instance Connect Endpoint… for that endpoint (its plan and progress)', async () => {
    const { ui, offer } = setup([create, pick('private-a'), pick('default'), press('Create'), press('Undo')], () => 'create-complete');
    assert.equal(await offer(), true);
    await new Promise((resolve) => setImmediate(resolve));
    ui.assertDone();
    assert.ok(ui.shown.some((s) => s.kind === 'info' && !s.modal && /eice-new is ready; i-priv is reached through it/.test(s.text) && s.items?.includes('Undo')), JSON.stringify(ui.shown));
    assert.deepEqual(ui.executed, [{ command: 'rdsLink.deleteInstanceConnectEndpoint', args: [{ region: 'eu-west-1', endpointId: 'eice-new' }] }]);
  });

  it('a local port instead: nothing is read or created; Escape, or no at the plan, is a cancel that changes nothing', async () => {
    const local = setup([pick(/^Give a local host:port/)], () => 'create-complete');
    assert.equal(await local.offer(), false);
    assert.deepEqual(local.calls, []);
    await assert.rejects(setup([escape], () => '').offer(), CancelledError);
    const declined = setup([create, pick('private-a'), pick('default'), escape], () => '');
    await assert.rejects(declined.offer(), CancelledError);
    assert.ok(!declined.calls.some((c) => /Create|Authorize/.test(c)), declined.calls.join(', '));
  });

  it('a cancel while waiting leaves the wait: a cancel, with a note that the endpoint is still being created', async () => {
    const { ui, calls, offer } = setup([create, pick('private-a'), pick('default'), press('Create')], (_n, u) => (u.cancelProgress(), 'create-in-progress'));
    await assert.rejects(offer(), CancelledError);
    assert.ok(ui.shown.some((s) => s.kind === 'info' && /eice-new is still being created\. Run the command again once it is ready/.test(s.text)), JSON.stringify(ui.shown));
    assert.ok(!calls.some((c) => /Delete|Revoke/.test(c)));
  });
});
