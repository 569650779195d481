import * as assert from 'node:assert/strict';
import {
  InstanceCreateFailedError,
  amiParameterName,
  applyCreateInstance,
  defaultInstanceType,
  describeCreateInstance,
  planCreateInstance,
  sshSourceProblem,
  type InstanceCreateApi,
  type InstanceCreateContext,
} from '../../../src/core/aws/create';
import { CancelledError } from '../../../src/core/errors';
import { recordingInstanceCreateApi } from '../support/fakeInstanceCreateApi';

const VPC = 'vpc-1';
const types = [
  { type: 'c7i-flex.large', architectures: ['x86_64' as const], freeTierEligible: true, vcpus: 2, memoryMiB: 4096 },
  { type: 't3.micro', architectures: ['x86_64' as const], freeTierEligible: true, vcpus: 2, memoryMiB: 1024 },
  { type: 't4g.micro', architectures: ['arm64' as const], freeTierEligible: true, vcpus: 2, memoryMiB: 1024 },
  { type: 'm5.large', architectures: ['x86_64' as const], freeTierEligible: false, vcpus: 2, memoryMiB: 8192 },
];
const context = (over: Partial<InstanceCreateContext> = {}): InstanceCreateContext => ({
  region: 'us-east-1',
  vpcId: VPC,
  subnets: [
    { id: 'subnet-priv', vpcId: VPC, availabilityZone: 'a', public: false },
    { id: 'subnet-pub', vpcId: VPC, availabilityZone: 'b', public: true },
  ],
  types,
  groupNames: ['default', 'rds-link-web'],
  ...over,
});
const ssh = { kind: 'sshFromIp' as const, ip: '203.0.113.7' };

