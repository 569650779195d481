// Deleting an EC2 Instance Connect Endpoint RDS Link created, the undo of the offer: the plan
// (only ours; exactly the rule its tags name, or none), and what moto cannot show of the apply —
// the order of the calls, the rule revoked by its id, the wait through delete-in-progress, a
// left wait, a refused DryRun, a revoke that fails after the delete. EC2 is a scripted fake here.
import * as assert from 'node:assert/strict';
import type { InstanceConnectEndpoint } from '../../../../src/core/instance/eice/endpoints';
import { applyInstanceConnectEndpointRemoval, endpointRuleOf, planInstanceConnectEndpointRemoval } from '../../../../src/core/instance/eice/remove';
import { dryRunOk, fakeEc2 } from '../../support/fakeEc2';

const ours: InstanceConnectEndpoint = {
  id: 'eice-new', dnsName: 'eice-new.x.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com', vpcId: 'vpc-1', subnetId: 'subnet-a', securityGroupIds: ['sg-default'], state: 'create-complete',
  tags: { 'rds-link:created-by': 'rds-link', 'rds-link:ssh-rule': 'sg-app sgr-0123' },
};
const notFound = (): Error => Object.assign(new Error('The instanceConnectEndpoint ID does not exist'), { name: 'InvalidInstanceConnectEndpointId.NotFound' });

describe('EICE: planning the removal of an endpoint RDS Link created', () => {
  it('names the endpoint and exactly the rule its tags name, by id', () => {
    const plan = planInstanceConnectEndpointRemoval(ours, true);
    assert.deepEqual(plan.revoke, { groupId: 'sg-app', ruleId: 'sgr-0123' });
    assert.match(plan.lines[0], /Delete the EC2 Instance Connect Endpoint eice-new in subnet subnet-a of vpc-1\. Tunnels through it stop/);
    assert.match(plan.lines[1], /Revoke the rule sgr-0123 on the instance's group sg-app \(TCP 22 from the endpoint's group\).*Other rules stay/);
  });

  it('revokes nothing when the rule is gone already, or when RDS Link added none', () => {
    const gone = planInstanceConnectEndpointRemoval(ours, false);
    assert.equal(gone.revoke, undefined);
    assert.match(gone.lines[1], /sgr-0123 that RDS Link added on sg-app is gone already: nothing to revoke/);
    const none = planInstanceConnectEndpointRemoval({ ...ours, tags: { 'rds-link:created-by': 'rds-link' } }, true);
    assert.equal(none.revoke, undefined);
    assert.match(none.lines[1], /RDS Link added no rule for it/);
  });

  it('refuses an endpoint RDS Link did not create; a malformed rule tag names no rule', () => {
    assert.throws(() => planInstanceConnectEndpointRemoval({ ...ours, tags: {} }, true), /eice-new was not created by RDS Link; delete it in the VPC console/);
    assert.throws(() => planInstanceConnectEndpointRemoval({ ...ours, tags: undefined }, true), /not created by RDS Link/);
    assert.equal(endpointRuleOf({ tags: { 'rds-link:ssh-rule': 'sg-app' } }), undefined);
    assert.equal(endpointRuleOf({ tags: { 'rds-link:ssh-rule': 'sgr-1 sg-app' } }), undefined);
  });
});

describe('EICE: deleting the endpoint (scripted EC2)', () => {
  const plan = planInstanceConnectEndpointRemoval(ours, true);

  it('proves both calls with DryRun, deletes, revokes the rule by its id, and waits through delete-in-progress until it is gone', async () => {
    const revoked: Record<string, unknown>[] = [];
    const progress: string[] = [];
    const { ec2, calls } = fakeEc2((name, input, n) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'RevokeSecurityGroupIngress') return (revoked.push(input), { Return: true });
      if (name === 'DescribeInstanceConnectEndpoints') return n < 2 ? { InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-new', State: 'delete-in-progress' }] } : notFound();
      return {};
    });
    const result = await applyInstanceConnectEndpointRemoval(ec2, plan, { pollMs: 1, onProgress: (m) => progress.push(m) });
    assert.deepEqual(calls, [
      'DeleteInstanceConnectEndpoint (DryRun)',
      'RevokeSecurityGroupIngress (DryRun)',
      'DeleteInstanceConnectEndpoint',
      'RevokeSecurityGroupIngress',
      'DescribeInstanceConnectEndpoints',
      'DescribeInstanceConnectEndpoints',
    ]);
    assert.deepEqual(revoked, [{ GroupId: 'sg-app', SecurityGroupRuleIds: ['sgr-0123'] }]);
    assert.deepEqual(result, { revoked: { groupId: 'sg-app', ruleId: 'sgr-0123' }, gone: true });
    assert.equal(progress.length, 1);
    assert.match(progress[0], /Deleting the EC2 Instance Connect Endpoint eice-new \(delete-in-progress/);
  });

  it('delete-complete is gone too; a cancel leaves the wait (gone: false) after both changes are made', async () => {
    const done = fakeEc2((name, input) => (input.DryRun ? dryRunOk() : name === 'DescribeInstanceConnectEndpoints' ? { InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-new', State: 'delete-complete' }] } : {}));
    assert.equal((await applyInstanceConnectEndpointRemoval(done.ec2, planInstanceConnectEndpointRemoval(ours, false))).gone, true);
    assert.ok(!done.calls.includes('RevokeSecurityGroupIngress'), 'no rule to revoke: none revoked');
    const signal = { isCancellationRequested: false };
    const left = fakeEc2((name, input) => {
      if (input.DryRun) return dryRunOk();
      if (name === 'DescribeInstanceConnectEndpoints') return (signal.isCancellationRequested = true, { InstanceConnectEndpoints: [{ InstanceConnectEndpointId: 'eice-new', State: 'delete-in-progress' }] });
      return {};
    });
    const result = await applyInstanceConnectEndpointRemoval(left.ec2, plan, { pollMs: 10_000, signal });
    assert.equal(result.gone, false);
    assert.ok(left.calls.includes('DeleteInstanceConnectEndpoint') && left.calls.includes('RevokeSecurityGroupIngress'), left.calls.join(', '));
  });

  it('a refused DryRun changes nothing; a revoke that fails after the delete says what to do', async () => {
    const refused = fakeEc2((name) => (name === 'DeleteInstanceConnectEndpoint' ? Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation' }) : dryRunOk()));
    await assert.rejects(applyInstanceConnectEndpointRemoval(refused.ec2, plan), /DeleteInstanceConnectEndpoint would fail: access denied/);
    assert.deepEqual(refused.calls, ['DeleteInstanceConnectEndpoint (DryRun)']);
    const revokeFails = fakeEc2((name, input) => (input.DryRun ? dryRunOk() : name === 'RevokeSecurityGroupIngress' ? Object.assign(new Error('The specified rule does not exist in this security group'), { name: 'InvalidPermission.NotFound' }) : {}));
    await assert.rejects(applyInstanceConnectEndpointRemoval(revokeFails.ec2, plan), /The endpoint is being deleted, but revoking the rule sgr-0123 on sg-app failed: The specified rule does not exist.*Revoke it in the EC2 console/);
  });
});
