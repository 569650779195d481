import * as assert from 'node:assert/strict';
import { CREATED_BY_TAG, nextFreeNumber, parseGroupName } from '../../../src/core/aws/link/consoleRules';
import { planLink, samePlan } from '../../../src/core/aws/link/planner';
import { describePlan } from '../../../src/core/aws/link/planText';
import type { AuthorizeRuleStep, CreateGroupStep, LinkPlan, PlanStep, SetDatabaseGroupsStep, SetInterfaceGroupsStep } from '../../../src/core/aws/link/types';
import type { Ec2Instance, RdsDatabase, SecurityGroup } from '../../../src/core/aws/types';
import {
  OTHER_VPC,
  VPC,
  auroraCluster,
  baseGroups,
  cidrRule,
  consolePair,
  db,
  eni,
  group,
  instance,
  withGroup,
} from './builders';

interface Case {
  readonly name: string;
  readonly instance?: Ec2Instance;
  readonly db?: RdsDatabase;
  readonly groups?: SecurityGroup[];
  readonly limits?: { groupsPerInterface?: number; groupsPerDatabase?: number };
  readonly status: LinkPlan['status'];
  readonly refusal?: string;
  /** Kinds of the steps, in order. */
  readonly steps?: PlanStep['kind'][];
  /** Names of the two groups the plan uses. */
  readonly pair?: [string, string];
  readonly reused?: string[];
  readonly check?: (plan: LinkPlan) => void;
}

const FRESH = ['createGroup', 'createGroup', 'revokeDefaultEgress', 'revokeDefaultEgress', 'authorizeRule', 'authorizeRule', 'setInterfaceGroups', 'setDatabaseGroups'] as const;
const step = <K extends PlanStep['kind']>(plan: LinkPlan, kind: K, nth = 0) => plan.steps.filter((s) => s.kind === kind)[nth] as Extract<PlanStep, { kind: K }>;
const ids = (s: SetInterfaceGroupsStep | SetDatabaseGroupsStep) => s.next.map((r) => (r.kind === 'existing' ? r.id : `new:${r.name}`));

/** The console's pair 1, attached to the DB (rds-ec2-1) and, when asked, to the instance. */
function withConsolePair(attachToInstance: boolean, pair = consolePair(1)): { instance: Ec2Instance; db: RdsDatabase; groups: SecurityGroup[] } {
  return {
    instance: instance({ groups: attachToInstance ? ['sg-web', pair[0].id] : ['sg-web'] }),
    db: db({ securityGroupIds: ['sg-db', pair[1].id] }),
    groups: [...baseGroups(), ...pair],
  };
}

