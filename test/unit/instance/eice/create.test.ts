// Creating an EC2 Instance Connect Endpoint: the plan (which rule, on which group) and what moto
// cannot show of the apply — the order of the calls, the wait through create-in-progress, a
// create-failed endpoint, a create that fails taking its rule back, and a wait that is left
// without deleting anything. EC2 is a scripted fake here.
import * as assert from 'node:assert/strict';
import { CancelledError } from '../../../../src/core/errors';
import {
  applyInstanceConnectEndpointPlan,
  endpointTags,
  EndpointWaitLeftError,
  planInstanceConnectEndpoint,
  type EndpointTarget,
  type GroupChoice,
  type IngressFromGroups,
} from '../../../../src/core/instance/eice/create';
import { dryRunOk, fakeEc2 } from '../../support/fakeEc2';

const instance: EndpointTarget = { id: 'i-priv', name: 'priv', vpcId: 'vpc-1', subnetId: 'subnet-a', securityGroupIds: ['sg-link', 'sg-app'] };
const subnet = { id: 'subnet-a', availabilityZone: 'eu-west-1a', name: 'private-a', cidr: '10.0.1.0/24' };
const groups: GroupChoice[] = [
  { id: 'sg-default', name: 'default', isDefault: true },
  { id: 'sg-link', name: 'ec2-rds-1', isDefault: false },
  { id: 'sg-app', name: 'app', isDefault: false },
];

describe('EICE: planning an endpoint for an instance', () => {
  it('adds TCP 22 from the endpoint\'s group on the instance\'s own group, never on the link\'s ec2-rds group', () => {
    const plan = planInstanceConnectEndpoint(instance, subnet, 'sg-default', { groups, ingress: [] });
    assert.deepEqual(plan.addRule, { groupId: 'sg-app', fromGroupId: 'sg-default' });
    assert.equal(plan.ruleExists, undefined);
    assert.match(plan.lines[0], /subnet subnet-a \(private-a, eu-west-1a, 10\.0\.1\.0\/24\) of vpc-1, with security group sg-default/);
    assert.match(plan.lines[1], /group sg-app an inbound rule: TCP 22 from sg-default/);
  });

  it('adds nothing when one of the instance\'s groups allows 22 (a port range, or all traffic) from that group already', () => {
    const cases: IngressFromGroups[] = [
      { groupId: 'sg-app', protocol: 'tcp', fromPort: 20, toPort: 25, sourceGroupIds: ['sg-default'] },
      { groupId: 'sg-link', protocol: '-1', sourceGroupIds: ['sg-default'] },
    ];
    for (const rule of cases) {
      const plan = planInstanceConnectEndpoint(instance, subnet, 'sg-default', { groups, ingress: [rule] });
      assert.equal(plan.addRule, undefined);
      assert.equal(plan.ruleExists, rule.groupId);
      assert.match(plan.lines[1], /already allows TCP 22 from sg-default: no rule to add/);
    }
    // 22 from another group, or another port: still to add.
    const other = planInstanceConnectEndpoint(instance, subnet, 'sg-default', { groups, ingress: [{ groupId: 'sg-app', protocol: 'tcp', fromPort: 22, toPort: 22, sourceGroupIds: ['sg-other'] }, { groupId: 'sg-app', protocol: 'tcp', fromPort: 3306, toPort: 3306, sourceGroupIds: ['sg-default'] }] });
    assert.deepEqual(other.addRule, { groupId: 'sg-app', fromGroupId: 'sg-default' });
  });

  it('refuses when the instance holds only the link\'s group (it must keep exactly its one rule)', () => {
    assert.throws(() => planInstanceConnectEndpoint({ ...instance, securityGroupIds: ['sg-link'] }, subnet, 'sg-default', { groups, ingress: [] }), /no security group of its own.*ec2-rds group must keep its one rule/);
  });
});

const described = (state: string, extra: Record<string, unknown> = {}) => ({
  InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-new', State: state, DnsName: 'eice-new.x.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com', VpcId: 'vpc-1', SubnetId: 'subnet-a', SecurityGroupIds: ['sg-default'], ...extra }],
});

