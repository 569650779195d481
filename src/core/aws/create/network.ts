/**
 * Where a new DB goes in a VPC: a DB subnet group of that VPC spanning at least two AZs (RDS
 * requires two), or a new one made of the VPC's private subnets. A subnet is private when its
 * route table (its own association, else the VPC's main table) has no route to an internet
 * gateway. Pure: the reads are the caller's.
 */
import { t } from '../../l10n';
import type { RouteTableHead } from '../types';
import { newSubnetGroupName } from './rules';

export interface SubnetInfo {
  readonly id: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly cidr?: string;
  readonly name?: string;
}

export interface RouteTableInfo extends RouteTableHead {
  /** Targets of the table's routes: `igw-…`, `nat-…`, `local`, … */
  readonly gatewayIds: readonly string[];
}

export interface DbSubnetGroupInfo {
  readonly name: string;
  readonly vpcId: string;
  readonly description?: string;
  readonly subnetIds: readonly string[];
  readonly availabilityZones: readonly string[];
}

export interface ClassifiedSubnet extends SubnetInfo {
  readonly public: boolean;
}

/** Each subnet of the VPC, public when its route table routes to an internet gateway. */
export function classifySubnets(subnets: readonly SubnetInfo[], routeTables: readonly RouteTableInfo[]): ClassifiedSubnet[] {
  return subnets.map((s) => {
    const ofVpc = routeTables.filter((r) => r.vpcId === s.vpcId);
    const table = ofVpc.find((r) => r.subnetIds.includes(s.id)) ?? ofVpc.find((r) => r.main);
    return { ...s, public: !!table?.gatewayIds.some((g) => g.startsWith('igw-')) };
  });
}

/** What the VPC offers a new DB. */
export interface SubnetGroupOptions {
  readonly vpcId: string;
  /** Existing groups of the VPC that span two AZs or more (usable as they are). */
  readonly usable: readonly DbSubnetGroupInfo[];
  /** A group this product can create from the private subnets, when they span two AZs. */
  readonly proposal?: { readonly name: string; readonly subnetIds: readonly string[]; readonly availabilityZones: readonly string[] };
  /** Why no group can be proposed (only public subnets, a single AZ, no subnets), in words. */
  readonly problem?: string;
  /** True when the VPC has public subnets only. */
  readonly onlyPublic: boolean;
}

function zonesOf(subnets: readonly SubnetInfo[]): string[] {
  return [...new Set(subnets.map((s) => s.availabilityZone))].sort();
}

export function subnetGroupOptions(vpcId: string, groups: readonly DbSubnetGroupInfo[], subnets: readonly ClassifiedSubnet[]): SubnetGroupOptions {
  const usable = groups.filter((g) => g.vpcId === vpcId && new Set(g.availabilityZones).size >= 2);
  const ofVpc = subnets.filter((s) => s.vpcId === vpcId);
  const privates = ofVpc.filter((s) => !s.public);
  const onlyPublic = ofVpc.length > 0 && privates.length === 0;
  const zones = zonesOf(privates);
  if (zones.length >= 2) {
    return { vpcId, usable, onlyPublic, proposal: { name: newSubnetGroupName(vpcId), subnetIds: privates.map((s) => s.id).sort(), availabilityZones: zones } };
  }
  let problem: string;
  if (ofVpc.length === 0) problem = t('VPC {0} has no subnets.', vpcId);
  else if (onlyPublic) problem = t('VPC {0} has only public subnets (their route tables lead to an internet gateway). A private DB needs private subnets in two Availability Zones: add them, or choose an existing DB subnet group.', vpcId);
  else problem = t('The private subnets of VPC {0} are all in {1}; RDS needs subnets in at least two Availability Zones.', vpcId, zones.join(', '));
  return { vpcId, usable, onlyPublic, problem };
}
