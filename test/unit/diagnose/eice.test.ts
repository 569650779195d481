// The EICE port-22 check: the endpoint's groups may send TCP 22 to the instance, the instance's
// groups accept it from the endpoint (its group, or a block that holds its subnet).
import * as assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { checkEicePort, readEndpointGroups } from '../../../src/core/diagnose/eice';
import { formatReport } from '../../../src/core/diagnose/report';
import { ALL_OUT, sg, state, tcp } from './builders';

const endpoint = { id: 'eice-1', subnetId: 'subnet-pub', securityGroupIds: ['sg-eice'] };
const eiceOut = sg('sg-eice', 'eice', [], [tcp(22, { peerGroupId: 'sg-app' })]);

describe('diagnose: EC2 Instance Connect Endpoint, port 22', () => {
  it('passes with a group reference both ways, naming both rules', () => {
    const s = state({ instanceGroups: [sg('sg-app', 'app', [tcp(22, { peerGroupId: 'sg-eice' })])] });
    const c = checkEicePort(s, endpoint, [eiceOut]);
    assert.equal(c.status, 'pass', c.evidence.join(' '));
    assert.deepEqual(c.evidence, ['sg-eice (eice) allows it: TCP 22 to sg-app (app).', 'sg-app (app) allows it: TCP 22 from sg-eice (eice).']);
  });

  it('passes with a CIDR that covers the endpoint\'s subnet and the default egress', () => {
    const s = state({ instanceGroups: [sg('sg-app', 'app', [tcp(22, { cidrs: ['10.0.0.0/16'] })])] });
    assert.equal(checkEicePort(s, endpoint, [sg('sg-eice', 'eice', [], [ALL_OUT])]).status, 'pass');
  });

  it('fails when the instance lacks the inbound rule, with the rule to add in words', () => {
    const s = state({ instanceGroups: [sg('sg-app', 'app', [tcp(3306, { peerGroupId: 'sg-eice' })])] });
    const c = checkEicePort(s, endpoint, [eiceOut]);
    assert.equal(c.status, 'fail');
    assert.match(c.evidence[0] ?? '', /^sg-eice \(eice\) allows it/);
    assert.equal(c.evidence[1], 'No inbound rule of the instance\'s groups (sg-app (app)) allows TCP 22 from the endpoint.');
    assert.deepEqual(c.fix, { kind: 'text', message: 'In the EC2 console (Security groups), add an inbound rule to sg-app (app) allowing TCP 22 from sg-eice (eice).' });
    const text = formatReport({ instanceId: 'i-app', dbId: 'appdb', checks: [c], status: 'fail' }, { markdown: false });
    assert.match(text, /\[FAIL\] EC2 Instance Connect Endpoint eice-1 reaches the instance on port 22/);
    // The endpoint's default allow-all egress found, the inbound side still missing: a sure fail.
    assert.equal(checkEicePort(s, endpoint, [sg('sg-eice', 'eice', [], [ALL_OUT])]).status, 'fail');
  });

  it('fails when the endpoint\'s group may not send (no egress rule), naming that side', () => {
    const s = state({ instanceGroups: [sg('sg-app', 'app', [tcp(22, { peerGroupId: 'sg-eice' })])] });
    const c = checkEicePort(s, endpoint, [sg('sg-eice', 'eice', [], [])]);
    assert.equal(c.status, 'fail');
    assert.match(c.evidence[0] ?? '', /No outbound rule of the endpoint's groups \(sg-eice \(eice\)\)/);
    assert.ok(c.fix?.kind === 'text' && /add an outbound rule to sg-eice \(eice\) allowing TCP 22 to sg-app \(app\)/.test(c.fix.message));
  });

  it('is unknown when a rule by address exists but the endpoint\'s subnet was not read', () => {
    const s = state({ instanceGroups: [sg('sg-app', 'app', [tcp(22, { cidrs: ['10.0.0.0/16'] })])] });
    const c = checkEicePort(s, { ...endpoint, subnetId: 'subnet-elsewhere' }, [eiceOut]);
    assert.equal(c.status, 'unknown', c.evidence.join(' '));
    assert.equal(c.fix, undefined);
  });

  it('reads only the endpoint\'s groups the diagnosis has not read, in one call', async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-eice', GroupName: 'eice', VpcId: 'vpc-1', IpPermissions: [], IpPermissionsEgress: [] }] });
    const client = new EC2Client({ region: 'eu-west-1' });
    const read = await readEndpointGroups(client, { id: 'eice-1', securityGroupIds: ['sg-app', 'sg-eice'] }, state().groups);
    assert.deepEqual(read.map((g) => g.id), ['sg-eice']);
    assert.deepEqual(ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input), [{ GroupIds: ['sg-eice'] }]);
    assert.deepEqual(await readEndpointGroups(client, { id: 'eice-1', securityGroupIds: ['sg-app'] }, state().groups), []);
    assert.equal(ec2.commandCalls(DescribeSecurityGroupsCommand).length, 1);
    ec2.restore();
  });
});
