// Creating an EC2 Instance Connect Endpoint for an instance without a public IP, against moto
// behind the EC2 shim (moto lacks CreateInstanceConnectEndpoint; the shim answers it, DryRun
// included, create-in-progress then create-complete): the choices read from moto, the plan, the
// rule in moto afterwards, and the route decision finding the new endpoint; then the undo
// (DeleteInstanceConnectEndpoint, answered by the shim too) taking the endpoint and exactly its
// rule (by id, RevokeSecurityGroupIngress in moto) back. What moto cannot show
// (a failed create, a left wait) is in test/unit/instance/eice/create.test.ts.
import * as assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DeleteInstanceConnectEndpointCommand, DescribeImagesCommand, DescribeInstanceConnectEndpointsCommand,
  DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { listInstances } from '../../../../src/core/aws/ec2';
import { AwsSession } from '../../../../src/core/aws/session';
import { applyInstanceConnectEndpointPlan, ENDPOINT_RULE_DESCRIPTION, endpointTargetOf, planInstanceConnectEndpoint, readEndpointChoices } from '../../../../src/core/instance/eice/create';
import { findInstanceConnectEndpoint } from '../../../../src/core/instance/eice/endpoints';
import { applyInstanceConnectEndpointRemoval, endpointRuleOf, isRulePresent, listInstanceConnectEndpointsCreatedHere, planInstanceConnectEndpointRemoval } from '../../../../src/core/instance/eice/remove';
import { startEc2Shim, startEiceStandIn, startMoto, type Ec2Shim, type EiceStandIn, type MotoServer } from '../../support';
import { clientConfig } from '../../aws/sandbox';

