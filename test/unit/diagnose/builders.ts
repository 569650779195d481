/**
 * Described state for the diagnosis tests: an instance in a public subnet and a MySQL DB in a
 * private one of the same VPC, each with its own group, default network ACLs, one route table
 * with the local route. A test changes what it is about and nothing else.
 */
import type { SecurityGroup, SecurityGroupRule } from '../../../src/core/aws/types';
import type { DiagnosisState, NaclEntry, NetworkAcl } from '../../../src/core/diagnose/types';

export const tcp = (port: number, peer: Partial<SecurityGroupRule>, toPort = port): SecurityGroupRule => ({
  protocol: 'tcp', fromPort: port, toPort, cidrs: [], ipv6Cidrs: [], prefixListIds: [], ...peer,
});

export const ALL_OUT: SecurityGroupRule = { protocol: '-1', cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], prefixListIds: [] };

export function sg(id: string, name: string, ingress: SecurityGroupRule[] = [], egress: SecurityGroupRule[] = []): SecurityGroup {
  return { id, name, description: name, vpcId: 'vpc-1', tags: {}, ingress, egress };
}

/** The default network ACL's rules: 100 allows everything, "*" denies the rest, both ways. */
export function defaultEntries(): NaclEntry[] {
  return [false, true].flatMap((egress) => [
    { ruleNumber: 100, protocol: '-1', action: 'allow' as const, egress, cidr: '0.0.0.0/0' },
    { ruleNumber: 32767, protocol: '-1', action: 'deny' as const, egress, cidr: '0.0.0.0/0' },
  ]);
}

export function acl(id: string, subnetIds: string[], entries: NaclEntry[] = defaultEntries()): NetworkAcl {
  return { id, vpcId: 'vpc-1', isDefault: false, subnetIds, entries };
}

export function entry(ruleNumber: number, action: 'allow' | 'deny', egress: boolean, cidr: string, from?: number, to = from, protocol = '6'): NaclEntry {
  return { ruleNumber, action, egress, cidr, protocol, fromPort: from, toPort: to };
}

export interface StateOptions {
  readonly instanceGroups?: SecurityGroup[];
  readonly dbGroups?: SecurityGroup[];
  readonly otherGroups?: SecurityGroup[];
}

/** Instance 10.0.1.10 (subnet-pub, sg-app), DB 10.0.11.20:3306 (subnet-db, sg-db). By default nothing lets them talk. */
export function state(options: StateOptions = {}, over: Partial<DiagnosisState> = {}): DiagnosisState {
  const instanceGroups = options.instanceGroups ?? [sg('sg-app', 'app', [], [])];
  const dbGroups = options.dbGroups ?? [sg('sg-db', 'db', [], [])];
  return {
    instance: { id: 'i-app', name: 'app', state: 'running', vpcId: 'vpc-1', subnetId: 'subnet-pub', ipv4: '10.0.1.10', ipv6: [], groupIds: instanceGroups.map((g) => g.id), interfaceId: 'eni-app' },
    db: {
      id: 'appdb', kind: 'instance', engine: 'mysql', engineVersion: '8.0.39', status: 'available', endpoint: { address: 'appdb.x.eu-west-1.rds.amazonaws.com', port: 3306 },
      publiclyAccessible: false, vpcId: 'vpc-1', subnetId: 'subnet-db', ipv4: '10.0.11.20', ipv6: [], groupIds: dbGroups.map((g) => g.id), located: 'dns',
    },
    groups: [...instanceGroups, ...dbGroups, ...(options.otherGroups ?? [])],
    subnets: [
      { id: 'subnet-pub', vpcId: 'vpc-1', cidr: '10.0.1.0/24', ipv6Cidrs: ['2600:1f18:1:100::/64'] },
      { id: 'subnet-db', vpcId: 'vpc-1', cidr: '10.0.11.0/24', ipv6Cidrs: ['2600:1f18:1:b00::/64'] },
    ],
    nacls: [acl('acl-default', ['subnet-pub', 'subnet-db'])],
    routeTables: [{ id: 'rtb-main', vpcId: 'vpc-1', main: true, subnetIds: [], routes: [{ destination: '10.0.0.0/16', target: 'local', state: 'active' }] }],
    vpcDns: [{ vpcId: 'vpc-1', enableDnsSupport: true, enableDnsHostnames: true }],
    prefixLists: new Map(),
    ...over,
  };
}

/** sg-app → sg-db on 3306 and back, as the console's pair would be, but any names. */
export function referencePair(names = ['app', 'db']): { instanceGroups: SecurityGroup[]; dbGroups: SecurityGroup[] } {
  return {
    instanceGroups: [sg('sg-app', names[0], [], [tcp(3306, { peerGroupId: 'sg-db' })])],
    dbGroups: [sg('sg-db', names[1], [tcp(3306, { peerGroupId: 'sg-app' })], [])],
  };
}
