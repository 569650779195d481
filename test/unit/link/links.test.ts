import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configureL10n } from '../../../src/core/l10n';
import { findLinks, linksOfDatabase, linksOfInstance } from '../../../src/core/aws/link/links';
import { planUnlink } from '../../../src/core/aws/link/planner';
import { describePlan } from '../../../src/core/aws/link/planText';
import type { LinkedPair, UnlinkPlan, UnlinkState } from '../../../src/core/aws/link/types';
import type { SecurityGroup } from '../../../src/core/aws/types';
import { auroraCluster, baseGroups, cidrRule, consolePair, db, eni, instance, withGroup } from './builders';

const pair1 = consolePair(1);
const web = instance({ groups: ['sg-web', 'sg-ec2rds1'] });
const appdb = db({ securityGroupIds: ['sg-db', 'sg-rdsec21'] });
const groups = [...baseGroups(), ...pair1];

describe('findLinks', () => {
  it('finds a console-made link, with both groups and the primary interface', () => {
    const links = findLinks([web], [appdb], groups);
    assert.equal(links.length, 1);
    const [l] = links;
    assert.deepEqual(
      [l.instance.id, l.database.id, l.dbTarget, l.interfaceIds, l.ec2Group, l.rdsGroup, l.port, l.createdBy],
      ['i-web', 'appdb', { kind: 'instance', id: 'appdb' }, ['eni-web'], { id: 'sg-ec2rds1', name: 'ec2-rds-1' }, { id: 'sg-rdsec21', name: 'rds-ec2-1' }, 3306, 'console'],
    );
    assert.equal(l.key, 'i-web|instance:appdb|sg-ec2rds1|sg-rdsec21');
  });

  it('marks links made by RDS Link (both groups tagged)', () => {
    assert.equal(findLinks([web], [appdb], [...baseGroups(), ...consolePair(1, { ours: true })])[0].createdBy, 'rds-link');
  });

  it('ignores a modified pair, a pair for another port, a half-attached pair and terminated instances', () => {
    const modified = withGroup(groups, 'sg-rdsec21', (g) => ({ ...g, ingress: [...g.ingress, cidrRule(3306)] }));
    assert.deepEqual(findLinks([web], [appdb], modified), []);
    assert.deepEqual(findLinks([web], [db({ securityGroupIds: ['sg-rdsec21'], endpoint: { address: 'x', port: 5432 } })], groups), []);
    assert.deepEqual(findLinks([instance()], [appdb], groups), []);
    assert.deepEqual(findLinks([web], [db()], groups), []);
    assert.deepEqual(findLinks([instance({ groups: ['sg-ec2rds1'], state: 'terminated' })], [appdb], groups), []);
  });

  it('shows every instance sharing a pair, and each DB its instances', () => {
    const other = instance({ id: 'i-api', name: 'api', networkInterfaces: [eni('eni-api', 0, ['sg-ec2rds1'])] });
    const second = db({ id: 'reports', securityGroupIds: ['sg-db'] });
    const links = findLinks([web, other], [appdb, second], groups);
    assert.deepEqual(links.map((l) => `${l.database.id}<-${l.instance.name}`), ['appdb<-api', 'appdb<-web']);
    assert.equal(linksOfDatabase(links, appdb).length, 2);
    assert.equal(linksOfDatabase(links, second).length, 0);
    assert.deepEqual(linksOfInstance(links, 'i-api').map((l) => l.database.id), ['appdb']);
  });

  it('finds a link through a secondary interface too', () => {
    const multi = instance({ networkInterfaces: [eni('eni-a', 0, ['sg-web']), eni('eni-b', 1, ['sg-ec2rds1'])] });
    assert.deepEqual(findLinks([multi], [appdb], groups)[0].interfaceIds, ['eni-b']);
  });

  it('links an Aurora cluster (and its member shows the same link, targeting the cluster)', () => {
    const cluster = auroraCluster({ securityGroupIds: ['sg-rdsec21'] });
    const member = db({ id: 'aurora1-a', clusterId: 'aurora1', securityGroupIds: ['sg-rdsec21'] });
    const links = findLinks([web], [cluster, member], groups);
    assert.deepEqual(links.map((l) => [l.database.id, l.dbTarget.kind, l.dbTarget.id]), [['aurora1', 'cluster', 'aurora1'], ['aurora1-a', 'cluster', 'aurora1']]);
  });
});

