import * as assert from 'node:assert/strict';
import { coverage, parseRange } from '../../../src/core/diagnose/addresses';
import { diagnose } from '../../../src/core/diagnose/evaluate';
import { evaluateNacl } from '../../../src/core/diagnose/nacls';
import { formatReport } from '../../../src/core/diagnose/report';
import { checkSecurityGroups } from '../../../src/core/diagnose/securityGroups';
import type { Check, CheckId, DiagnosisState, Route, RouteTable } from '../../../src/core/diagnose/types';
import { ALL_OUT, acl, defaultEntries, entry, referencePair, sg, state, tcp } from './builders';

function check(s: DiagnosisState, id: CheckId): Check {
  const c = diagnose(s).checks.find((x) => x.id === id);
  assert.ok(c, `no check ${id}`);
  return c;
}

describe('diagnose: addresses', () => {
  it('parses IPv4 and IPv6 blocks and tells all / some / none', () => {
    const subnet = parseRange('10.0.11.0/24');
    assert.ok(subnet);
    assert.equal(coverage(parseRange('10.0.0.0/16'), subnet), 'all');
    assert.equal(coverage(parseRange('10.0.11.128/25'), subnet), 'some');
    assert.equal(coverage(parseRange('10.1.0.0/16'), subnet), 'none');
    const v6 = parseRange('2600:1f18:1:b00::14');
    assert.ok(v6);
    assert.equal(coverage(parseRange('2600:1f18:1::/48'), v6), 'all');
    assert.equal(coverage(parseRange('::/0'), v6), 'all');
    assert.equal(coverage(parseRange('0.0.0.0/0'), v6), 'none');
    assert.equal(parseRange('10.0.300.1'), undefined);
  });
});

