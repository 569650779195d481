import * as assert from 'node:assert/strict';
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  InstanceCreateFailedError,
  applyCreateInstance,
  classifySubnets,
  createSdkDbCreateApi,
  createSdkEc2InstanceParts,
  defaultInstanceType,
  planCreateInstance,
  type InstanceCreateApi,
} from '../../../src/core/aws/create';
import { useSandbox } from './sandboxHooks';

/**
 * @aws-sdk/client-ssm is not a dependency yet, so the test reads the public parameter from moto
 * with a plain JSON request (moto does not check signatures); the IAM calls are not used here.
 */
function motoSsm(endpoint: string): Pick<InstanceCreateApi, 'readParameter'> {
  return {
    async readParameter(name) {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter', authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0' },
        body: JSON.stringify({ Name: name }),
      });
      const body = (await res.json()) as { Parameter?: { Value?: string }; message?: string };
      if (!res.ok || !body.Parameter?.Value) throw new Error(`GetParameter ${name}: ${body.message ?? res.status}`);
      return body.Parameter.Value;
    },
  };
}

const noIam = new Proxy({}, { get: () => () => Promise.reject(new Error('IAM is not used in this test')) }) as InstanceCreateApi;

describe('create an instance against moto: AL2023 from its SSM parameter, SSH from one address, rollback', function () {
  const region = 'us-east-1';
  const wait = { minDelaySeconds: 1, maxWaitSeconds: 30 };
  const box = useSandbox(region);

  async function plan(name: string) {
    const reads = createSdkDbCreateApi(box.rds, box.ec2, region);
    const parts = createSdkEc2InstanceParts(box.ec2);
    const [subnets, tables, types] = await Promise.all([reads.describeSubnets(box.ids.vpcId), reads.describeRouteTables(box.ids.vpcId), parts.listFreeTierTypes('x86_64')]);
    return {
      types,
      plan: planCreateInstance(
        { region, vpcId: box.ids.vpcId, subnets: classifySubnets(subnets, tables), types, groupNames: [] },
        { name, os: 'al2023', architecture: 'x86_64', subnetId: box.ids.publicSubnetId, inbound: { kind: 'sshFromIp', ip: '203.0.113.7' }, ssmProfile: false },
      ),
      api: { ...noIam, ...parts, ...motoSsm(box.moto.endpoint) } as InstanceCreateApi,
    };
  }

  it('launches from the AMI the public parameter names, with a group that lets SSH in from that address only', async () => {
    const { plan: p, api, types } = await plan('new-web');
    assert.ok(types.length > 0 && types.every((x) => x.freeTierEligible));
    assert.equal(p.instanceType, defaultInstanceType(types, 'x86_64'));
    assert.equal(p.status, 'ready', p.refusals.map((r) => r.message).join());
    const result = await applyCreateInstance(p, api, { wait });
    assert.match(result.imageId, /^ami-/);

    const i = (await box.ec2.send(new DescribeInstancesCommand({ InstanceIds: [result.instanceId] }))).Reservations?.[0]?.Instances?.[0];
    assert.equal(i?.ImageId, result.imageId);
    assert.equal(i?.State?.Name, 'running');
    assert.equal(i?.InstanceType, p.instanceType);
    assert.equal(i?.SubnetId, box.ids.publicSubnetId);
    assert.deepEqual(i?.SecurityGroups?.map((g) => g.GroupId), [result.securityGroupId]);
    assert.deepEqual(Object.fromEntries((i?.Tags ?? []).map((tag) => [tag.Key, tag.Value])), { Name: 'new-web', 'rds-link:created-by': 'rds-link' });
    assert.equal(i?.MetadataOptions?.HttpTokens, 'required');
    const userData = await box.ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: result.instanceId, Attribute: 'userData' }));
    assert.equal(userData.UserData?.Value, undefined);

    const g = (await box.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [result.securityGroupId] }))).SecurityGroups?.[0];
    assert.deepEqual(g?.IpPermissions?.map((x) => [x.IpProtocol, x.FromPort, x.ToPort, x.IpRanges?.map((r) => r.CidrIp)]), [['tcp', 22, 22, ['203.0.113.7/32']]]);
  });

  it('terminates the instance and deletes its group when a step after the launch fails', async () => {
    const { plan: p, api } = await plan('doomed-web');
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