describe('EICE: creating the endpoint (scripted EC2)', () => {
  const plan = planInstanceConnectEndpoint(instance, subnet, 'sg-default', { groups, ingress: [] });

  it('proves the permissions with DryRun, adds the rule, creates, and waits through create-in-progress', async () => {
    const progress: string[] = [];
    const { ec2, calls } = fakeEc2((name, input, n) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'CreateInstanceConnectEndpoint') return { InstanceConnectEndpoint: { InstanceConnectEndpointId: 'eice-new', State: 'create-in-progress' } };
      if (name === 'DescribeInstanceConnectEndpoints') return described(n < 3 ? 'create-in-progress' : 'create-complete');
      return {};
    });
    const endpoint = await applyInstanceConnectEndpointPlan(ec2, plan, { pollMs: 1, onProgress: (m) => progress.push(m) });
    assert.deepEqual(calls, [
      'CreateInstanceConnectEndpoint (DryRun)',
      'AuthorizeSecurityGroupIngress (DryRun)',
      'AuthorizeSecurityGroupIngress',
      'CreateInstanceConnectEndpoint',
      'DescribeInstanceConnectEndpoints',
      'DescribeInstanceConnectEndpoints',
      'DescribeInstanceConnectEndpoints',
    ]);
    assert.equal(endpoint.id, 'eice-new');
    assert.equal(endpoint.state, 'create-complete');
    assert.equal(progress.length, 2);
    assert.match(progress[0], /Waiting for the EC2 Instance Connect Endpoint eice-new \(create-in-progress.*Cancel leaves the wait, not the creation/);
  });

  it('tags the endpoint as RDS Link\'s, with the id of the rule it added (what its undo revokes)', async () => {
    const inputs: Record<string, unknown>[] = [];
    const { ec2 } = fakeEc2((name, input) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'AuthorizeSecurityGroupIngress') return { Return: true, SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123', GroupId: 'sg-app' }] };
      if (name === 'CreateInstanceConnectEndpoint') return (inputs.push(input), { InstanceConnectEndpoint: { InstanceConnectEndpointId: 'eice-new' } });
      if (name === 'DescribeInstanceConnectEndpoints') return described('create-complete', { Tags: [{ Key: 'rds-link:created-by', Value: 'rds-link' }, { Key: 'rds-link:ssh-rule', Value: 'sg-app sgr-0123' }] });
      return {};
    });
    const endpoint = await applyInstanceConnectEndpointPlan(ec2, plan, { pollMs: 1 });
    assert.deepEqual(inputs[0]?.TagSpecifications, [{ ResourceType: 'instance-connect-endpoint', Tags: [{ Key: 'rds-link:created-by', Value: 'rds-link' }, { Key: 'rds-link:ssh-rule', Value: 'sg-app sgr-0123' }] }]);
    assert.deepEqual(endpoint.tags, { 'rds-link:created-by': 'rds-link', 'rds-link:ssh-rule': 'sg-app sgr-0123' });
    // No rule added (one of the groups allowed it already): only the created-by tag.
    assert.deepEqual(endpointTags(undefined), [{ Key: 'rds-link:created-by', Value: 'rds-link' }]);
  });

  it('a DryRun refusal stops before anything changes, naming the call', async () => {
    const { ec2, calls } = fakeEc2(() => Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' }));
    await assert.rejects(applyInstanceConnectEndpointPlan(ec2, plan), /CreateInstanceConnectEndpoint would fail: access denied/);
    assert.deepEqual(calls, ['CreateInstanceConnectEndpoint (DryRun)']);
  });

  it('a create that fails takes the rule it added back', async () => {
    const { ec2, calls } = fakeEc2((name, input) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'CreateInstanceConnectEndpoint') return Object.assign(new Error('You have reached the maximum number of endpoints'), { name: 'ServiceQuotaExceededException' });
      return {};
    });
    await assert.rejects(applyInstanceConnectEndpointPlan(ec2, plan), /Creating the EC2 Instance Connect Endpoint in subnet-a failed: You have reached the maximum/);
    assert.deepEqual(calls.slice(-2), ['CreateInstanceConnectEndpoint', 'RevokeSecurityGroupIngress']);
  });

  it('create-failed is an error with AWS\'s reason', async () => {
    const { ec2 } = fakeEc2((name, input) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'CreateInstanceConnectEndpoint') return { InstanceConnectEndpoint: { InstanceConnectEndpointId: 'eice-new' } };
      if (name === 'DescribeInstanceConnectEndpoints') return described('create-failed', { StateMessage: 'subnet has no free IP address' });
      return {};
    });
    await assert.rejects(applyInstanceConnectEndpointPlan(ec2, plan, { pollMs: 1 }), /eice-new could not be created: subnet has no free IP address/);
  });

  it('a cancel leaves the wait (a CancelledError naming the endpoint) and deletes nothing; a long wait ends with a timeout in words', async () => {
    const signal = { isCancellationRequested: false };
    const { ec2, calls } = fakeEc2((name, input) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'CreateInstanceConnectEndpoint') return { InstanceConnectEndpoint: { InstanceConnectEndpointId: 'eice-new' } };
      if (name === 'DescribeInstanceConnectEndpoints') {
        signal.isCancellationRequested = true;
        return described('create-in-progress');
      }
      return {};
    });
    await assert.rejects(applyInstanceConnectEndpointPlan(ec2, plan, { pollMs: 10_000, signal }), (e: Error) => e instanceof EndpointWaitLeftError && e instanceof CancelledError && e.endpointId === 'eice-new');
    assert.ok(!calls.some((c) => /Delete|Revoke/.test(c)), calls.join(', '));

    const slow = fakeEc2((name, input) => (input.DryRun ? dryRunOk() : name === 'CreateInstanceConnectEndpoint' ? { InstanceConnectEndpoint: { InstanceConnectEndpointId: 'eice-new' } } : name === 'DescribeInstanceConnectEndpoints' ? described('create-in-progress') : {}));
    await assert.rejects(applyInstanceConnectEndpointPlan(slow.ec2, plan, { pollMs: 1, timeoutMs: 20 }), /eice-new is still create-in-progress after 0 min; it is used once it is ready/);
  });
});