const cases: Case[] = [
  {
    name: 'a fresh pair: the console order, names, descriptions, rules and tags',
    status: 'ready',
    steps: [...FRESH],
    pair: ['ec2-rds-1', 'rds-ec2-1'],
    reused: [],
    check: (plan) => {
      const [ec2, rds] = plan.steps.filter((s): s is CreateGroupStep => s.kind === 'createGroup');
      assert.equal(ec2.description, 'Security group attached to instances to securely connect to appdb. Modification could lead to connection loss.');
      assert.equal(rds.description, 'Security group attached to appdb to allow EC2 instances with specific security groups attached to connect to the database. Modification could lead to connection loss.');
      assert.deepEqual([ec2.vpcId, rds.vpcId], [VPC, VPC]);
      assert.deepEqual(ec2.tags, { [CREATED_BY_TAG]: 'rds-link' });
      const [out, inn] = plan.steps.filter((s): s is AuthorizeRuleStep => s.kind === 'authorizeRule');
      assert.deepEqual([out.direction, out.group.name, out.peer.name, out.port, out.description], ['egress', 'ec2-rds-1', 'rds-ec2-1', 3306, { kind: 'toDb', dbId: 'appdb' }]);
      assert.deepEqual([inn.direction, inn.group.name, inn.peer.name, inn.port, inn.description], ['ingress', 'rds-ec2-1', 'ec2-rds-1', 3306, { kind: 'fromPeer' }]);
      assert.deepEqual(ids(step(plan, 'setInterfaceGroups')), ['sg-web', 'new:ec2-rds-1']);
      assert.equal(step(plan, 'setInterfaceGroups').interfaceId, 'eni-web');
      assert.deepEqual(ids(step(plan, 'setDatabaseGroups')), ['sg-db', 'new:rds-ec2-1']);
      assert.deepEqual(step(plan, 'setDatabaseGroups').target, { kind: 'instance', id: 'appdb' });
      assert.equal(plan.standInGroupId, 'sg-web');
    },
  },
  {
    name: 'a reusable console pair on both sides: already linked, nothing to do',
    ...withConsolePair(true),
    status: 'alreadyLinked',
    steps: [],
    pair: ['ec2-rds-1', 'rds-ec2-1'],
    reused: ['sg-ec2rds1', 'sg-rdsec21'],
  },
  {
    name: 'a console pair whose descriptions were edited is still valid (texts have varied)',
    ...(() => {
      const [e, r] = consolePair(1);
      return withConsolePair(true, [{ ...e, description: 'something else' }, { ...r, ingress: [{ ...r.ingress[0], description: 'edited' }] }]);
    })(),
    status: 'alreadyLinked',
    steps: [],
  },
  {
    name: 'our own pair (tagged), numbers not matching, is recognised too',
    ...withConsolePair(true, consolePair(7, { ours: true }).map((g, i) => (i === 0 ? { ...g, name: 'ec2-rds-3' } : g)) as [SecurityGroup, SecurityGroup]),
    status: 'alreadyLinked',
    pair: ['ec2-rds-3', 'rds-ec2-7'],
  },
  {
    name: 'a modified pair (an extra inbound CIDR rule) is not reused: a new pair, next number',
    ...(() => {
      const w = withConsolePair(true);
      return { ...w, groups: withGroup(w.groups, 'sg-rdsec21', (g) => ({ ...g, ingress: [...g.ingress, cidrRule(3306)] })) };
    })(),
    status: 'ready',
    steps: [...FRESH],
    pair: ['ec2-rds-2', 'rds-ec2-2'],
    reused: [],
  },
  {
    name: 'a modified pair (outbound allow-all left on rds-ec2-N) is not reused',
    ...(() => {
      const w = withConsolePair(true);
      return { ...w, groups: withGroup(w.groups, 'sg-rdsec21', (g) => ({ ...g, egress: [cidrRule(0, '0.0.0.0/0')] })) };
    })(),
    status: 'ready',
    pair: ['ec2-rds-2', 'rds-ec2-2'],
  },
  {
    name: 'a modified pair (ec2-rds-N gained an inbound SSH rule) is not reused',
    ...(() => {
      const w = withConsolePair(true);
      return { ...w, groups: withGroup(w.groups, 'sg-ec2rds1', (g) => ({ ...g, ingress: [cidrRule(22)] })) };
    })(),
    status: 'ready',
    pair: ['ec2-rds-2', 'rds-ec2-2'],
  },
  {
    name: 'a pair for another port (the DB moved to 3307) is not reused',
    ...withConsolePair(true),
    db: db({ securityGroupIds: ['sg-db', 'sg-rdsec21'], endpoint: { address: 'x', port: 3307 } }),
    status: 'ready',
    pair: ['ec2-rds-2', 'rds-ec2-2'],
    check: (plan) => assert.equal(step(plan, 'authorizeRule').port, 3307),
  },
  {
    name: 'a valid pair not attached to this DB is not adopted (its instances would reach this DB)',
    ...withConsolePair(true),
    db: db(),
    status: 'ready',
    steps: [...FRESH],
    pair: ['ec2-rds-2', 'rds-ec2-2'],
  },
  {
    name: 'an unattached valid ec2-rds-N is attached rather than duplicated',
    ...withConsolePair(false),
    status: 'ready',
    steps: ['setInterfaceGroups'],
    pair: ['ec2-rds-1', 'rds-ec2-1'],
    reused: ['sg-ec2rds1', 'sg-rdsec21'],
    check: (plan) => {
      assert.deepEqual(ids(step(plan, 'setInterfaceGroups')), ['sg-web', 'sg-ec2rds1']);
      assert.equal(plan.ec2Group?.attach, true);
      assert.equal(plan.rdsGroup?.attach, false);
    },
  },
  {
    name: 'N numbering fills the first number free in both names',
    groups: [
      ...baseGroups(),
      ...consolePair(1).map((g) => ({ ...g, egress: [...g.egress, cidrRule(22)] })), // modified, not reusable
      group('sg-stray2', 'ec2-rds-2'),
      group('sg-stray4', 'rds-ec2-4'),
      group('sg-elsewhere3', 'ec2-rds-3', { vpcId: OTHER_VPC }), // another VPC: its name does not count
      group('sg-look', 'ec2-rds-x'),
    ],
    status: 'ready',
    pair: ['ec2-rds-3', 'rds-ec2-3'],
  },
  {
    name: 'the primary interface at its group limit: refused before any change',
    instance: instance({ groups: ['sg-default', 'sg-web', 'sg-a', 'sg-b', 'sg-c'] }),
    status: 'refused',
    refusal: 'interfaceGroupLimit',
    check: (plan) => {
      assert.deepEqual(plan.steps, []);
      assert.match(plan.refusal?.message ?? '', /eni-web.*5.*limit is 5/);
    },
  },
  {
    name: 'the group limit follows a raised quota',
    instance: instance({ groups: ['sg-default', 'sg-web', 'sg-a', 'sg-b', 'sg-c'] }),
    limits: { groupsPerInterface: 16 },
    status: 'ready',
    steps: [...FRESH],
  },
  {
    name: 'the DB at its group limit: refused',
    db: db({ securityGroupIds: ['sg-db', 'sg-a', 'sg-b', 'sg-c', 'sg-d'] }),
    status: 'refused',
    refusal: 'dbGroupLimit',
  },
  {
    name: 'the DB at its limit is no obstacle when its rds-ec2-N is reused',
    ...withConsolePair(false),
    db: db({ securityGroupIds: ['sg-db', 'sg-a', 'sg-b', 'sg-c', 'sg-rdsec21'] }),
    status: 'ready',
    steps: ['setInterfaceGroups'],
  },
  {
    name: 'another VPC: refused, naming both',
    db: db({ vpcId: OTHER_VPC }),
    status: 'refused',
    refusal: 'differentVpc',
    check: (plan) => assert.match(plan.refusal?.message ?? '', new RegExp(`${VPC}.*${OTHER_VPC}`)),
  },
  {
    name: 'a DB without a VPC id (moto, no subnet group) takes it from its groups',
    db: db({ vpcId: undefined }),
    status: 'ready',
    check: (plan) => assert.equal(plan.vpcId, VPC),
  },
  {
    name: 'a DB without a VPC id whose groups tell nothing: refused',
    db: db({ vpcId: undefined, securityGroupIds: [] }),
    status: 'refused',
    refusal: 'missingVpc',
  },
  {
    name: 'a DB with several groups keeps them all',
    db: db({ securityGroupIds: ['sg-db', 'sg-a', 'sg-b'] }),
    status: 'ready',
    check: (plan) => assert.deepEqual(ids(step(plan, 'setDatabaseGroups')), ['sg-db', 'sg-a', 'sg-b', 'new:rds-ec2-1']),
  },
  {
    name: 'an instance with several interfaces: the primary (device 0) is linked, the others untouched',
    instance: instance({
      networkInterfaces: [eni('eni-second', 1, ['sg-a', 'sg-b', 'sg-c', 'sg-d', 'sg-e']), eni('eni-first', 0, ['sg-web'])],
    }),
    status: 'ready',
    check: (plan) => {
      assert.equal(plan.interfaceId, 'eni-first');
      const attach = plan.steps.filter((s): s is SetInterfaceGroupsStep => s.kind === 'setInterfaceGroups');
      assert.deepEqual(attach.map((s) => [s.interfaceId, ids(s)]), [['eni-first', ['sg-web', 'new:ec2-rds-1']]]);
    },
  },
  {
    name: 'a pair attached to a secondary interface only still needs the primary',
    ...withConsolePair(false),
    instance: instance({ networkInterfaces: [eni('eni-first', 0, ['sg-web']), eni('eni-second', 1, ['sg-ec2rds1'])] }),
    status: 'ready',
    steps: ['setInterfaceGroups'],
  },
  { name: 'a terminated instance: refused', instance: instance({ state: 'terminated' }), status: 'refused', refusal: 'instanceGone' },
  { name: 'a shutting-down instance: refused', instance: instance({ state: 'shutting-down' }), status: 'refused', refusal: 'instanceGone' },
  { name: 'a stopped instance can be linked (groups do not need it running)', instance: instance({ state: 'stopped' }), status: 'ready' },
  { name: 'a DB being modified: refused', db: db({ status: 'modifying' }), status: 'refused', refusal: 'dbNotModifiable' },
  { name: 'a stopped DB: refused', db: db({ status: 'stopped' }), status: 'refused', refusal: 'dbNotModifiable' },
  { name: 'a DB backing up can be modified', db: db({ status: 'backing-up' }), status: 'ready' },
  {
    name: 'a DB being modified that is already linked: already linked, not refused',
    ...withConsolePair(true),
    db: db({ securityGroupIds: ['sg-db', 'sg-rdsec21'], status: 'modifying' }),
    status: 'alreadyLinked',
  },
  {
    name: 'a DB being modified whose rds-ec2-N is reused: only the instance changes, so it goes ahead',
    ...withConsolePair(false),
    db: db({ securityGroupIds: ['sg-db', 'sg-rdsec21'], status: 'modifying' }),
    status: 'ready',
    steps: ['setInterfaceGroups'],
  },
  { name: 'a DB without an endpoint (port unknown): refused', db: db({ endpoint: undefined }), status: 'refused', refusal: 'noEndpoint' },
  {
    name: 'an instance without interfaces: refused',
    instance: instance({ networkInterfaces: [] }),
    status: 'refused',
    refusal: 'noPrimaryInterface',
  },
  {
    name: 'an Aurora cluster: the cluster gets rds-ec2-N (ModifyDBCluster), descriptions name it',
    db: auroraCluster({ endpoint: { address: 'c', port: 3306 } }),
    status: 'ready',
    steps: [...FRESH],
    check: (plan) => {
      assert.deepEqual(step(plan, 'setDatabaseGroups').target, { kind: 'cluster', id: 'aurora1' });
      assert.match(step(plan, 'createGroup').description, /connect to aurora1\./);
      assert.deepEqual(step(plan, 'authorizeRule').description, { kind: 'toDb', dbId: 'aurora1' });
    },
  },
  {
    name: 'a member of an Aurora cluster: the link goes to the cluster, as in the console',
    db: db({ id: 'aurora1-a', engine: 'aurora-mysql', clusterId: 'aurora1' }),
    status: 'ready',
    check: (plan) => {
      assert.deepEqual(plan.dbTarget, { kind: 'cluster', id: 'aurora1' });
      assert.equal(plan.dbId, 'aurora1-a');
    },
  },
];