describe('create: the plan of a new instance', () => {
  it('names the public SSM parameters, never an AMI id', () => {
    assert.equal(amiParameterName('al2023', 'x86_64'), '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    assert.equal(amiParameterName('al2023', 'arm64'), '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
    assert.equal(amiParameterName('ubuntu', 'x86_64'), '/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id');
    assert.equal(amiParameterName('ubuntu', 'arm64'), '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id');
  });

  it('defaults to the smallest free-tier type of the architecture', () => {
    assert.equal(defaultInstanceType(types, 'x86_64'), 't3.micro');
    assert.equal(defaultInstanceType(types, 'arm64'), 't4g.micro');
    assert.equal(defaultInstanceType([], 'arm64'), 't4g.micro');
  });

  it('lets SSH in from the caller\'s address only, in a public subnet, with no user data and our tags', () => {
    const plan = planCreateInstance(context(), { name: 'web', os: 'al2023', architecture: 'x86_64', inbound: ssh, ssmProfile: false });
    assert.equal(plan.status, 'ready');
    assert.equal(plan.subnetId, 'subnet-pub');
    assert.deepEqual(plan.securityGroup.ingressCidrs, ['203.0.113.7/32']);
    assert.equal(plan.securityGroup.name, 'rds-link-web-2', 'a free group name');
    assert.equal(plan.userData, undefined);
    assert.equal(plan.osUser, 'ec2-user');
    assert.equal(plan.freeTierEligible, true);
    assert.deepEqual(plan.tags, { Name: 'web', 'rds-link:created-by': 'rds-link' });
    const text = describeCreateInstance(plan).join('\n');
    assert.match(text, /SSH \(TCP 22\) in from 203\.0\.113\.7\/32 only/);
    assert.match(text, /No user data: nothing is installed on it/);
    assert.match(text, /al2023-ami-kernel-default-x86_64/);
  });

  it('with no inbound, picks a private subnet and says how to reach it', () => {
    const plan = planCreateInstance(context(), { name: 'app', os: 'ubuntu', architecture: 'arm64', inbound: { kind: 'none' }, ssmProfile: false });
    assert.equal(plan.subnetId, 'subnet-priv');
    assert.deepEqual(plan.securityGroup.ingressCidrs, []);
    assert.equal(plan.instanceType, 't4g.micro');
    assert.match(plan.notes.join(), /SSM Session Manager or an EC2 Instance Connect Endpoint/);
  });

  it('refuses a private or malformed SSH source, a type not offered and a subnet of another VPC', () => {
    assert.match(sshSourceProblem('192.168.1.4') ?? '', /not a public address/);
    assert.match(sshSourceProblem('10.0.0.1') ?? '', /not a public address/);
    assert.match(sshSourceProblem('300.1.1.1') ?? '', /not an IPv4 address/);
    assert.equal(sshSourceProblem('198.51.100.20'), undefined);
    const plan = planCreateInstance(context(), { name: 'web', os: 'al2023', architecture: 'arm64', instanceType: 'm5.large', subnetId: 'subnet-x', inbound: { kind: 'sshFromIp', ip: '10.1.2.3' }, ssmProfile: false });
    assert.deepEqual(plan.refusals.map((r) => r.code), ['instanceType', 'subnet', 'sshSource']);
  });

  it('plans only the missing instance profile parts', () => {
    const fresh = planCreateInstance(context(), { name: 'web', os: 'al2023', architecture: 'x86_64', inbound: ssh, ssmProfile: true });
    assert.deepEqual(fresh.profile && [fresh.profile.createRole, fresh.profile.attachPolicy, fresh.profile.createProfile, fresh.profile.addRoleToProfile], [true, true, true, true]);
    assert.equal(fresh.profile?.policyArn, 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    const half = planCreateInstance(context({ profile: { roleExists: true, policyAttached: true, profileExists: true, roleInProfile: false } }), { name: 'web', os: 'al2023', architecture: 'x86_64', inbound: ssh, ssmProfile: true });
    assert.deepEqual(half.profile && [half.profile.createRole, half.profile.attachPolicy, half.profile.createProfile, half.profile.addRoleToProfile], [false, false, false, true]);
  });
});

/** An InstanceCreateApi that records calls and fails where told. */
const fakeApi = (failAt?: keyof InstanceCreateApi, arch: 'x86_64' | 'arm64' = 'x86_64') => recordingInstanceCreateApi({ ...(failAt ? { failAt } : {}), arch });

describe('create: applying an instance plan', () => {
  const plan = planCreateInstance(context(), { name: 'web', os: 'al2023', architecture: 'x86_64', inbound: ssh, ssmProfile: true });

  it('resolves the AMI, makes the group, the profile, launches and waits for status OK', async () => {
    const { api, calls } = fakeApi();
    const result = await applyCreateInstance(plan, api);
    assert.deepEqual(result, {
      instanceId: 'i-new',
      imageId: 'ami-123',
      securityGroupId: 'sg-new',
      statusOk: true,
      created: ['security group rds-link-web-2 (sg-new)', 'role rds-link-ec2-ssm', 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore attached to rds-link-ec2-ssm', 'instance profile rds-link-ec2-ssm', 'role rds-link-ec2-ssm in instance profile rds-link-ec2-ssm', 'instance web (i-new)'],
    });
    assert.equal(calls[0], 'readParameter(/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64)');
    assert.equal(calls.at(-1), 'waitStatusOk(i-new)');
  });

  it('terminates what it launched and deletes what it made when the status checks fail', async () => {
    const { api, calls } = fakeApi('waitStatusOk');
    await assert.rejects(applyCreateInstance(plan, api), (err: unknown) => {
      assert.ok(err instanceof InstanceCreateFailedError);
      assert.deepEqual(err.rollback.leftovers, []);
      assert.match(err.message, /^Creating the instance failed: waitStatusOk failed\. Rolled back .*AWS is as it was\.$/);
      return true;
    });
    assert.deepEqual(calls.slice(calls.indexOf('waitStatusOk(i-new)') + 1), [
      'terminateInstance(i-new)', 'waitTerminated(i-new)',
      'removeRoleFromInstanceProfile(rds-link-ec2-ssm,rds-link-ec2-ssm)', 'deleteInstanceProfile(rds-link-ec2-ssm)',
      'detachRolePolicy(rds-link-ec2-ssm,arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore)', 'deleteRole(rds-link-ec2-ssm)',
      'deleteSecurityGroup(sg-new)',
    ]);
  });

  it('touches nothing that existed before, and refuses an AMI of the other architecture', async () => {
    const kept = planCreateInstance(context({ profile: { roleExists: true, policyAttached: true, profileExists: true, roleInProfile: true } }), { name: 'web', os: 'al2023', architecture: 'x86_64', inbound: { kind: 'none' }, ssmProfile: true });
    const { api, calls } = fakeApi('runInstance');
    await assert.rejects(applyCreateInstance(kept, api), InstanceCreateFailedError);
    assert.deepEqual(calls.filter((c) => /Role|Profile|Policy/.test(c)), []);
    assert.deepEqual(calls.slice(-1), ['deleteSecurityGroup(sg-new)']);

    const wrong = fakeApi(undefined, 'arm64');
    await assert.rejects(applyCreateInstance(plan, wrong.api), /an arm64 image, not x86_64\. Nothing had been changed/);
    assert.ok(!wrong.calls.some((c) => c.startsWith('create')));
  });

  it('leaveWaitOnCancel: a cancel during the status wait leaves it, and the instance stays; before the launch it still rolls back', async () => {
    const { api, calls } = fakeApi();
    const controller = new AbortController();
    api.waitStatusOk = () => {
      controller.abort();
      return Promise.reject(new CancelledError());
    };
    const result = await applyCreateInstance(plan, api, { signal: controller.signal, leaveWaitOnCancel: true });
    assert.equal(result.statusOk, false);
    assert.equal(result.instanceId, 'i-new');
    assert.ok(!calls.some((c) => c.startsWith('terminate') || c.startsWith('delete')), calls.join());

    const early = fakeApi();
    const stop = new AbortController();
    const createGroup = early.api.createSecurityGroup;
    early.api.createSecurityGroup = async (input) => {
      const id = await createGroup(input);
      stop.abort();
      return id;
    };
    await assert.rejects(applyCreateInstance(plan, early.api, { signal: stop.signal, leaveWaitOnCancel: true }), (err: unknown) => err instanceof InstanceCreateFailedError && err.cancelled);
    assert.ok(early.calls.includes('deleteSecurityGroup(sg-new)'), early.calls.join());
    assert.ok(!early.calls.some((c) => c.startsWith('runInstance')));
  });

  it('rolls back on cancel, as a cancellation', async () => {
    const { api, calls } = fakeApi();
    const controller = new AbortController();
    const original = api.runInstance;
    api.runInstance = async (input) => {
      const id = await original(input);
      controller.abort();
      return id;
    };
    await assert.rejects(applyCreateInstance(plan, api, { signal: controller.signal }), (err: unknown) => {
      assert.ok(err instanceof InstanceCreateFailedError);
      assert.equal(err.cancelled, true);
      assert.equal(err.name, 'Canceled');
      return true;
    });
    assert.ok(calls.includes('terminateInstance(i-new)'));
    assert.ok(!calls.includes('waitStatusOk(i-new)'));
  });
});
