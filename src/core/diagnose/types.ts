/**
 * The state a diagnosis reads (as plain data, from the AWS reads or a test's table) and what it
 * answers: one check per line, pass / fail / unknown, with the evidence and the fix.
 */
import type { RouteTableHead, SecurityGroup } from '../aws/types';

/** Where one side of the path sits; addresses are exact ("10.0.1.4") or, when only the subnet is known, missing. */
export interface SideLocation {
  readonly vpcId?: string;
  readonly subnetId?: string;
  readonly ipv4?: string;
  readonly ipv6: readonly string[];
  /** The groups on the interface (the instance's primary interface, or the DB's). */
  readonly groupIds: readonly string[];
}

export interface DiagnosedInstance extends SideLocation {
  readonly id: string;
  readonly name?: string;
  readonly state: string;
  readonly interfaceId?: string;
}

export interface DiagnosedDatabase extends SideLocation {
  readonly id: string;
  readonly kind: 'instance' | 'cluster';
  readonly engine: string;
  readonly engineVersion?: string;
  readonly status: string;
  readonly endpoint?: { readonly address: string; readonly port: number };
  readonly publiclyAccessible: boolean;
  /** How the address or subnet was found: by the endpoint's DNS answer, or by the DB's zone in its subnet group. */
  readonly located?: 'dns' | 'zone';
}

export interface Subnet {
  readonly id: string;
  readonly vpcId: string;
  readonly cidr?: string;
  readonly ipv6Cidrs: readonly string[];
  readonly availabilityZone?: string;
}

export interface NaclEntry {
  readonly ruleNumber: number;
  /** "-1" all, "6" TCP, other numbers other protocols. */
  readonly protocol: string;
  readonly action: 'allow' | 'deny';
  readonly egress: boolean;
  readonly cidr?: string;
  readonly ipv6Cidr?: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

export interface NetworkAcl {
  readonly id: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly entries: readonly NaclEntry[];
}

export interface Route {
  readonly destination?: string;
  readonly destinationPrefixListId?: string;
  /** "local", "pcx-…", "tgw-…", "igw-…", "nat-…", "eni-…", …; undefined when none is named. */
  readonly target?: string;
  /** "active" or "blackhole". */
  readonly state?: string;
}

export interface RouteTable extends RouteTableHead {
  readonly routes: readonly Route[];
}

/** A transit gateway's attachment of a VPC, and the TGW route table it is associated with. */
export interface TransitGatewayAttachment {
  readonly id: string;
  readonly transitGatewayId: string;
  readonly resourceType?: string;
  /** The VPC id for a VPC attachment. */
  readonly resourceId?: string;
  /** "available", "pendingAcceptance", "deleted", … */
  readonly state?: string;
  /** The TGW route table that routes what enters through this attachment; undefined when it is associated with none. */
  readonly routeTableId?: string;
}

/** One route of a TGW route table: its destination and the attachments it sends to. */
export interface TransitGatewayRoute {
  readonly destination?: string;
  readonly prefixListId?: string;
  /** "active" or "blackhole". */
  readonly state?: string;
  /** "static" or "propagated". */
  readonly type?: string;
  readonly attachments: readonly { readonly id?: string; readonly resourceId?: string; readonly resourceType?: string }[];
}

/** What the transit gateways on the path say, read only when a VPC route goes through one. */
export interface TransitGatewayRouting {
  /** The TGWs' attachments of the two VPCs. */
  readonly attachments: readonly TransitGatewayAttachment[];
  /** TGW route table id → address searched (as in the route checks, "10.0.11.20/32") → the routes that cover it. A missing key was not read. */
  readonly routes: ReadonlyMap<string, ReadonlyMap<string, readonly TransitGatewayRoute[]>>;
}

export interface VpcDns {
  readonly vpcId: string;
  readonly enableDnsSupport?: boolean;
  readonly enableDnsHostnames?: boolean;
}

/** Everything a static diagnosis looks at. A missing list means it was not read: its checks are unknown. */
export interface DiagnosisState {
  readonly instance: DiagnosedInstance;
  readonly db: DiagnosedDatabase;
  readonly groups: readonly SecurityGroup[];
  readonly subnets?: readonly Subnet[];
  readonly nacls?: readonly NetworkAcl[];
  readonly routeTables?: readonly RouteTable[];
  readonly vpcDns?: readonly VpcDns[];
  /** Read only when a route goes through a transit gateway; missing there: the TGW leg is unknown. */
  readonly transitGateways?: TransitGatewayRouting;
  /** Prefix list id → its CIDRs; a list that is missing here is unknown. */
  readonly prefixLists?: ReadonlyMap<string, readonly string[]>;
}

export type CheckStatus = 'pass' | 'fail' | 'unknown';

export type CheckId =
  | 'database'
  | 'instance'
  | 'sgEgress'
  | 'sgIngress'
  | 'naclInstanceOutbound'
  | 'naclDbInbound'
  | 'naclDbOutbound'
  | 'naclInstanceInbound'
  | 'routeToDb'
  | 'routeToInstance'
  | 'dns'
  | 'reachability'
  | 'liveResolve'
  | 'liveTcp'
  | 'liveGreeting'
  | 'appConfig'
  | 'dbExists'
  | 'eicePort';

/** A network ACL entry to add, shown and never applied: NACLs are shared by every subnet they hold. */
export interface NaclRuleFix {
  readonly kind: 'naclRule';
  readonly aclId: string;
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr: string;
  /** The AWS CLI line that adds it. */
  readonly cli: string;
}

export type Fix =
  | { readonly kind: 'link' }
  /** The goconfig quick-fix "Point the config at RDS" on the config file. */
  | { readonly kind: 'pointConfig'; readonly fileName: string }
  /** The command "Create Database (Schema)…" for this name on the DB. */
  | { readonly kind: 'createSchema'; readonly name: string }
  | NaclRuleFix
  | { readonly kind: 'text'; readonly message: string };

export interface Check {
  readonly id: CheckId;
  /** A short localized title: "Security group egress of the instance". */
  readonly title: string;
  readonly status: CheckStatus;
  /** Localized sentences: what was found, the rule that allows it or what is missing. */
  readonly evidence: readonly string[];
  readonly fix?: Fix;
}

export interface Diagnosis {
  readonly instanceId: string;
  readonly dbId: string;
  readonly checks: readonly Check[];
  /** fail when any check fails, unknown when none fails and one is unknown, else pass. */
  readonly status: CheckStatus;
}