/** The link of i-web (the instance under test) in the state. */
function linkOf(state: UnlinkState): LinkedPair {
  const l = findLinks(state.instances, state.databases, state.groups).find((x) => x.instance.id === 'i-web');
  assert.ok(l, 'the state has a link');
  return l;
}

const kinds = (p: UnlinkPlan) => p.steps.map((s) => (s.kind === 'revokeRule' ? `revoke-${s.direction}` : s.kind === 'deleteGroup' ? `delete:${s.group.name}` : s.kind));

describe('planUnlink', () => {
  const base: UnlinkState = { instances: [web], databases: [appdb], groups, interfaces: [] };

  it('a sole link: detach both, revoke both rules, delete both groups', () => {
    const plan = planUnlink(linkOf(base), base);
    assert.equal(plan.status, 'ready');
    assert.deepEqual(kinds(plan), ['setInterfaceGroups', 'setDatabaseGroups', 'revoke-ingress', 'revoke-egress', 'delete:ec2-rds-1', 'delete:rds-ec2-1']);
    const [detachI, detachD] = plan.steps;
    assert.ok(detachI.kind === 'setInterfaceGroups' && detachD.kind === 'setDatabaseGroups');
    assert.deepEqual(detachI.next.map((r) => r.kind === 'existing' && r.id), ['sg-web']);
    assert.deepEqual(detachI.previous, ['sg-web', 'sg-ec2rds1']);
    assert.deepEqual(detachD.next.map((r) => r.kind === 'existing' && r.id), ['sg-db']);
    assert.deepEqual(plan.deletesGroupIds, ['sg-ec2rds1', 'sg-rdsec21']);
    assert.deepEqual(plan.keptGroups, []);
  });

  it('ec2-rds-N shared by another instance: detach it from this instance only', () => {
    const api = instance({ id: 'i-api', name: 'api', networkInterfaces: [eni('eni-api', 0, ['sg-ec2rds1'])] });
    const state = { ...base, instances: [web, api] };
    const plan = planUnlink(linkOf(state), state);
    assert.deepEqual(kinds(plan), ['setInterfaceGroups']);
    assert.deepEqual(plan.keptGroups.map((k) => [k.name, k.reason]), [['ec2-rds-1', 'still used by i-api'], ['rds-ec2-1', 'its peer group is still in use']]);
  });

  it('an interface the lists do not show (a Lambda) keeps ec2-rds-N too', () => {
    const state = { ...base, interfaces: [{ id: 'eni-lambda', groupIds: ['sg-ec2rds1'], requesterManaged: true, requesterId: 'AROA:lambda' }] };
    const plan = planUnlink(linkOf(state), state);
    assert.deepEqual(kinds(plan), ['setInterfaceGroups']);
    assert.match(plan.keptGroups[0].reason, /eni-lambda/);
  });

  it("RDS's own interfaces and the instance's interfaces are not other users", () => {
    const state = {
      ...base,
      interfaces: [
        { id: 'eni-web', groupIds: ['sg-web', 'sg-ec2rds1'], instanceId: 'i-web' },
        { id: 'eni-rds', groupIds: ['sg-db', 'sg-rdsec21'], requesterManaged: true, requesterId: 'amazon-rds', description: 'RDSNetworkInterface' },
      ],
    };
    assert.deepEqual(planUnlink(linkOf(state), state).deletesGroupIds, ['sg-ec2rds1', 'sg-rdsec21']);
  });

  it('rds-ec2-N shared by another DB: detach it from this DB only, the instance keeps the other DB', () => {
    const reports = db({ id: 'reports', securityGroupIds: ['sg-rdsec21'] });
    const state = { ...base, databases: [appdb, reports] };
    const plan = planUnlink(linkOf(state), state);
    assert.deepEqual(kinds(plan), ['setDatabaseGroups']);
    assert.deepEqual(plan.sideEffects, []);
  });

  it('both shared: detach from the instance, and say which other DB it loses', () => {
    const api = instance({ id: 'i-api', networkInterfaces: [eni('eni-api', 0, ['sg-ec2rds1'])] });
    const reports = db({ id: 'reports', securityGroupIds: ['sg-rdsec21'] });
    const state = { ...base, instances: [web, api], databases: [appdb, reports] };
    const plan = planUnlink(findLinks(state.instances, state.databases, state.groups).find((l) => l.instance.id === 'i-web' && l.database.id === 'appdb') as LinkedPair, state);
    assert.deepEqual(kinds(plan), ['setInterfaceGroups']);
    assert.match(plan.sideEffects.join(), /reports/);
  });

  it("an Aurora cluster's members do not count as other DBs", () => {
    const cluster = auroraCluster({ securityGroupIds: ['sg-rdsec21'] });
    const member = db({ id: 'aurora1-a', clusterId: 'aurora1', securityGroupIds: ['sg-rdsec21'] });
    const state = { ...base, databases: [cluster, member] };
    const plan = planUnlink(linkOf(state), state);
    assert.deepEqual(kinds(plan), ['setInterfaceGroups', 'setDatabaseGroups', 'revoke-ingress', 'revoke-egress', 'delete:ec2-rds-1', 'delete:rds-ec2-1']);
    const detach = plan.steps[1];
    assert.ok(detach.kind === 'setDatabaseGroups');
    assert.deepEqual(detach.target, { kind: 'cluster', id: 'aurora1' });
  });

  it("deleteGroups 'ours' keeps console-made groups, 'none' keeps all; both still detach", () => {
    const ours = planUnlink(linkOf(base), base, { deleteGroups: 'ours' });
    assert.deepEqual(kinds(ours), ['setInterfaceGroups', 'setDatabaseGroups']);
    assert.equal(ours.keptGroups.length, 2);
    const tagged = { ...base, groups: [...baseGroups(), ...consolePair(1, { ours: true })] };
    assert.deepEqual(planUnlink(linkOf(tagged), tagged, { deleteGroups: 'ours' }).deletesGroupIds, ['sg-ec2rds1', 'sg-rdsec21']);
    assert.deepEqual(kinds(planUnlink(linkOf(base), base, { deleteGroups: 'none' })), ['setInterfaceGroups', 'setDatabaseGroups']);
  });

  it('a group another group references is kept (AWS would refuse to delete it)', () => {
    const refs: SecurityGroup = { ...baseGroups()[0], id: 'sg-bastion', name: 'bastion', egress: [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, peerGroupId: 'sg-rdsec21', cidrs: [], ipv6Cidrs: [], prefixListIds: [] }] };
    const state = { ...base, groups: [...groups, refs] };
    const plan = planUnlink(linkOf(state), state);
    assert.deepEqual(plan.deletesGroupIds, ['sg-ec2rds1']);
    assert.match(plan.keptGroups[0].reason, /bastion/);
    assert.deepEqual(kinds(plan), ['setInterfaceGroups', 'setDatabaseGroups', 'revoke-ingress', 'revoke-egress', 'delete:ec2-rds-1']);
  });

  it('the unlink plan says in words what goes, what stays and what changes where, then the steps', () => {
    const sole = describePlan(planUnlink(linkOf(base), base));
    const stepsAt = sole.findIndex((l) => /^1\. /.test(l));
    assert.deepEqual(sole.slice(0, stepsAt), [
      'i-web will no longer be able to connect to appdb through ec2-rds-1 and rds-ec2-1.',
      'Groups: ec2-rds-1 and rds-ec2-1 are deleted, since nothing else uses them.',
      'On the instance: ec2-rds-1 is removed from its network interface; its other groups stay.',
      'On the database: rds-ec2-1 is removed from its security groups; its other groups stay.',
      '',
      'The steps, with the ids AWS will see:',
    ]);
    const api = instance({ id: 'i-api', name: 'api', networkInterfaces: [eni('eni-api', 0, ['sg-ec2rds1'])] });
    const shared = { ...base, instances: [web, api] };
    const text = describePlan(planUnlink(linkOf(shared), shared)).join('\n');
    assert.match(text, /Keeps ec2-rds-1: still used by i-api\./);
    assert.match(text, /On the database: nothing changes; rds-ec2-1 stays for the others that use it\./);
    assert.doesNotMatch(text, /deleted/);
  });

  it('says "not linked" when the pair no longer links them', () => {
    const link = linkOf(base);
    const detached = { ...base, instances: [instance()] };
    assert.equal(planUnlink(link, detached).status, 'notLinked');
    assert.equal(planUnlink(link, { ...base, groups: baseGroups() }).status, 'notLinked');
    assert.equal(planUnlink(link, { ...base, databases: [] }).status, 'notLinked');
    assert.deepEqual(planUnlink(link, detached).steps, []);
  });

  it('refuses while the DB cannot be modified, when the DB side has to change', () => {
    const busy = { ...base, databases: [db({ securityGroupIds: ['sg-db', 'sg-rdsec21'], status: 'modifying' })] };
    const plan = planUnlink(linkOf(base), busy);
    assert.equal(plan.status, 'refused');
    assert.equal(plan.refusal?.code, 'dbNotModifiable');
  });
});