describe('diagnose: security groups, both directions', () => {
  const rows: { name: string; options: Parameters<typeof state>[0]; over?: Partial<DiagnosisState>; egress: string; ingress: string; evidence?: RegExp }[] = [
    { name: 'a group reference each way', options: referencePair(), egress: 'pass', ingress: 'pass', evidence: /sg-db \(db\)/ },
    {
      name: 'the console\'s linked pair is named as such',
      options: {
        instanceGroups: [sg('sg-e', 'ec2-rds-1', [], [tcp(3306, { peerGroupId: 'sg-r' })])],
        dbGroups: [sg('sg-r', 'rds-ec2-1', [tcp(3306, { peerGroupId: 'sg-e' })], [])],
      },
      egress: 'pass', ingress: 'pass', evidence: /linked pair/,
    },
    {
      name: 'a linked pair next to an allow-all group is still named, by its reference rule',
      options: {
        instanceGroups: [sg('sg-app', 'app', [], [ALL_OUT]), sg('sg-e', 'ec2-rds-2', [], [tcp(3306, { peerGroupId: 'sg-r' })])],
        dbGroups: [sg('sg-r', 'rds-ec2-2', [tcp(3306, { peerGroupId: 'sg-e' })], [])],
      },
      egress: 'pass', ingress: 'pass', evidence: /sg-e \(ec2-rds-2\) allows it: TCP 3306 to sg-r[\s\S]*linked pair/,
    },
    {
      name: 'a CIDR that covers the DB\'s address, and the instance\'s subnet on the DB side',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3306, { cidrs: ['10.0.0.0/16'] })])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { cidrs: ['10.0.1.0/24'] })])] },
      egress: 'pass', ingress: 'pass', evidence: /10\.0\.0\.0\/16/,
    },
    {
      name: 'a CIDR that misses the DB',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3306, { cidrs: ['10.0.12.0/24'] })])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { peerGroupId: 'sg-app' })])] },
      egress: 'fail', ingress: 'pass',
    },
    {
      name: 'a port range that holds 3306, and a wrong port',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3000, { peerGroupId: 'sg-db' }, 4000)])], dbGroups: [sg('sg-db', 'db', [tcp(5432, { peerGroupId: 'sg-app' })])] },
      egress: 'pass', ingress: 'fail',
    },
    {
      name: 'a prefix list whose CIDRs are known',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3306, { prefixListIds: ['pl-db'] })])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { prefixListIds: ['pl-app'] })])] },
      over: { prefixLists: new Map([['pl-db', ['10.0.11.0/24']], ['pl-app', ['192.168.0.0/16']]]) },
      egress: 'pass', ingress: 'fail',
    },
    {
      name: 'a prefix list that could not be read is unknown, not a failure',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3306, { prefixListIds: ['pl-gone'] })])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { peerGroupId: 'sg-app' })])] },
      egress: 'unknown', ingress: 'pass', evidence: /prefix list/,
    },
    {
      name: 'the default allow-all egress',
      options: { instanceGroups: [sg('sg-app', 'app', [], [ALL_OUT])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { peerGroupId: 'sg-app' })])] },
      egress: 'pass', ingress: 'pass', evidence: /default allow-all/,
    },
    {
      name: 'no egress at all (the default removed) and no ingress',
      options: {}, egress: 'fail', ingress: 'fail',
    },
    {
      name: 'IPv6 rules match the IPv6 addresses',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3306, { ipv6Cidrs: ['2600:1f18:1:b00::/64'] })])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { ipv6Cidrs: ['2600:1f18:1:100::a/128'] })])] },
      over: {},
      egress: 'pass', ingress: 'pass', evidence: /IPv6/,
    },
    {
      name: 'when only the DB\'s subnet is known, a block inside it is unknown',
      options: { instanceGroups: [sg('sg-app', 'app', [], [tcp(3306, { cidrs: ['10.0.11.16/28'] })])], dbGroups: [sg('sg-db', 'db', [tcp(3306, { peerGroupId: 'sg-app' })])] },
      over: { db: { ...state().db, ipv4: undefined, located: 'zone' } },
      egress: 'unknown', ingress: 'pass',
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      let s = state(row.options, row.over);
      if (row.name.startsWith('IPv6')) {
        s = { ...s, instance: { ...s.instance, ipv6: ['2600:1f18:1:100::a'] }, db: { ...s.db, ipv6: ['2600:1f18:1:b00::14'] } };
      }
      const [egress, ingress] = checkSecurityGroups(s);
      assert.deepEqual([egress.status, ingress.status], [row.egress, row.ingress], [...egress.evidence, ...ingress.evidence].join('\n'));
      if (row.evidence) assert.match([...egress.evidence, ...ingress.evidence].join('\n'), row.evidence);
    });
  }

  it('names the side that lacks a rule and offers "Link them" in one VPC', () => {
    const [egress, ingress] = checkSecurityGroups(state({ instanceGroups: [sg('sg-app', 'app', [], [ALL_OUT])] }));
    assert.equal(egress.status, 'pass');
    assert.equal(ingress.status, 'fail');
    assert.match(ingress.evidence[0], /No inbound rule of the DB's groups \(sg-db \(db\)\) allows TCP 3306/);
    assert.deepEqual(ingress.fix, { kind: 'link' });
  });

  it('does not offer "Link them" across VPCs (the link needs one VPC)', () => {
    const s = state();
    const [, ingress] = checkSecurityGroups({ ...s, db: { ...s.db, vpcId: 'vpc-2' } });
    assert.equal(ingress.status, 'fail');
    assert.equal(ingress.fix, undefined);
  });
});

