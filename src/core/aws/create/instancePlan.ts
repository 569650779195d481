/**
 * The plan of a new EC2 instance for the app: the AMI through AWS's public SSM parameters
 * (never a hard-coded id), the architecture, a free-tier instance type by default, a subnet, a
 * security group that lets SSH in only from the user's own address (or nothing in at all), an
 * optional instance profile with AmazonSSMManagedInstanceCore, and no user data: the product
 * installs nothing on it. Pure: the reads are the caller's.
 */
import { t } from '../../l10n';
import type { Refusal } from '../link/types';
import { createdByTags } from './dbPlan';
import type { ClassifiedSubnet } from './network';

export type InstanceOs = 'al2023' | 'ubuntu';
export type Architecture = 'x86_64' | 'arm64';

/** The public SSM parameter that names the current AMI of an OS and architecture. */
export function amiParameterName(os: InstanceOs, arch: Architecture): string {
  return os === 'al2023'
    ? `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`
    : `/aws/service/canonical/ubuntu/server/24.04/stable/current/${arch === 'x86_64' ? 'amd64' : 'arm64'}/hvm/ebs-gp3/ami-id`;
}

/** The OS user of the AMI (what EC2 Instance Connect and SSH log in as). */
export function osUserOf(os: InstanceOs): string {
  return os === 'al2023' ? 'ec2-user' : 'ubuntu';
}

/**
 * Types offered when DescribeInstanceTypes names no free-tier one (an endpoint that ignores the
 * filter): the free tier's usual micro types per architecture.
 */
export const FALLBACK_FREE_TIER_TYPES: Readonly<Record<Architecture, readonly string[]>> = {
  x86_64: ['t3.micro', 't2.micro'],
  arm64: ['t4g.micro'],
};

/** The managed policy an instance needs for SSM (Run Command, Session Manager). */
export const SSM_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
export const SSM_ROLE_NAME = 'rds-link-ec2-ssm';

export interface InstanceTypeInfo {
  readonly type: string;
  readonly architectures: readonly Architecture[];
  readonly freeTierEligible: boolean;
  readonly vcpus?: number;
  readonly memoryMiB?: number;
}

/** The free-tier type with the least memory (then vCPUs) for the architecture; t3/t4g micro when none is listed. */
export function defaultInstanceType(types: readonly InstanceTypeInfo[], arch: Architecture): string {
  const fits = types.filter((x) => x.freeTierEligible && x.architectures.includes(arch));
  fits.sort((a, b) => (a.memoryMiB ?? 1e9) - (b.memoryMiB ?? 1e9) || (a.vcpus ?? 1e9) - (b.vcpus ?? 1e9) || a.type.localeCompare(b.type));
  return fits[0]?.type ?? FALLBACK_FREE_TIER_TYPES[arch][0];
}

/** Why `ip` is not a public IPv4 address to let SSH in from; undefined when it is. */
export function sshSourceProblem(ip: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  const parts = m ? m.slice(1).map(Number) : [];
  if (!m || parts.some((p) => p > 255)) return t('{0} is not an IPv4 address.', ip);
  const [a, b] = parts;
  const privateOrLocal = a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  if (privateOrLocal) return t('{0} is not a public address; SSH from the internet comes from your public IP.', ip);
  return undefined;
}

export type InboundChoice = { readonly kind: 'sshFromIp'; readonly ip: string } | { readonly kind: 'none' };

/** What the instance profile step does: nothing, use what exists, or create the missing parts. */
export interface ProfilePlan {
  readonly name: string;
  readonly roleName: string;
  readonly policyArn: string;
  readonly createRole: boolean;
  readonly attachPolicy: boolean;
  readonly createProfile: boolean;
  readonly addRoleToProfile: boolean;
}

/** The IAM parts that already exist (read by the caller). */
export interface ProfileState {
  readonly roleExists: boolean;
  readonly policyAttached: boolean;
  readonly profileExists: boolean;
  readonly roleInProfile: boolean;
}

export interface InstanceCreateContext {
  readonly region: string;
  readonly vpcId: string;
  readonly subnets: readonly ClassifiedSubnet[];
  readonly types: readonly InstanceTypeInfo[];
  /** Security group names in the VPC (a new group's name must be free). */
  readonly groupNames: readonly string[];
  /** Undefined when the user did not ask for an instance profile. */
  readonly profile?: ProfileState;
}

export interface InstanceCreateAnswers {
  readonly name: string;
  readonly os: InstanceOs;
  readonly architecture: Architecture;
  readonly instanceType?: string;
  readonly subnetId?: string;
  readonly inbound: InboundChoice;
  /** Attach an instance profile with AmazonSSMManagedInstanceCore. */
  readonly ssmProfile: boolean;
}

export type InstanceRefusalCode = 'name' | 'sshSource' | 'subnet' | 'instanceType';

export interface InstanceCreatePlan {
  readonly kind: 'createInstance';
  readonly status: 'ready' | 'refused';
  readonly refusals: readonly Refusal<InstanceRefusalCode>[];
  readonly region: string;
  readonly vpcId: string;
  readonly name: string;
  readonly os: InstanceOs;
  readonly osUser: string;
  readonly architecture: Architecture;
  /** Resolved when the plan is applied, by GetParameter; shown by name in the plan. */
  readonly amiParameter: string;
  readonly instanceType: string;
  readonly freeTierEligible: boolean;
  readonly subnetId?: string;
  readonly subnetPublic: boolean;
  readonly securityGroup: { readonly name: string; readonly description: string; readonly ingressCidrs: readonly string[] };
  readonly profile?: ProfilePlan;
  /** None: the product installs nothing on the instance. */
  readonly userData: undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
}

