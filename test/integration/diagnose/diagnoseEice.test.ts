// The EICE port-22 check against moto: the endpoint's group read with the real SDK, the
// instance's groups as the diagnosis reads them; fails without the inbound 22 rule, passes with it.
import * as assert from 'node:assert/strict';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { checkEicePort, readEndpointGroups } from '../../../src/core/diagnose/eice';
import { readDiagnosisState } from '../../../src/core/diagnose/reads';
import { startMoto, type MotoServer } from '../support';
import { DB, REGION, seedUnlinkedPair, type Scenario } from './scenario';

describe('diagnose against moto: SSH through an EC2 Instance Connect Endpoint', function () {
  let moto: MotoServer;
  let s: Scenario;
  let endpoint: { id: string; subnetId: string; securityGroupIds: string[] };
  let appGroup: string;

  before(async () => {
    moto = await startMoto();
    s = await seedUnlinkedPair(moto.endpoint);
    // The instance's primary interface and subnet as the diagnosis reads them.
    const { instance } = await readDiagnosisState({ ec2: s.ec2, rds: s.rds }, REGION, { instanceId: s.web, db: DB }, { resolve: async () => [] });
    appGroup = instance.groupIds[0] ?? '';
    const eiceGroup = (await s.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'goapp-eice', Description: 'eice', VpcId: s.ids.vpcId }))).GroupId ?? '';
    endpoint = { id: 'eice-0123456789abcdef0', subnetId: instance.subnetId ?? '', securityGroupIds: [eiceGroup] };
  });
  after(async () => {
    s?.dispose();
    await moto?.stop();
  });

  const run = async () => {
    const state = await readDiagnosisState({ ec2: s.ec2, rds: s.rds }, REGION, { instanceId: s.web, db: DB }, { resolve: async () => [] });
    return checkEicePort(state, endpoint, await readEndpointGroups(s.ec2, endpoint, state.groups));
  };

  it('fails while the instance\'s group has no inbound 22 from the endpoint\'s group, naming the rule to add', async () => {
    const c = await run();
    assert.equal(c.status, 'fail', c.evidence.join(' '));
    assert.match(c.evidence[0] ?? '', /goapp-eice\) allows it: all traffic to 0\.0\.0\.0\/0/, 'the default egress of the endpoint\'s group');
    assert.match(c.evidence[1] ?? '', /No inbound rule of the instance's groups \(.*goapp-app\)\) allows TCP 22 from the endpoint/);
    assert.ok(c.fix?.kind === 'text' && c.fix.message.includes(`add an inbound rule to ${appGroup} (goapp-app) allowing TCP 22 from ${endpoint.securityGroupIds[0]} (goapp-eice)`), JSON.stringify(c.fix));
  });

  it('passes once the rule is there, naming it', async () => {
    await s.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: appGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: endpoint.securityGroupIds[0] }] }] }));
    const c = await run();
    assert.equal(c.status, 'pass', c.evidence.join(' '));
    assert.match(c.evidence[1] ?? '', new RegExp(`goapp-app\\) allows it: TCP 22 from ${endpoint.securityGroupIds[0]} \\(goapp-eice\\)`));
  });
});