describe('diagnose: network ACLs', () => {
  const db = parseRange('10.0.11.20/32');
  assert.ok(db);

  it('the lowest matching number decides: a deny before an allow wins', () => {
    const a = acl('acl-x', [], [entry(50, 'deny', true, '10.0.11.0/24', 3306), entry(100, 'allow', true, '0.0.0.0/0', 0, 65535)]);
    const v = evaluateNacl(a, true, db, [3306, 3306]);
    assert.deepEqual(v.denied.map((d) => d.rule?.ruleNumber), [50]);
    assert.equal(v.allowed.length, 0);
    // The same rules the other way round: the allow comes first and wins.
    const b = acl('acl-y', [], [entry(50, 'allow', true, '0.0.0.0/0', 0, 65535), entry(100, 'deny', true, '10.0.11.0/24', 3306)]);
    assert.deepEqual(evaluateNacl(b, true, db, [3306, 3306]).allowed.map((x) => x.rule.ruleNumber), [50]);
  });

  it('fails on the DB subnet\'s inbound deny and shows the exact rule to add before it', () => {
    const entries = [entry(90, 'deny', false, '10.0.1.0/24', 3306), ...defaultEntries()];
    const s = state(referencePair(), { nacls: [acl('acl-pub', ['subnet-pub']), acl('acl-db', ['subnet-db'], entries)] });
    const c = check(s, 'naclDbInbound');
    assert.equal(c.status, 'fail');
    assert.match(c.evidence.join('\n'), /rule 90 denies TCP 3306 from 10\.0\.1\.10\/32/);
    assert.match(c.evidence.join('\n'), /comes too late/);
    assert.ok(c.fix?.kind === 'naclRule');
    assert.equal(c.fix.ruleNumber, 89);
    assert.equal(c.fix.cli, 'aws ec2 create-network-acl-entry --network-acl-id acl-db --ingress --rule-number 89 --protocol tcp --port-range From=3306,To=3306 --cidr-block 10.0.1.0/24 --rule-action allow');
    assert.equal(check(s, 'naclInstanceOutbound').status, 'pass');
  });

  it('checks the ephemeral return ports both ways', () => {
    const dbEntries = [entry(100, 'allow', false, '0.0.0.0/0', 3306), entry(100, 'allow', true, '0.0.0.0/0', 3306), entry(32767, 'deny', true, '0.0.0.0/0', undefined, undefined, '-1'), entry(32767, 'deny', false, '0.0.0.0/0', undefined, undefined, '-1')];
    const s = state(referencePair(), { nacls: [acl('acl-pub', ['subnet-pub']), acl('acl-db', ['subnet-db'], dbEntries)] });
    const out = check(s, 'naclDbOutbound');
    assert.equal(out.status, 'fail');
    assert.match(out.evidence[0], /rule \* denies TCP 3307–65535 to 10\.0\.1\.10\/32/);
    assert.ok(out.fix?.kind === 'naclRule');
    assert.match(out.fix.cli, /--egress --rule-number 200 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10\.0\.1\.0\/24/);
    assert.equal(check(s, 'naclDbInbound').status, 'pass');
  });

  it('picks a free rule number when the last ones are taken', () => {
    const entries = [entry(32766, 'allow', false, '192.168.0.0/16', 3306), entry(32767, 'deny', false, '0.0.0.0/0', undefined, undefined, '-1'), ...defaultEntries().filter((e) => e.egress)];
    const s = state(referencePair(), { nacls: [acl('acl-pub', ['subnet-pub']), acl('acl-db', ['subnet-db'], entries)] });
    const c = check(s, 'naclDbInbound');
    assert.ok(c.fix?.kind === 'naclRule');
    assert.equal(c.fix.ruleNumber, 32765);
  });

  it('accepts answers on Linux\'s ephemeral range even when the low ports are closed', () => {
    const pubEntries = [entry(100, 'allow', false, '10.0.11.0/24', 32768, 65535), entry(110, 'allow', true, '0.0.0.0/0', 3306), entry(32767, 'deny', false, '0.0.0.0/0', undefined, undefined, '-1')];
    const s = state(referencePair(), { nacls: [acl('acl-pub', ['subnet-pub'], pubEntries), acl('acl-db', ['subnet-db'])] });
    const c = check(s, 'naclInstanceInbound');
    assert.equal(c.status, 'pass');
    assert.match(c.evidence.join('\n'), /Linux clients answer on 32768–60999/);
  });

  it('an IPv6-only deny does not touch IPv4 traffic', () => {
    const entries = [{ ruleNumber: 10, protocol: '-1', action: 'deny' as const, egress: false, ipv6Cidr: '::/0' }, ...defaultEntries()];
    const s = state(referencePair(), { nacls: [acl('acl-pub', ['subnet-pub']), acl('acl-db', ['subnet-db'], entries)] });
    assert.equal(check(s, 'naclDbInbound').status, 'pass');
  });

  it('in one subnet no ACL is crossed', () => {
    const s = state(referencePair());
    const one = { ...s, db: { ...s.db, subnetId: 'subnet-pub' }, nacls: [acl('acl-deny-all', ['subnet-pub'], [])] };
    const d = diagnose(one);
    assert.deepEqual(d.checks.filter((c) => c.id.startsWith('nacl')).map((c) => c.status), ['pass']);
    assert.equal(d.checks.some((c) => c.id === 'routeToDb'), false);
  });
});

