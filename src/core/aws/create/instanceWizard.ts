/**
 * The questions of "Create EC2 Instance…", in order, as pure logic over a Prompter (as
 * dbWizard.ts): name, OS, architecture, VPC, the SSM instance profile, then (after AWS is read
 * through `prepare`) the instance type, who may connect in, and the subnet.
 */
import { CancelledError } from '../../errors';
import { t } from '../../l10n';
import type { DbCreateApi } from './dbApi';
import type { Prompter } from './dbWizard';
import { classifySubnets } from './network';
import {
  amiParameterName,
  defaultInstanceType,
  planCreateInstance,
  sshSourceProblem,
  FALLBACK_FREE_TIER_TYPES,
  type Architecture,
  type InboundChoice,
  type InstanceCreateContext,
  type InstanceCreatePlan,
  type InstanceOs,
} from './instancePlan';
import { PUBLIC_IP_ECHO_URL, type PublicIpLookup } from './publicIp';
import type { InstanceCreateReads, VpcInfo } from './sdkInstanceCreateApi';

export interface InstancePrepareRequest {
  readonly vpcId: string;
  readonly architecture: Architecture;
  readonly ssmProfile: boolean;
}

export interface InstanceWizardInput {
  readonly region: string;
  readonly vpcs: readonly VpcInfo[];
  /** Instance names in the region (a new name should be new). */
  readonly takenNames: readonly string[];
  readonly prepare: (request: InstancePrepareRequest) => Promise<InstanceCreateContext>;
  /** Asked only when the user wants SSH from their address. */
  readonly findPublicIp: () => Promise<PublicIpLookup>;
}

/** Reads what a plan needs: the VPC's subnets (public or not), the free-tier types, group names, the SSM profile's parts. */
export async function prepareCreateInstance(
  reads: Pick<InstanceCreateReads, 'listFreeTierTypes' | 'listGroupNames' | 'readProfileState'>,
  network: Pick<DbCreateApi, 'describeSubnets' | 'describeRouteTables'>,
  region: string,
  request: InstancePrepareRequest,
): Promise<InstanceCreateContext> {
  const [subnets, tables, types, groupNames, profile] = await Promise.all([
    network.describeSubnets(request.vpcId),
    network.describeRouteTables(request.vpcId),
    reads.listFreeTierTypes(request.architecture),
    reads.listGroupNames(request.vpcId),
    request.ssmProfile ? reads.readProfileState() : Promise.resolve(undefined),
  ]);
  return { region, vpcId: request.vpcId, subnets: classifySubnets(subnets, tables), types, groupNames, profile };
}

async function ask<T>(value: Promise<T | undefined>): Promise<T> {
  const v = await value;
  if (v === undefined) throw new CancelledError();
  return v;
}

async function askNameOsArch(prompter: Prompter, input: InstanceWizardInput): Promise<{ name: string; os: InstanceOs; architecture: Architecture }> {
  const taken = new Set(input.takenNames.map((n) => n.toLowerCase()));
  const name = (await ask(prompter.input(t('Instance name (its Name tag)'), {
    value: 'app-server',
    prompt: t('1 to 128 letters, digits, spaces or ._:/=+-@ characters'),
    validate: (v) => (!/^[\w .:/=+@-]{1,128}$/.test(v.trim()) ? t('1 to 128 letters, digits, spaces or ._:/=+-@ characters') : taken.has(v.trim().toLowerCase()) ? t('An instance named {0} exists in {1} already.', v.trim(), input.region) : undefined),
  }))).trim();
  const os = await ask(prompter.pick<InstanceOs>(t('Operating system'), [
    { label: 'Amazon Linux 2023', description: amiParameterName('al2023', 'x86_64').replace(/x86_64$/, '…'), detail: t('Logs in as ec2-user; the SSM agent is installed.'), value: 'al2023' },
    { label: 'Ubuntu 24.04 LTS', description: t('Canonical\'s public SSM parameter'), detail: t('Logs in as ubuntu; the SSM agent is installed.'), value: 'ubuntu' },
  ]));
  const architecture = await ask(prompter.pick<Architecture>(t('Architecture'), [
    { label: 'x86_64', detail: t('Free tier: {0}', FALLBACK_FREE_TIER_TYPES.x86_64.join(', ')), value: 'x86_64' },
    { label: 'arm64', description: 'Graviton', detail: t('Free tier: {0}; build the Go app with GOARCH=arm64', FALLBACK_FREE_TIER_TYPES.arm64.join(', ')), value: 'arm64' },
  ]));
  return { name, os, architecture };
}

