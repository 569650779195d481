// Delete EC2 Instance Connect Endpoint… with scripted answers and a scripted EC2: from the
// palette only the endpoints RDS Link created are offered (the tags decide, whatever the server's
// filter let through); the plan is asked modally; the endpoint goes and the rule it added is
// revoked by its id. With arguments (the offer's Undo) no pick is shown; an endpoint not ours is
// refused before any change.
import * as assert from 'node:assert/strict';
import { deleteInstanceConnectEndpoint } from '../../../src/commands/instance/deleteInstanceConnectEndpoint';
import { isCancellation } from '../../../src/core/errors';
import { FakeStore, fakeDeps } from '../support/fakeDeps';
import { dryRunOk, fakeEc2 } from '../support/fakeEc2';
import { escape, pick, press, TestUserInput, type Answer } from '../support/testUserInput';

const endpoint = (id: string, tags: { Key: string; Value: string }[]) => ({ InstanceConnectEndpointId: id, State: 'create-complete', DnsName: `${id}.x.amazonaws.com`, VpcId: 'vpc-1', SubnetId: 'subnet-a', SecurityGroupIds: ['sg-default'], Tags: tags });
const ours = endpoint('eice-ours', [{ Key: 'rds-link:created-by', Value: 'rds-link' }, { Key: 'rds-link:ssh-rule', Value: 'sg-app sgr-0123' }]);
const theirs = endpoint('eice-theirs', [{ Key: 'Name', Value: 'by hand' }]);

function setup(answers: Answer[]) {
  const ui = new TestUserInput(answers);
  const revoked: unknown[] = [];
  const { ec2, calls } = fakeEc2((name, input) => {
    if (input.DryRun) return dryRunOk();
    if (name === 'DescribeInstanceConnectEndpoints') return input.InstanceConnectEndpointIds ? { InstanceConnectEndpoints: [{ ...ours, State: 'delete-complete' }] } : { InstanceConnectEndpoints: [ours, theirs] };
    if (name === 'DescribeSecurityGroupRules') return { SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123', GroupId: 'sg-app' }] };
    if (name === 'RevokeSecurityGroupIngress') revoked.push(input);
    return {};
  });
  const store = Object.assign(new FakeStore(), { getSession: () => ({ ec2: () => ec2 }) }) as unknown as FakeStore;
  return { deps: fakeDeps({ ui, store }), ui, calls, revoked };
}

describe('commands: deleteInstanceConnectEndpoint', () => {
  it('from the palette offers only RDS Link\'s endpoints, shows the plan, deletes the endpoint and revokes exactly its rule', async () => {
    const { deps, ui, calls, revoked } = setup([pick('eice-ours'), press('Delete')]);
    const result = await deleteInstanceConnectEndpoint(deps);
    ui.assertDone();
    assert.deepEqual(ui.shown.find((s) => s.kind === 'pick')?.items, ['eice-ours']);
    const modal = ui.shown.find((s) => s.modal);
    assert.equal(modal?.text, 'Delete the EC2 Instance Connect Endpoint eice-ours?');
    assert.match(modal?.detail ?? '', /Revoke the rule sgr-0123 on the instance's group sg-app/);
    assert.deepEqual(revoked, [{ GroupId: 'sg-app', SecurityGroupRuleIds: ['sgr-0123'] }]);
    assert.ok(calls.includes('DeleteInstanceConnectEndpoint'), calls.join(', '));
    assert.deepEqual(result, { revoked: { groupId: 'sg-app', ruleId: 'sgr-0123' }, gone: true });
    assert.equal(ui.shown.at(-1)?.text, 'Deleted the EC2 Instance Connect Endpoint eice-ours. Revoked the rule sgr-0123 on sg-app.');
  });

  it('with { region, endpointId } (the offer\'s Undo) asks no pick; an endpoint RDS Link did not create is refused; No at the plan changes nothing', async () => {
    const undo = setup([press('Delete')]);
    await deleteInstanceConnectEndpoint(undo.deps, { region: 'us-east-1', endpointId: 'eice-ours' });
    assert.ok(!undo.ui.shown.some((s) => s.kind === 'pick'));
    const other = setup([]);
    await assert.rejects(deleteInstanceConnectEndpoint(other.deps, { region: 'us-east-1', endpointId: 'eice-theirs' }), /eice-theirs is no EC2 Instance Connect Endpoint that RDS Link created in us-east-1/);
    const declined = setup([escape]);
    await assert.rejects(deleteInstanceConnectEndpoint(declined.deps, { region: 'us-east-1', endpointId: 'eice-ours' }), (e: unknown) => isCancellation(e));
    assert.ok(!declined.calls.some((c) => /^(Delete|Revoke)/.test(c)), declined.calls.join(', '));
  });
});