describe('planLink', () => {
  for (const c of cases) {
    it(c.name, () => {
      const plan = planLink({ instance: c.instance ?? instance(), db: c.db ?? db(), groups: c.groups ?? baseGroups(), limits: c.limits });
      assert.equal(plan.status, c.status, plan.refusal?.message);
      if (c.refusal) assert.equal(plan.refusal?.code, c.refusal);
      if (c.status !== 'refused') assert.equal(plan.refusal, undefined);
      if (c.steps) assert.deepEqual(plan.steps.map((s) => s.kind), c.steps);
      if (c.pair) assert.deepEqual([plan.ec2Group?.name, plan.rdsGroup?.name], c.pair);
      if (c.reused) assert.deepEqual(plan.reusedGroupIds, c.reused);
      c.check?.(plan);
    });
  }

  it('is pure: planning twice gives the same plan and leaves the input alone', () => {
    const input = { instance: instance(), db: db(), groups: baseGroups() };
    const before = JSON.stringify(input);
    assert.deepEqual(planLink(input), planLink(input));
    assert.equal(JSON.stringify(input), before);
  });

  it('tells whether AWS changed between the plan shown and the confirm', () => {
    const shown = planLink({ instance: instance(), db: db(), groups: baseGroups() });
    assert.ok(samePlan(shown, planLink({ instance: instance(), db: db(), groups: baseGroups() })));
    assert.ok(!samePlan(shown, planLink({ instance: instance({ groups: ['sg-web', 'sg-default'] }), db: db(), groups: baseGroups() })));
    assert.ok(!samePlan(shown, planLink({ instance: instance(), db: db(), groups: [...baseGroups(), group('sg-x', 'ec2-rds-1')] })));
  });

  it('describes a plan in words first (reach, groups, instance, DB), then the steps with their ids', () => {
    const lines = describePlan(planLink({ instance: instance(), db: db(), groups: baseGroups() }));
    const stepsAt = lines.findIndex((l) => /^1\. /.test(l));
    const summary = lines.slice(0, stepsAt);
    assert.match(summary[0], /^web will be able to connect to appdb on TCP port 3306\. Nothing else is opened/);
    assert.match(summary[1], /^Groups: two new security groups, ec2-rds-1 for the instance and rds-ec2-1 for the database/);
    assert.match(summary[2], /^On the instance: ec2-rds-1 is added to its network interface; the groups it has stay\.$/);
    assert.match(summary[3], /^On the database: rds-ec2-1 is added to its security groups/);
    // The summary is words: the raw ids wait for the steps.
    assert.doesNotMatch(summary.join('\n'), /sg-|eni-|vpc-/);
    assert.equal(lines.length - stepsAt, FRESH.length);
    assert.match(lines[stepsAt], /^1\. Create security group ec2-rds-1 in vpc-main$/);
    assert.match(lines[stepsAt + 4], /outbound on TCP 3306 to rds-ec2-1 \(new\)/);
    assert.match(lines.slice(stepsAt).join('\n'), /eni-web/);

    const reused = describePlan(planLink({ ...withConsolePair(false) }));
    assert.match(reused.join('\n'), /Groups: the existing pair ec2-rds-1 and rds-ec2-1 is reused; no group is created\./);
    assert.match(reused.join('\n'), /On the database: nothing changes \(it already holds rds-ec2-1\)\./);
    const linked = describePlan(planLink({ ...withConsolePair(true) }));
    assert.match(linked.join('\n'), /Already linked through ec2-rds-1 and rds-ec2-1/);
  });
});

describe('console names', () => {
  it('parses pair names and nothing else', () => {
    assert.deepEqual(parseGroupName('ec2-rds-12'), { side: 'ec2', n: 12 });
    assert.deepEqual(parseGroupName('rds-ec2-1'), { side: 'rds', n: 1 });
    for (const other of ['ec2-rds-', 'ec2-rds-1a', 'xec2-rds-1', 'rds-ec2-1 ', 'default']) assert.equal(parseGroupName(other), undefined, other);
  });

  it('numbers from 1 in an empty VPC', () => {
    assert.equal(nextFreeNumber([], VPC), 1);
    assert.equal(nextFreeNumber([group('a', 'rds-ec2-1'), group('b', 'ec2-rds-2')], VPC), 3);
  });
});