describe('diagnose: routes, DNS, the DB and the whole', () => {
  it('passes the linked pair in the default network', () => {
    const d = diagnose(state(referencePair()));
    assert.equal(d.status, 'pass', d.checks.map((c) => `${c.id} ${c.status} ${c.evidence.join(' ')}`).join('\n'));
    assert.deepEqual(d.checks.map((c) => c.id), ['database', 'instance', 'sgEgress', 'sgIngress', 'naclInstanceOutbound', 'naclDbInbound', 'naclDbOutbound', 'naclInstanceInbound', 'routeToDb', 'routeToInstance', 'dns']);
  });

  it('across VPCs: a peering route passes, a blackhole and a missing route fail', () => {
    const base = state(referencePair());
    const s: DiagnosisState = {
      ...base,
      db: { ...base.db, vpcId: 'vpc-2' },
      subnets: [...(base.subnets ?? []).slice(0, 1), { id: 'subnet-db', vpcId: 'vpc-2', cidr: '10.0.11.0/24', ipv6Cidrs: [] }],
      routeTables: [
        { id: 'rtb-1', vpcId: 'vpc-1', main: true, subnetIds: [], routes: [{ destination: '10.0.0.0/20', target: 'local' }, { destination: '10.0.8.0/21', target: 'pcx-1', state: 'active' }] },
        { id: 'rtb-2', vpcId: 'vpc-2', main: false, subnetIds: ['subnet-db'], routes: [{ destination: '10.0.8.0/21', target: 'local' }, { destination: '10.0.1.0/24', target: 'tgw-1', state: 'blackhole' }] },
      ],
    };
    const to = check(s, 'routeToDb');
    assert.equal(to.status, 'pass');
    assert.match(to.evidence[0], /10\.0\.8\.0\/21 → pcx-1/);
    assert.equal(check(s, 'routeToInstance').status, 'fail');
    const none = { ...s, routeTables: [s.routeTables?.[0], { ...s.routeTables?.[1], routes: [] }] } as DiagnosisState;
    const missing = check(none, 'routeToInstance');
    assert.equal(missing.status, 'fail');
    assert.match(missing.fix?.kind === 'text' ? missing.fix.message : '', /peering connection or the transit gateway/);
  });

  it('IPv6: a dual-stack pair has its routes checked in both families, by longest prefix; one family that routes is enough, the other\'s finding is kept', () => {
    const base = state(referencePair());
    const dual: DiagnosisState = {
      ...base,
      instance: { ...base.instance, ipv6: ['2600:1f18:1:100::10'] },
      db: { ...base.db, vpcId: 'vpc-2', ipv6: ['2600:1f18:2:b00::20'] },
      subnets: [...(base.subnets ?? []).slice(0, 1), { id: 'subnet-db', vpcId: 'vpc-2', cidr: '10.0.11.0/24', ipv6Cidrs: ['2600:1f18:2:b00::/64'] }],
    };
    const tables = (a: Route[], b: Route[]): RouteTable[] => [
      { id: 'rtb-1', vpcId: 'vpc-1', main: true, subnetIds: [], routes: [{ destination: '10.0.0.0/20', target: 'local' }, { destination: '2600:1f18:1::/48', target: 'local' }, { destination: '::/0', target: 'igw-1', state: 'active' }, ...a] },
      { id: 'rtb-2', vpcId: 'vpc-2', main: false, subnetIds: ['subnet-db'], routes: [{ destination: '10.0.8.0/21', target: 'local' }, { destination: '2600:1f18:2::/48', target: 'local' }, ...b] },
    ];
    const v4 = (target: string): Route[] => [{ destination: target === 'db' ? '10.0.8.0/21' : '10.0.1.0/24', target: 'pcx-1', state: 'active' }];
    const v6 = (target: string): Route[] => [{ destination: target === 'db' ? '2600:1f18:2::/48' : '2600:1f18:1::/48', target: 'pcx-1', state: 'active' }];

    // Both families peered: pass, the IPv6 route named too (the /56, not the wider ::/0).
    const both = { ...dual, routeTables: tables([...v4('db'), ...v6('db')], [...v4('app'), ...v6('app')]) };
    const bothTo = check(both, 'routeToDb');
    assert.equal(bothTo.status, 'pass');
    assert.match(bothTo.evidence.join('\n'), /Over IPv6 \(pass\): rtb-1: 2600:1f18:2::\/48 → pcx-1/);
    // IPv4 only: still a pass, with the missing IPv6 route said.
    const v4only = check({ ...dual, routeTables: tables(v4('db'), v4('app')) }, 'routeToDb');
    assert.equal(v4only.status, 'pass');
    assert.match(v4only.evidence[0], /10\.0\.8\.0\/21 → pcx-1/);
    assert.match(v4only.evidence.join('\n'), /Over IPv6 \(unknown\): rtb-1: ::\/0 → igw-1 does not lead to a private address/);
    // IPv6 only: a pass led by the IPv6 route, the IPv4 gap kept.
    const v6only = check({ ...dual, routeTables: tables(v6('db'), v6('app')) }, 'routeToInstance');
    assert.equal(v6only.status, 'pass');
    assert.match(v6only.evidence[0], /rtb-2: 2600:1f18:1::\/48 → pcx-1/);
    assert.match(v6only.evidence.join('\n'), /Over IPv4 \(fail\): rtb-2 has no route to 10\.0\.1\.10/);
    // Neither: the IPv4 finding and its fix lead.
    const neither = check({ ...dual, routeTables: tables([], []) }, 'routeToInstance');
    assert.equal(neither.status, 'fail');
    assert.match(neither.fix?.kind === 'text' ? neither.fix.message : '', /Add a route to 10\.0\.1\.10/);
    assert.match(neither.evidence.join('\n'), /Over IPv6 \(fail\): rtb-2 has no route to 2600:1f18:1:100::10/);
    // Only one side with IPv6: IPv4 alone is checked, as before.
    const single = check({ ...dual, db: { ...dual.db, ipv6: [] }, routeTables: tables(v4('db'), v4('app')) }, 'routeToDb');
    assert.ok(!single.evidence.some((e) => /IPv6/.test(e)), single.evidence.join('\n'));
  });

  it('DNS: resolution off fails; hostnames off fails only for a publicly accessible DB', () => {
    const off = state(referencePair(), { vpcDns: [{ vpcId: 'vpc-1', enableDnsSupport: false, enableDnsHostnames: true }] });
    assert.equal(check(off, 'dns').status, 'fail');
    const noHostnames = state(referencePair(), { vpcDns: [{ vpcId: 'vpc-1', enableDnsSupport: true, enableDnsHostnames: false }] });
    assert.equal(check(noHostnames, 'dns').status, 'pass');
    assert.equal(check({ ...noHostnames, db: { ...noHostnames.db, publiclyAccessible: true } }, 'dns').status, 'fail');
    assert.equal(check(state(referencePair(), { vpcDns: undefined }), 'dns').status, 'unknown');
  });

  it('the DB: stopped, creating without an endpoint, or not MySQL fails; the evidence names engine, endpoint and port', () => {
    const s = state(referencePair());
    assert.match(check(s, 'database').evidence[0], /appdb: mysql 8\.0\.39, status available, appdb\.x\.eu-west-1\.rds\.amazonaws\.com:3306/);
    assert.equal(check({ ...s, db: { ...s.db, status: 'stopped' } }, 'database').status, 'fail');
    assert.equal(check({ ...s, db: { ...s.db, endpoint: undefined, status: 'creating' } }, 'database').status, 'fail');
    assert.equal(check({ ...s, db: { ...s.db, engine: 'postgres' } }, 'database').status, 'fail');
    assert.equal(check({ ...s, instance: { ...s.instance, state: 'stopped' } }, 'instance').status, 'fail');
  });

  it('a NACL read that failed leaves its checks unknown, and the whole unknown', () => {
    const d = diagnose(state(referencePair(), { nacls: undefined }));
    assert.equal(d.status, 'unknown');
    assert.equal(d.checks.find((c) => c.id === 'naclDbInbound')?.status, 'unknown');
  });
});