async function askVpcAndProfile(prompter: Prompter, input: InstanceWizardInput): Promise<{ vpcId: string; ssmProfile: boolean }> {
  if (!input.vpcs.length) throw new Error(t('{0} has no VPC to launch an instance in.', input.region));
  const vpcs = [...input.vpcs].sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.id.localeCompare(b.id));
  const vpcId = vpcs.length === 1
    ? vpcs[0].id
    : await ask(prompter.pick(t('VPC'), vpcs.map((v) => ({ label: v.name ?? v.id, description: [v.name ? v.id : undefined, v.cidr, v.isDefault ? t('default VPC') : undefined].filter(Boolean).join(' · '), value: v.id }))));
  const ssmProfile = await ask(prompter.pick(t('Instance profile for SSM'), [
    { label: t('Attach AmazonSSMManagedInstanceCore'), detail: t('Lets Session Manager and Run Command reach it; the role and profile are created when missing, shown in the plan.'), value: true },
    { label: t('No instance profile'), value: false },
  ]));
  return { vpcId, ssmProfile };
}

async function askInbound(prompter: Prompter, input: InstanceWizardInput): Promise<InboundChoice> {
  const kind = await ask(prompter.pick<InboundChoice['kind']>(t('Who may connect in'), [
    { label: t('SSH from my public IP only'), detail: t('Your address is asked of {0}; you see it and can change it.', PUBLIC_IP_ECHO_URL), value: 'sshFromIp' },
    { label: t('Nothing in'), detail: t('Reach it through SSM Session Manager or an EC2 Instance Connect Endpoint.'), value: 'none' },
  ]));
  if (kind === 'none') return { kind };
  const found = await input.findPublicIp();
  const ip = await ask(prompter.input(t('Your public IPv4 address'), {
    value: 'ip' in found ? found.ip : '',
    prompt: 'ip' in found ? t('As {0} sees you. Behind a VPN or proxy, type the address AWS sees.', PUBLIC_IP_ECHO_URL) : t('{0} Type your public IPv4 address.', found.problem),
    validate: (v) => sshSourceProblem(v.trim()),
  }));
  return { kind, ip: ip.trim() };
}

async function askType(prompter: Prompter, context: InstanceCreateContext, architecture: Architecture): Promise<string> {
  const suggested = defaultInstanceType(context.types, architecture);
  const listed = context.types.filter((x) => x.architectures.includes(architecture)).map((x) => x.type);
  const types = [suggested, ...[...new Set([...listed, ...FALLBACK_FREE_TIER_TYPES[architecture]])].filter((x) => x !== suggested).sort()];
  const info = (type: string) => context.types.find((x) => x.type === type);
  return ask(prompter.pick(t('Instance type'), types.map((type) => ({
    label: type,
    description: info(type)?.freeTierEligible || FALLBACK_FREE_TIER_TYPES[architecture].includes(type) ? t('free tier eligible') : undefined,
    detail: [info(type)?.vcpus && t('{0} vCPU', info(type)?.vcpus ?? 0), info(type)?.memoryMiB && t('{0} MiB', info(type)?.memoryMiB ?? 0)].filter(Boolean).join(' · ') || undefined,
    value: type,
  }))));
}

export async function runInstanceWizard(prompter: Prompter, input: InstanceWizardInput): Promise<{ context: InstanceCreateContext; plan: InstanceCreatePlan }> {
  const { name, os, architecture } = await askNameOsArch(prompter, input);
  const { vpcId, ssmProfile } = await askVpcAndProfile(prompter, input);
  const context = await input.prepare({ vpcId, architecture, ssmProfile });
  const instanceType = await askType(prompter, context, architecture);
  const inbound = await askInbound(prompter, input);
  // The plan's own choice of subnet (public first for SSH) goes first.
  const base = { name, os, architecture, instanceType, inbound, ssmProfile };
  const suggested = planCreateInstance(context, base).subnetId;
  const ofVpc = context.subnets.filter((s) => s.vpcId === vpcId).sort((a, b) => Number(b.id === suggested) - Number(a.id === suggested) || a.id.localeCompare(b.id));
  const subnetId = ofVpc.length > 1
    ? await ask(prompter.pick(t('Subnet'), ofVpc.map((s) => ({
      label: s.name ?? s.id,
      description: [s.name ? s.id : undefined, s.availabilityZone, s.cidr].filter(Boolean).join(' · '),
      detail: s.public ? t('Public: its route table has a route to an internet gateway') : t('Private: no route to an internet gateway'),
      value: s.id,
    }))))
    : suggested;
  return { context, plan: planCreateInstance(context, { ...base, subnetId }) };
}
