import * as assert from 'node:assert/strict';
import { CreateNetworkAclCommand, CreateNetworkAclEntryCommand, DescribeNetworkAclsCommand, ReplaceNetworkAclAssociationCommand } from '@aws-sdk/client-ec2';
import type { Diagnosis } from '../../../src/core/diagnose/types';
import { startMoto, type MotoServer } from '../support';
import { diagnoseCounted, link, seedUnlinkedPair, type Scenario } from './scenario';

const summary = (d: Diagnosis): string => d.checks.map((c) => `${c.id} ${c.status}: ${c.evidence.join(' ')}`).join('\n');
const statusOf = (d: Diagnosis, id: string): string | undefined => d.checks.find((c) => c.id === id)?.status;

describe('diagnose against moto: unlinked, linked, a NACL deny', function () {
  let moto: MotoServer;
  let s: Scenario;

  before(async () => {
    moto = await startMoto();
    s = await seedUnlinkedPair(moto.endpoint);
  });
  after(async () => {
    s?.dispose();
    await moto?.stop();
  });

  it('an unlinked pair fails on the DB\'s inbound rules and offers "Link them"', async () => {
    const { diagnosis } = await diagnoseCounted(moto.endpoint, s.web);
    assert.equal(diagnosis.status, 'fail', summary(diagnosis));
    const ingress = diagnosis.checks.find((c) => c.id === 'sgIngress');
    assert.equal(ingress?.status, 'fail', summary(diagnosis));
    assert.deepEqual(ingress?.fix, { kind: 'link' });
    assert.match(ingress?.evidence[0] ?? '', /goapp-db-only/);
    // The new group kept its default allow-all egress: that side is fine.
    assert.equal(statusOf(diagnosis, 'sgEgress'), 'pass');
    assert.equal(statusOf(diagnosis, 'database'), 'pass');
  });

  it('the linked pair passes every check, in at most 8 calls', async () => {
    await link(s);
    const { diagnosis, calls } = await diagnoseCounted(moto.endpoint, s.web);
    assert.equal(diagnosis.status, 'pass', summary(diagnosis));
    assert.match(summary(diagnosis), /ec2-rds-1 and rds-ec2-1 are the linked pair/);
    // Instance and DB in different subnets: the route checks ran on moto's local route.
    assert.equal(statusOf(diagnosis, 'routeToDb'), 'pass');
    assert.ok(calls.length <= 8, calls.map((c) => c.operation).join(', '));
    const perOperation = new Map<string, number>();
    for (const c of calls) perOperation.set(c.operation, (perOperation.get(c.operation) ?? 0) + 1);
    assert.deepEqual([...perOperation].filter(([, n]) => n > 1), []);
  });

  it('an Aurora cluster is read through its writer, in at most 8 calls', async () => {
    const { diagnosis, calls } = await diagnoseCounted(moto.endpoint, s.web, async () => [], { kind: 'cluster', id: 'reports-aurora' });
    const database = diagnosis.checks.find((c) => c.id === 'database');
    assert.equal(database?.status, 'pass', summary(diagnosis));
    assert.match(database?.evidence[0] ?? '', /reports-aurora: aurora-mysql/);
    // Its writer's zone placed it in one private subnet: the NACL checks ran on a subnet of the sandbox.
    assert.equal(statusOf(diagnosis, 'naclDbInbound'), 'pass', summary(diagnosis));
    assert.ok(calls.length <= 8, calls.map((c) => c.operation).join(', '));
  });

  it('the DB\'s DNS answer places it exactly, in its subnet', async () => {
    const { diagnosis } = await diagnoseCounted(moto.endpoint, s.web, async () => ['10.20.11.57']);
    assert.equal(diagnosis.status, 'pass', summary(diagnosis));
    assert.match(summary(diagnosis), /10\.20\.11\.57\/32|to 10\.20\.11\.57/);
  });

  it('a NACL that denies 3306 from the instance\'s subnet before allowing all fails, with the rule to add', async () => {
    const privateA = s.ids.privateSubnetIds[0];
    const acl = (await s.ec2.send(new CreateNetworkAclCommand({ VpcId: s.ids.vpcId }))).NetworkAcl?.NetworkAclId ?? '';
    const add = (RuleNumber: number, Egress: boolean, RuleAction: 'allow' | 'deny', CidrBlock: string, Protocol = '-1', PortRange?: { From: number; To: number }) =>
      s.ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber, Egress, RuleAction, CidrBlock, Protocol, PortRange }));
    await add(50, false, 'deny', '10.20.1.0/24', '6', { From: 3306, To: 3306 });
    await add(100, false, 'allow', '0.0.0.0/0');
    await add(100, true, 'allow', '0.0.0.0/0');
    const current = (await s.ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [privateA] }] }))).NetworkAcls?.[0];
    const association = current?.Associations?.find((a) => a.SubnetId === privateA)?.NetworkAclAssociationId;
    await s.ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: acl }));

    const { diagnosis } = await diagnoseCounted(moto.endpoint, s.web);
    const inbound = diagnosis.checks.find((c) => c.id === 'naclDbInbound');
    assert.equal(inbound?.status, 'fail', summary(diagnosis));
    assert.match(inbound?.evidence.join(' ') ?? '', /rule 50 denies TCP 3306 from 10\.20\.1\./);
    assert.ok(inbound?.fix?.kind === 'naclRule');
    assert.equal(inbound.fix.ruleNumber, 49);
    assert.match(inbound.fix.cli, new RegExp(`--network-acl-id ${acl} --ingress --rule-number 49 --protocol tcp --port-range From=3306,To=3306 --cidr-block 10\\.20\\.1\\.0/24 --rule-action allow`));
    // The security groups are still linked.
    assert.equal(statusOf(diagnosis, 'sgIngress'), 'pass');
  });
});