describe('diagnose: the report', () => {
  it('has a line per check with its evidence and fix, and masks account ids on request', () => {
    const base = state();
    const d = diagnose({ ...base, db: { ...base.db, id: 'arn:aws:rds:eu-west-1:123456789012:db:appdb' }, nacls: [acl('acl-pub', ['subnet-pub']), acl('acl-db', ['subnet-db'], [entry(90, 'deny', false, '10.0.1.0/24', 3306), ...defaultEntries()])] });
    const text = formatReport(d, { markdown: false });
    assert.match(text, /^\[FAIL\] Security groups: the DB accepts the instance$/m);
    assert.match(text, /Fix: Link them/);
    assert.match(text, /aws ec2 create-network-acl-entry --network-acl-id acl-db --ingress --rule-number 89/);
    assert.match(text, /123456789012/);
    assert.match(text, /Not checked yet: the live checks/);
    const masked = formatReport(d, { markdown: true, maskAccountIds: true });
    assert.doesNotMatch(masked, /123456789012/);
    assert.match(masked, /rds:eu-west-1:\*{12}:db/);
    assert.match(masked, /^## ❌ Network ACL: into the DB's subnet$/m);
    assert.equal(masked.split('\n').filter((x) => x.startsWith('## ')).length, d.checks.length);
  });
});