describe('planUnlink: the last group', () => {
  it("puts the VPC's default group back where the pair's group was the only one", () => {
    const lone = instance({ groups: ['sg-ec2rds1'] });
    const onlyRds = db({ securityGroupIds: ['sg-rdsec21'] });
    const state: UnlinkState = { instances: [lone], databases: [onlyRds], groups, interfaces: [] };
    const plan = planUnlink(linkOf(state), state);
    const [detachI, detachD] = plan.steps;
    assert.ok(detachI.kind === 'setInterfaceGroups' && detachD.kind === 'setDatabaseGroups');
    assert.deepEqual(detachI.next, [{ kind: 'existing', id: 'sg-default', name: 'default' }]);
    assert.deepEqual(detachD.next, [{ kind: 'existing', id: 'sg-default', name: 'default' }]);
  });

  const lastGroupState = (): UnlinkState => ({ instances: [instance({ groups: ['sg-ec2rds1'] })], databases: [db({ securityGroupIds: ['sg-rdsec21'] })], groups, interfaces: [] });

  it('says where the default group steps in, for the interface and for the DB', () => {
    const state = lastGroupState();
    const plan = planUnlink(linkOf(state), state);
    assert.deepEqual(plan.defaultGroupFallbacks, [
      { resource: { kind: 'interface', id: 'eni-web', instanceId: 'i-web' }, removed: { id: 'sg-ec2rds1', name: 'ec2-rds-1' }, fallback: { id: 'sg-default', name: 'default' } },
      { resource: { kind: 'database', target: { kind: 'instance', id: 'appdb' } }, removed: { id: 'sg-rdsec21', name: 'rds-ec2-1' }, fallback: { id: 'sg-default', name: 'default' } },
    ]);
    // Where other groups remain, the default group is not involved and nothing is said.
    const usual: UnlinkState = { instances: [web], databases: [appdb], groups, interfaces: [] };
    assert.deepEqual(planUnlink(linkOf(usual), usual).defaultGroupFallbacks, []);
    assert.equal(describePlan(planUnlink(linkOf(usual), usual)).filter((l) => /default/.test(l)).length, 0);
  });

  it('the plan shown before confirming warns that the default group may allow more', () => {
    const state = lastGroupState();
    const lines = describePlan(planUnlink(linkOf(state), state));
    const warnings = lines.filter((l) => l.startsWith('Warning:'));
    assert.deepEqual(warnings, [
      "Warning: ec2-rds-1 (sg-ec2rds1) is the only security group of network interface eni-web (instance i-web). AWS requires one, so the VPC's default group default (sg-default) takes its place, and it may allow more than ec2-rds-1 (sg-ec2rds1) did (by default it admits all traffic from anything that holds it, and all outbound traffic). Check its rules, or add a group of your own first.",
      "Warning: rds-ec2-1 (sg-rdsec21) is the only security group of DB instance appdb. AWS requires one, so the VPC's default group default (sg-default) takes its place, and it may allow more than rds-ec2-1 (sg-rdsec21) did (by default it admits all traffic from anything that holds it, and all outbound traffic). Check its rules, or add a group of your own first.",
    ]);
    // Before the steps, so it is read first.
    assert.ok(lines.indexOf(warnings[0]) < lines.findIndex((l) => l.startsWith('1. ')));
  });

  it('the warning is in Indonesian with the Indonesian bundle', () => {
    const root = path.resolve(__dirname, '../../../..');
    const read = (f: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, 'l10n', f), 'utf8'));
    const state = lastGroupState();
    try {
      configureL10n(read('bundle.l10n.id.json'));
      const lines = describePlan(planUnlink(linkOf(state), state));
      const warnings = lines.filter((l) => /sg-default/.test(l) && !/^\d+\./.test(l));
      assert.equal(warnings.length, 2, lines.join('\n'));
      for (const w of warnings) {
        assert.doesNotMatch(w, /^Warning:/);
        assert.match(w, /default \(sg-default\)/);
      }
      assert.match(warnings[0], /eni-web/);
      assert.match(warnings[1], /appdb/);
    } finally {
      configureL10n(read('bundle.l10n.json'));
    }
  });
});
