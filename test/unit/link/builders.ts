/**
 * Small builders for described AWS state: a test says what differs from an ordinary
 * instance / DB / group and nothing else. The same world feeds the pure planner and FakeAws.
 */
import {
  ALLOW_ALL_EGRESS,
  createdByTags,
  egressRuleDescription,
  groupDescription,
  ingressRuleDescription,
  pairRule,
} from '../../../src/core/aws/link/consoleRules';
import type { Ec2Instance, NetworkInterface, RdsDatabase, SecurityGroup, SecurityGroupRule } from '../../../src/core/aws/types';

export const REGION = 'eu-west-1';
export const VPC = 'vpc-main';
export const OTHER_VPC = 'vpc-other';

export interface World {
  readonly instances: Ec2Instance[];
  readonly databases: RdsDatabase[];
  readonly groups: SecurityGroup[];
}

export function group(id: string, name: string, over: Partial<SecurityGroup> = {}): SecurityGroup {
  return { id, name, description: over.description ?? `${name} group`, vpcId: VPC, tags: {}, ingress: [], egress: [ALLOW_ALL_EGRESS], ...over };
}

export function cidrRule(port: number, cidr = '0.0.0.0/0'): SecurityGroupRule {
  return { protocol: 'tcp', fromPort: port, toPort: port, cidrs: [cidr], ipv6Cidrs: [], prefixListIds: [] };
}

export function eni(id: string, deviceIndex: number, securityGroupIds: string[], vpcId = VPC): NetworkInterface {
  return { id, deviceIndex, securityGroupIds, vpcId, subnetId: 'subnet-1' };
}

export function instance(over: Partial<Ec2Instance> & { groups?: string[] } = {}): Ec2Instance {
  const { groups, ...rest } = over;
  const vpcId = rest.vpcId ?? VPC;
  const networkInterfaces = rest.networkInterfaces ?? [eni('eni-web', 0, groups ?? ['sg-web'], vpcId)];
  const primary = networkInterfaces.find((n) => n.deviceIndex === 0);
  return {
    region: REGION,
    id: 'i-web',
    name: 'web',
    state: 'running',
    vpcId,
    subnetId: 'subnet-1',
    tags: {},
    ...rest,
    networkInterfaces,
    securityGroupIds: rest.securityGroupIds ?? primary?.securityGroupIds ?? [],
  };
}

export function db(over: Partial<RdsDatabase> = {}): RdsDatabase {
  return {
    region: REGION,
    kind: 'instance',
    id: 'appdb',
    engine: 'mysql',
    status: 'available',
    endpoint: { address: 'appdb.abc.eu-west-1.rds.amazonaws.com', port: 3306 },
    vpcId: VPC,
    publiclyAccessible: false,
    securityGroupIds: ['sg-db'],
    iamAuthEnabled: false,
    ...over,
  };
}

export function auroraCluster(over: Partial<RdsDatabase> = {}): RdsDatabase {
  return db({
    kind: 'cluster',
    id: 'aurora1',
    engine: 'aurora-mysql',
    endpoint: { address: 'aurora1.cluster-abc.eu-west-1.rds.amazonaws.com', port: 3306 },
    memberIds: ['aurora1-a'],
    ...over,
  });
}

/**
 * A valid console pair `ec2-rds-N` / `rds-ec2-N` on the DB port, the way the console (or
 * RDS Link, with `ours`) leaves it.
 */
export function consolePair(
  n: number,
  opts: { port?: number; dbId?: string; ec2Id?: string; rdsId?: string; ours?: boolean; vpcId?: string } = {},
): [SecurityGroup, SecurityGroup] {
  const port = opts.port ?? 3306;
  const dbId = opts.dbId ?? 'appdb';
  const ec2Id = opts.ec2Id ?? `sg-ec2rds${n}`;
  const rdsId = opts.rdsId ?? `sg-rdsec2${n}`;
  const tags = opts.ours ? createdByTags() : {};
  const vpcId = opts.vpcId ?? VPC;
  return [
    { id: ec2Id, name: `ec2-rds-${n}`, description: groupDescription('ec2', dbId), vpcId, tags, ingress: [], egress: [pairRule(port, rdsId, egressRuleDescription(dbId))] },
    { id: rdsId, name: `rds-ec2-${n}`, description: groupDescription('rds', dbId), vpcId, tags, ingress: [pairRule(port, ec2Id, ingressRuleDescription(ec2Id))], egress: [] },
  ];
}

/** The ordinary starting point: one instance with sg-web, one MySQL DB with sg-db, the VPC's default group. */
export function baseGroups(): SecurityGroup[] {
  return [group('sg-default', 'default'), group('sg-web', 'web'), group('sg-db', 'db', { ingress: [cidrRule(3306, '10.0.0.0/16')] })];
}

export function world(over: Partial<World> = {}): World {
  return {
    instances: over.instances ?? [instance()],
    databases: over.databases ?? [db()],
    groups: over.groups ?? baseGroups(),
  };
}

/** Replaces one group of a list by id (to describe a modified pair). */
export function withGroup(groups: SecurityGroup[], id: string, change: (g: SecurityGroup) => SecurityGroup): SecurityGroup[] {
  return groups.map((g) => (g.id === id ? change(g) : g));
}