function freeGroupName(base: string, taken: readonly string[]): string {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`.toLowerCase())) return `${base}-${n}`;
}

export function planCreateInstance(context: InstanceCreateContext, answers: InstanceCreateAnswers): InstanceCreatePlan {
  const refusals: Refusal<InstanceRefusalCode>[] = [];
  const notes: string[] = [];
  const name = answers.name.trim();
  if (!/^[\w .:/=+@-]{1,128}$/.test(name)) refusals.push({ code: 'name', message: t('The instance name must be 1 to 128 letters, digits, spaces or ._:/=+-@ characters.') });

  const offered = context.types.filter((x) => x.architectures.includes(answers.architecture));
  const instanceType = answers.instanceType ?? defaultInstanceType(context.types, answers.architecture);
  const info = context.types.find((x) => x.type === instanceType);
  if (answers.instanceType && offered.length && !offered.some((x) => x.type === instanceType)) {
    refusals.push({ code: 'instanceType', message: t('{0} is not offered for {1} here.', instanceType, answers.architecture) });
  }
  const freeTierEligible = info?.freeTierEligible ?? FALLBACK_FREE_TIER_TYPES[answers.architecture].includes(instanceType);

  const ofVpc = context.subnets.filter((s) => s.vpcId === context.vpcId);
  const wantsPublic = answers.inbound.kind === 'sshFromIp';
  const subnet = answers.subnetId
    ? ofVpc.find((s) => s.id === answers.subnetId)
    : (wantsPublic ? ofVpc.find((s) => s.public) : undefined) ?? ofVpc.find((s) => !s.public) ?? ofVpc[0];
  if (!subnet) refusals.push({ code: 'subnet', message: answers.subnetId ? t('Subnet {0} is not in VPC {1}.', answers.subnetId, context.vpcId) : t('VPC {0} has no subnets.', context.vpcId) });
  else if (wantsPublic && !subnet.public) notes.push(t('Subnet {0} is private: SSH from your address reaches the instance only through a VPN, a bastion or EC2 Instance Connect Endpoint.', subnet.id));

  let ingressCidrs: string[] = [];
  if (answers.inbound.kind === 'sshFromIp') {
    const problem = sshSourceProblem(answers.inbound.ip);
    if (problem) refusals.push({ code: 'sshSource', message: problem });
    else ingressCidrs = [`${answers.inbound.ip}/32`];
  } else {
    notes.push(t('Nothing may connect in; reach the instance through SSM Session Manager or an EC2 Instance Connect Endpoint.'));
  }

  let profile: ProfilePlan | undefined;
  if (answers.ssmProfile) {
    const s = context.profile ?? { roleExists: false, policyAttached: false, profileExists: false, roleInProfile: false };
    profile = {
      name: SSM_ROLE_NAME,
      roleName: SSM_ROLE_NAME,
      policyArn: SSM_POLICY_ARN,
      createRole: !s.roleExists,
      attachPolicy: !s.policyAttached,
      createProfile: !s.profileExists,
      addRoleToProfile: !s.roleInProfile,
    };
  }

  return {
    kind: 'createInstance',
    status: refusals.length ? 'refused' : 'ready',
    refusals,
    region: context.region,
    vpcId: context.vpcId,
    name,
    os: answers.os,
    osUser: osUserOf(answers.os),
    architecture: answers.architecture,
    amiParameter: amiParameterName(answers.os, answers.architecture),
    instanceType,
    freeTierEligible,
    subnetId: subnet?.id,
    subnetPublic: subnet?.public ?? false,
    securityGroup: {
      name: freeGroupName(`rds-link-${name.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`, context.groupNames),
      description: ingressCidrs.length ? `SSH from ${ingressCidrs.join(', ')} only, created by RDS Link` : 'No inbound access, created by RDS Link',
      ingressCidrs,
    },
    profile,
    userData: undefined,
    tags: { Name: name, ...createdByTags() },
    notes,
  };
}

export function describeCreateInstance(plan: InstanceCreatePlan): string[] {
  const lines: string[] = plan.refusals.map((r) => r.message);
  lines.push(
    t('Launch {0} ({1}, {2}) in subnet {3} of VPC {4}, from the AMI that {5} names.', plan.name, plan.instanceType, plan.architecture, plan.subnetId ?? '?', plan.vpcId, plan.amiParameter),
    plan.freeTierEligible ? t('Free tier eligible: {0}.', plan.instanceType) : t('Not free tier eligible ({0}): billed by the hour from the start.', t('{0} is not a free tier type', plan.instanceType)),
    plan.securityGroup.ingressCidrs.length
      ? t('Create security group {0}: SSH (TCP 22) in from {1} only.', plan.securityGroup.name, plan.securityGroup.ingressCidrs.join(', '))
      : t('Create security group {0}: nothing in.', plan.securityGroup.name),
  );
  if (plan.profile) {
    const p = plan.profile;
    const parts = [p.createRole && t('create role {0}', p.roleName), p.attachPolicy && t('attach {0}', p.policyArn), p.createProfile && t('create instance profile {0}', p.name), p.addRoleToProfile && t('add the role to it')].filter(Boolean);
    lines.push(parts.length ? t('Instance profile {0}: {1}.', p.name, parts.join(', ')) : t('Instance profile {0}: exists with {1}.', p.name, p.policyArn));
  }
  lines.push(t('No user data: nothing is installed on it. Log in as {0}.', plan.osUser), ...plan.notes);
  return lines;
}
