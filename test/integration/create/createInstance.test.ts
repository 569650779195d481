import * as assert from 'node:assert/strict';
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  InstanceCreateFailedError,
  SSM_POLICY_ARN,
  SSM_ROLE_NAME,
  amiParameterName,
  applyCreateInstance,
  createSdkDbCreateApi,
  createSdkInstanceCreateApi,
  defaultInstanceType,
  planCreateInstance,
  prepareCreateInstance,
  type InstanceCreateApi,
} from '../../../src/core/aws/create';
import { clientConfig } from '../aws/sandbox';
import { useSandbox } from './sandboxHooks';

describe('create an instance against moto: AL2023 from its SSM parameter, SSH from one address, the SSM profile, rollback', function () {
  const region = 'us-east-1';
  const wait = { minDelaySeconds: 1, maxWaitSeconds: 30 };
  // moto knows AWS's managed policies (AmazonSSMManagedInstanceCore) only when told to load them.
  const loadPolicies = process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
  before(() => {
    process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  });
  const box = useSandbox(region);
  let ssm: SSMClient;
  let iam: IAMClient;
  before(() => {
    if (loadPolicies === undefined) delete process.env.MOTO_IAM_LOAD_MANAGED_POLICIES;
    else process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = loadPolicies;
    ssm = new SSMClient(clientConfig(box.moto.endpoint, region));
    iam = new IAMClient(clientConfig(box.moto.endpoint, region));
  });
  after(() => {
    ssm?.destroy();
    iam?.destroy();
  });

  async function plan(name: string, ssmProfile: boolean) {
    const api = createSdkInstanceCreateApi(box.ec2, ssm, iam);
    const context = await prepareCreateInstance(api, createSdkDbCreateApi(box.rds, box.ec2, region), region, { vpcId: box.ids.vpcId, architecture: 'x86_64', ssmProfile });
    const p = planCreateInstance(context, { name, os: 'al2023', architecture: 'x86_64', subnetId: box.ids.publicSubnetId, inbound: { kind: 'sshFromIp', ip: '203.0.113.7' }, ssmProfile });
    return { context, plan: p, api };
  }

  const roleExists = () => iam.send(new GetRoleCommand({ RoleName: SSM_ROLE_NAME })).then(() => true, (err: unknown) => ((err as Error).name === 'NoSuchEntityException' ? false : Promise.reject(err)));

  it('the public AL2023 parameter resolves to an AMI moto knows, of that architecture', async () => {
    const api = createSdkInstanceCreateApi(box.ec2, ssm, iam);
    const imageId = await api.readParameter(amiParameterName('al2023', 'x86_64'));
    assert.match(imageId, /^ami-/);
    assert.equal(await api.describeImageArchitecture(imageId), 'x86_64');
  });

  it('launches from the AMI the public parameter names, with a group that lets SSH in from that address only, and no profile', async () => {
    const { plan: p, api, context } = await plan('new-web', false);
    assert.ok(context.types.length > 0 && context.types.every((x) => x.freeTierEligible));
    assert.equal(p.instanceType, defaultInstanceType(context.types, 'x86_64'));
    assert.equal(p.status, 'ready', p.refusals.map((r) => r.message).join());
    assert.equal(p.profile, undefined);
    const result = await applyCreateInstance(p, api, { wait });
    assert.match(result.imageId, /^ami-/);
    assert.equal(result.statusOk, true);

    const i = (await box.ec2.send(new DescribeInstancesCommand({ InstanceIds: [result.instanceId] }))).Reservations?.[0]?.Instances?.[0];
    assert.equal(i?.ImageId, result.imageId);
    assert.equal(i?.State?.Name, 'running');
    assert.equal(i?.InstanceType, p.instanceType);
    assert.equal(i?.SubnetId, box.ids.publicSubnetId);
    assert.equal(i?.IamInstanceProfile, undefined);
    assert.deepEqual(i?.SecurityGroups?.map((g) => g.GroupId), [result.securityGroupId]);
    assert.deepEqual(Object.fromEntries((i?.Tags ?? []).map((tag) => [tag.Key, tag.Value])), { Name: 'new-web', 'rds-link:created-by': 'rds-link' });
    assert.equal(i?.MetadataOptions?.HttpTokens, 'required');
    const userData = await box.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: result.instanceId, Attribute: 'userData' }));
    assert.equal(userData.UserData?.Value, undefined);

    const g = (await box.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [result.securityGroupId] }))).SecurityGroups?.[0];
    assert.deepEqual(g?.IpPermissions?.map((x) => [x.IpProtocol, x.FromPort, x.ToPort, x.IpRanges?.map((r) => r.CidrIp)]), [['tcp', 22, 22, ['203.0.113.7/32']]]);
  });

  it('rolls back a failed RunInstances with the profile: the group, the role, its policy and the profile made for it are deleted', async () => {
    const { plan: p, api } = await plan('doomed-launch', true);
    assert.deepEqual(p.profile && [p.profile.createRole, p.profile.attachPolicy, p.profile.createProfile, p.profile.addRoleToProfile], [true, true, true, true]);
    const failing: InstanceCreateApi = { ...api, runInstance: () => Promise.reject(Object.assign(new Error('We currently do not have sufficient capacity'), { name: 'InsufficientInstanceCapacity' })) };
    await assert.rejects(applyCreateInstance(p, failing, { wait }), (err: unknown) => err instanceof InstanceCreateFailedError && err.rollback.leftovers.length === 0 && err.rollback.undone.length === 5);
    assert.equal(await roleExists(), false);
    await assert.rejects(iam.send(new GetInstanceProfileCommand({ InstanceProfileName: SSM_ROLE_NAME })), (err: unknown) => (err as Error).name === 'NoSuchEntityException');
    const left = await box.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [p.securityGroup.name] }] }));
    assert.deepEqual(left.SecurityGroups, []);
  });

  it('creates the SSM role and instance profile when missing and launches with it; the next plan reuses them', async () => {
    const { plan: p, api } = await plan('ssm-web', true);
    const result = await applyCreateInstance(p, api, { wait, profileRetryDelaysMs: [200, 500] });
    const i = (await box.ec2.send(new DescribeInstancesCommand({ InstanceIds: [result.instanceId] }))).Reservations?.[0]?.Instances?.[0];
    assert.match(i?.IamInstanceProfile?.Arn ?? '', /instance-profile\/rds-link-ec2-ssm$/);
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: SSM_ROLE_NAME }));
    assert.deepEqual(attached.AttachedPolicies?.map((x) => x.PolicyArn), [SSM_POLICY_ARN]);
    const profile = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: SSM_ROLE_NAME }));
    assert.deepEqual(profile.InstanceProfile?.Roles?.map((r) => r.RoleName), [SSM_ROLE_NAME]);
    const role = await iam.send(new GetRoleCommand({ RoleName: SSM_ROLE_NAME }));
    assert.match(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? ''), /ec2\.amazonaws\.com/);

    const again = await plan('ssm-web-2', true);
    assert.deepEqual(again.context.profile, { roleExists: true, policyAttached: true, profileExists: true, roleInProfile: true });
    assert.deepEqual(again.plan.profile && [again.plan.profile.createRole, again.plan.profile.attachPolicy, again.plan.profile.createProfile, again.plan.profile.addRoleToProfile], [false, false, false, false]);
  });

  it('terminates the instance and deletes its group when a step after the launch fails', async () => {
    const { plan: p, api } = await plan('doomed-web', false);
    let launched = '';
    const failing: InstanceCreateApi = {
      ...api,
      runInstance: async (input) => (launched = await api.runInstance(input)),
      waitStatusOk: () => Promise.reject(new Error('impaired')),
    };
    await assert.rejects(applyCreateInstance(p, failing, { wait }), (err: unknown) => err instanceof InstanceCreateFailedError && err.rollback.leftovers.length === 0);
    const i = (await box.ec2.send(new DescribeInstancesCommand({ InstanceIds: [launched] }))).Reservations?.[0]?.Instances?.[0];
    assert.equal(i?.State?.Name, 'terminated');
    const left = await box.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [p.securityGroup.name] }] }));
    assert.deepEqual(left.SecurityGroups, []);
  });
});