const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('EICE: creating an endpoint for an instance without a public IP (moto behind the EC2 shim)', function () {
  this.timeout(60_000);
  let moto: MotoServer | undefined;
  let standIn: EiceStandIn | undefined;
  let shim: Ec2Shim | undefined;
  let session: AwsSession | undefined;
  let ids: { vpcId: string; subnetId: string; appGroup: string; linkGroup: string; instanceId: string };

  before(async () => {
    moto = await startMoto();
    const ec2 = new EC2Client(clientConfig(moto.endpoint, REGION));
    try {
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId ?? '';
      const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.1.0/24', AvailabilityZone: `${REGION}b` }))).Subnet?.SubnetId ?? '';
      const group = async (name: string) => (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }))).GroupId ?? '';
      const [linkGroup, appGroup] = [await group('ec2-rds-1'), await group('app')];
      const image = (await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['amzn*'] }] }))).Images?.[0]?.ImageId;
      const run = await ec2.send(new RunInstancesCommand({ ImageId: image, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, AssociatePublicIpAddress: false, Groups: [linkGroup, appGroup] }] }));
      ids = { vpcId, subnetId, appGroup, linkGroup, instanceId: run.Instances?.[0]?.InstanceId ?? '' };
    } finally {
      ec2.destroy();
    }
    standIn = await startEiceStandIn({ endpoints: [], credentials, region: REGION, route: () => undefined });
    shim = await startEc2Shim({ moto: moto.endpoint, endpoints: [], tunnel: standIn, createDelayMs: 1200 });
    session = new AwsSession({ endpointUrl: shim.endpoint, credentials: async () => credentials });
  });

  after(async () => {
    session?.dispose();
    await shim?.stop();
    await standIn?.stop();
    await moto?.stop();
  });

  it('plans with the VPC\'s choices, adds the rule on the instance\'s own group, creates, waits until create-complete; the route then finds it', async () => {
    assert.ok(session && shim);
    const ec2 = session.ec2(REGION);
    const instance = (await listInstances(ec2, REGION)).find((i) => i.id === ids.instanceId);
    assert.ok(instance?.vpcId && !instance.publicIp);
    assert.equal(await findInstanceConnectEndpoint(ec2, { vpcId: ids.vpcId, subnetId: ids.subnetId }), undefined, 'no endpoint yet');
    const target = endpointTargetOf(instance);
    const choices = await readEndpointChoices(ec2, target);
    assert.equal(choices.subnets[0].id, ids.subnetId, 'the instance\'s subnet first');
    assert.equal(choices.groups[0].name, 'default', 'the VPC\'s default group first');
    const plan = planInstanceConnectEndpoint(target, choices.subnets[0], choices.groups[0].id, choices);
    assert.deepEqual(plan.addRule, { groupId: ids.appGroup, fromGroupId: choices.groups[0].id }, 'not on the link\'s ec2-rds-1');

    const progress: string[] = [];
    const started = Date.now();
    const endpoint = await applyInstanceConnectEndpointPlan(ec2, plan, { pollMs: 200, onProgress: (m) => progress.push(m) });
    assert.ok(Date.now() - started >= 1000, 'it waited for create-complete');
    assert.ok(progress.some((m) => /create-in-progress/.test(m)), progress.join('\n'));
    assert.equal(endpoint.state, 'create-complete');
    assert.equal(endpoint.subnetId, ids.subnetId);
    assert.deepEqual(endpoint.securityGroupIds, [choices.groups[0].id]);
    assert.equal(shim.created.length, 1);

    const found = await findInstanceConnectEndpoint(ec2, { vpcId: ids.vpcId, subnetId: ids.subnetId });
    assert.equal(found?.endpoint.id, endpoint.id);
    assert.equal(found?.match, 'subnet');

    const raw = new EC2Client(clientConfig(moto?.endpoint ?? '', REGION));
    try {
      const app = (await raw.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids.appGroup] }))).SecurityGroups?.[0];
      const ssh = app?.IpPermissions?.find((p) => p.FromPort === 22 && p.ToPort === 22);
      assert.deepEqual(ssh?.UserIdGroupPairs?.map((u) => [u.GroupId, u.Description]), [[choices.groups[0].id, ENDPOINT_RULE_DESCRIPTION]]);
      const link = (await raw.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids.linkGroup] }))).SecurityGroups?.[0];
      assert.deepEqual(link?.IpPermissions ?? [], [], 'the link\'s group is untouched');
    } finally {
      raw.destroy();
    }
    // Planned again, the rule is there: nothing to add.
    const again = planInstanceConnectEndpoint(target, choices.subnets[0], choices.groups[0].id, await readEndpointChoices(ec2, target));
    assert.equal(again.addRule, undefined);
    assert.equal(again.ruleExists, ids.appGroup);
  });

  it('the undo: lists it as RDS Link\'s, deletes it (delete-in-progress, then delete-complete) and revokes exactly its rule, by id, in moto', async () => {
    assert.ok(session && shim && moto);
    const ec2 = session.ec2(REGION);
    const listed = await listInstanceConnectEndpointsCreatedHere(ec2);
    assert.equal(listed.length, 1);
    const [endpoint] = listed;
    const rule = endpointRuleOf(endpoint);
    assert.equal(rule?.groupId, ids.appGroup);
    const raw = new EC2Client(clientConfig(moto.endpoint, REGION));
    try {
      const rulesOfApp = async () => (await raw.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.appGroup] }] }))).SecurityGroupRules ?? [];
      assert.ok((await rulesOfApp()).some((r) => r.SecurityGroupRuleId === rule?.ruleId && r.FromPort === 22 && !r.IsEgress), 'the tag names the rule moto holds');
      const before = (await rulesOfApp()).length;
      assert.ok(rule && (await isRulePresent(ec2, rule)));
      const plan = planInstanceConnectEndpointRemoval(endpoint, true);
      const progress: string[] = [];
      const removal = await applyInstanceConnectEndpointRemoval(ec2, plan, { pollMs: 200, onProgress: (m) => progress.push(m) });
      assert.deepEqual(removal, { revoked: rule, gone: true });
      assert.ok(progress.some((m) => /delete-in-progress/.test(m)), progress.join('\n'));
      assert.deepEqual(shim.deleted, [endpoint.id]);
      const after = await rulesOfApp();
      assert.equal(after.length, before - 1, 'one rule went');
      assert.ok(!after.some((r) => r.SecurityGroupRuleId === rule.ruleId));
      assert.equal(await isRulePresent(ec2, rule), false);
    } finally {
      raw.destroy();
    }
    const state = (await ec2.send(new DescribeInstanceConnectEndpointsCommand({ InstanceConnectEndpointIds: [endpoint.id] }))).InstanceConnectEndpoints?.[0]?.State;
    assert.equal(state, 'delete-complete');
    assert.deepEqual(await listInstanceConnectEndpointsCreatedHere(ec2), []);
    assert.equal(await findInstanceConnectEndpoint(ec2, { vpcId: ids.vpcId, subnetId: ids.subnetId }), undefined, 'the route no longer finds it');
    await assert.rejects(ec2.send(new DeleteInstanceConnectEndpointCommand({ InstanceConnectEndpointId: endpoint.id })), (e: Error) => e.name === 'InvalidInstanceConnectEndpointId.NotFound');
  });

  it('a DryRun that the shim answers like EC2 (DryRunOperation) lets nothing be created', async () => {
    assert.ok(session && shim);
    const ec2 = session.ec2(REGION);
    const before = shim.created.length;
    const raw = new EC2Client(clientConfig(shim.endpoint, REGION));
    try {
      await assert.rejects(raw.send(new AuthorizeSecurityGroupIngressCommand({ DryRun: true, GroupId: ids.appGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 23, ToPort: 23, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] })), (e: Error) => e.name === 'DryRunOperation');
    } finally {
      raw.destroy();
    }
    const { CreateInstanceConnectEndpointCommand } = await import('@aws-sdk/client-ec2');
    await assert.rejects(ec2.send(new CreateInstanceConnectEndpointCommand({ DryRun: true, SubnetId: ids.subnetId })), (e: Error) => e.name === 'DryRunOperation');
    assert.equal(shim.created.length, before);
  });
});
