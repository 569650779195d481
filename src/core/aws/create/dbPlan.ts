/**
 * The plan of a new RDS DB instance: everything CreateDBInstance will be given, the DB subnet
 * group (an existing one, or one to create), and, when an instance was chosen, the link to it
 * planned with the link planner against the DB as it will be. One plan, shown once; it holds
 * names and ids only (never a password), so it can be logged, compared and picked up again.
 */
import { t } from '../../l10n';
import { CREATED_BY_TAG, CREATED_BY_VALUE } from '../link/consoleRules';
import { planLink } from '../link/planner';
import { describePlan } from '../link/planText';
import type { LinkPlan, Refusal } from '../link/types';
import type { Ec2Instance, RdsDatabase, SecurityGroup } from '../types';
import type { DbSubnetGroupInfo, SubnetGroupOptions } from './network';
import {
  DEFAULT_BACKUP_DAYS,
  DEFAULT_MASTER_USERNAME,
  DEFAULT_STORAGE,
  dbIdentifierProblem,
  defaultDbClass,
  freeTierVerdict,
  masterUsernameProblem,
  type DbEngine,
  type FreeTierVerdict,
} from './rules';

export interface EngineVersionOption {
  readonly engine: DbEngine;
  readonly version: string;
  readonly description?: string;
  /** The version RDS picks when none is given (DescribeDBEngineVersions DefaultOnly). */
  readonly isDefault: boolean;
}

/** What the wizard offers, read fresh from AWS by prepareCreateDatabase. */
export interface DbCreateContext {
  readonly region: string;
  readonly engine: DbEngine;
  /** Newest first; empty when DescribeDBEngineVersions could not be read (then RDS picks). */
  readonly versions: readonly EngineVersionOption[];
  readonly versionsProblem?: string;
  /** Classes offered for the engine and version in the region, smallest first. */
  readonly classes: readonly string[];
  /** True when RDS listed none and FALLBACK_DB_CLASSES stand in. */
  readonly classesFallback: boolean;
  readonly subnetGroups: SubnetGroupOptions;
  /** DB instance ids of the region (an identifier in use is refused before any call). */
  readonly existingDbIds: readonly string[];
  /** The instance to link, and the groups of its VPC, when one was chosen. */
  readonly instance?: Ec2Instance;
  readonly vpcGroups?: readonly SecurityGroup[];
}

/** The master password: managed by RDS in Secrets Manager, or the user's own (given at apply). */
export type PasswordChoice = 'managed' | 'own';

export interface DbCreateAnswers {
  readonly identifier: string;
  readonly engineVersion?: string;
  readonly instanceClass?: string;
  readonly masterUsername?: string;
  /** Default 'managed'. 'own' keeps RDS Blue/Green deployments possible. */
  readonly password?: PasswordChoice;
  /** An existing group's name; default: the first usable one, else the proposal. */
  readonly subnetGroupName?: string;
}

export type SubnetGroupPlan =
  | { readonly kind: 'existing'; readonly name: string; readonly availabilityZones: readonly string[] }
  | { readonly kind: 'create'; readonly name: string; readonly description: string; readonly subnetIds: readonly string[]; readonly availabilityZones: readonly string[] };

export type DbCreateRefusalCode = 'identifier' | 'identifierTaken' | 'masterUsername' | 'noSubnetGroup' | 'unknownSubnetGroup' | 'classNotOffered' | 'link';

export interface DbCreatePlan {
  readonly kind: 'createDatabase';
  readonly status: 'ready' | 'refused';
  readonly refusals: readonly Refusal<DbCreateRefusalCode>[];
  readonly region: string;
  readonly vpcId: string;
  /** Lowercase, as RDS stores it. */
  readonly identifier: string;
  readonly engine: DbEngine;
  /** Undefined: RDS's default version for the engine. */
  readonly engineVersion?: string;
  readonly instanceClass: string;
  readonly storage: { readonly type: 'gp3'; readonly gib: number };
  readonly subnetGroup?: SubnetGroupPlan;
  readonly masterUsername: string;
  readonly password: PasswordChoice;
  readonly publiclyAccessible: false;
  readonly storageEncrypted: true;
  readonly backupRetentionDays: number;
  readonly deletionProtection: true;
  readonly multiAz: false;
  readonly tags: Readonly<Record<string, string>>;
  readonly freeTier: FreeTierVerdict;
  /** Facts the plan shows besides the settings (fallbacks, caveats), in words. */
  readonly notes: readonly string[];
  /** The link to the chosen instance, planned against the DB as it will be. */
  readonly link?: LinkPlan;
}

/** The tags of everything this product creates, so Delete… (and people) can tell ours apart. */
export function createdByTags(): Record<string, string> {
  return { [CREATED_BY_TAG]: CREATED_BY_VALUE };
}

/**
 * The DB as RDS will report it once available: in the VPC, with the VPC's default group (what
 * RDS attaches when CreateDBInstance names none), on the engine's port 3306.
 */
export function prospectiveDatabase(plan: Pick<DbCreatePlan, 'region' | 'identifier' | 'engine' | 'engineVersion' | 'vpcId' | 'instanceClass'>, vpcGroups: readonly SecurityGroup[]): RdsDatabase {
  const defaultGroup = vpcGroups.find((g) => g.vpcId === plan.vpcId && g.name === 'default');
  return {
    region: plan.region,
    kind: 'instance',
    id: plan.identifier,
    engine: plan.engine,
    engineVersion: plan.engineVersion,
    status: 'available',
    endpoint: { address: `${plan.identifier}.rds.amazonaws.com`, port: 3306 },
    vpcId: plan.vpcId,
    publiclyAccessible: false,
    securityGroupIds: defaultGroup ? [defaultGroup.id] : [],
    iamAuthEnabled: false,
    instanceClass: plan.instanceClass,
  };
}

function pickSubnetGroup(options: SubnetGroupOptions, asked: string | undefined): SubnetGroupPlan | Refusal<DbCreateRefusalCode> {
  if (asked) {
    const found = options.usable.find((g) => g.name === asked);
    if (found) return existing(found);
    if (options.proposal?.name === asked) return proposed(options);
    return { code: 'unknownSubnetGroup', message: t('DB subnet group {0} is not one of VPC {1} spanning two Availability Zones.', asked, options.vpcId) };
  }
  if (options.usable[0]) return existing(options.usable[0]);
  if (options.proposal) return proposed(options);
  return { code: 'noSubnetGroup', message: options.problem ?? t('VPC {0} has no DB subnet group spanning two Availability Zones.', options.vpcId) };
}

function existing(g: DbSubnetGroupInfo): SubnetGroupPlan {
  return { kind: 'existing', name: g.name, availabilityZones: g.availabilityZones };
}

function proposed(options: SubnetGroupOptions): SubnetGroupPlan {
  const p = options.proposal as NonNullable<SubnetGroupOptions['proposal']>;
  return { kind: 'create', name: p.name, description: `Private subnets of ${options.vpcId}, created by RDS Link`, subnetIds: p.subnetIds, availabilityZones: p.availabilityZones };
}

/** Pure: the plan for the answers, with every refusal found (none means ready). */
export function planCreateDatabase(context: DbCreateContext, answers: DbCreateAnswers): DbCreatePlan {
  const refusals: Refusal<DbCreateRefusalCode>[] = [];
  const notes: string[] = [];
  const identifier = answers.identifier.trim().toLowerCase();
  const idProblem = dbIdentifierProblem(identifier);
  if (idProblem) refusals.push({ code: 'identifier', message: idProblem });
  else if (context.existingDbIds.some((id) => id.toLowerCase() === identifier)) {
    refusals.push({ code: 'identifierTaken', message: t('A DB instance named {0} already exists in {1}.', identifier, context.region) });
  }
  const masterUsername = answers.masterUsername ?? DEFAULT_MASTER_USERNAME;
  const userProblem = masterUsernameProblem(masterUsername);
  if (userProblem) refusals.push({ code: 'masterUsername', message: userProblem });

  const engineVersion = answers.engineVersion ?? context.versions.find((v) => v.isDefault)?.version ?? context.versions[0]?.version;
  if (!engineVersion) notes.push(context.versionsProblem ?? t('No engine version was listed; RDS picks its default version for {0}.', context.engine));

  const instanceClass = answers.instanceClass ?? defaultDbClass(context.classes) ?? 'db.t4g.micro';
  if (!context.classes.includes(instanceClass)) {
    refusals.push({ code: 'classNotOffered', message: t('{0} is not offered for {1} {2} in {3}.', instanceClass, context.engine, engineVersion ?? '', context.region) });
  }
  if (context.classesFallback) notes.push(t('RDS listed no instance classes for {0} {1} here; the classes offered are a built-in list of current generations.', context.engine, engineVersion ?? ''));

  const subnetGroup = pickSubnetGroup(context.subnetGroups, answers.subnetGroupName);
  if ('code' in subnetGroup) refusals.push(subnetGroup);
  else if (subnetGroup.kind === 'create' && context.subnetGroups.onlyPublic) {
    notes.push(context.subnetGroups.problem ?? '');
  }

  const password = answers.password ?? 'managed';
  notes.push(
    password === 'managed'
      ? t('The master password is managed by RDS in Secrets Manager (the secret is billed by Secrets Manager). RDS Blue/Green deployments are not possible with a managed password: choose your own password to keep them.')
      : t('The master password is your own, kept in VS Code\'s secret storage. RDS Blue/Green deployments stay possible; RDS does not rotate the password.'),
  );

  const base = {
    kind: 'createDatabase' as const,
    region: context.region,
    vpcId: context.subnetGroups.vpcId,
    identifier,
    engine: context.engine,
    engineVersion,
    instanceClass,
    storage: { ...DEFAULT_STORAGE },
    subnetGroup: 'code' in subnetGroup ? undefined : subnetGroup,
    masterUsername,
    password,
    publiclyAccessible: false as const,
    storageEncrypted: true as const,
    backupRetentionDays: DEFAULT_BACKUP_DAYS,
    deletionProtection: true as const,
    multiAz: false as const,
    tags: createdByTags(),
    freeTier: freeTierVerdict(instanceClass, DEFAULT_STORAGE.gib),
  };

  let link: LinkPlan | undefined;
  if (context.instance) {
    link = planLink({ instance: context.instance, db: prospectiveDatabase(base, context.vpcGroups ?? []), groups: context.vpcGroups ?? [] });
    if (link.status === 'refused') refusals.push({ code: 'link', message: link.refusal?.message ?? t('The link was refused.') });
  }
  return { ...base, status: refusals.length ? 'refused' : 'ready', refusals, notes: notes.filter(Boolean), link };
}

/** The plan as lines for a modal: settings, network, price class, password, link. */
export function describeCreateDatabase(plan: DbCreatePlan): string[] {
  const lines: string[] = [];
  if (plan.status === 'refused') lines.push(...plan.refusals.map((r) => r.message));
  lines.push(
    t('Create {0} DB instance {1} in {2}: {3}, {4} GiB {5}.', `${plan.engine} ${plan.engineVersion ?? t('(RDS default version)')}`, plan.identifier, plan.region, plan.instanceClass, plan.storage.gib, plan.storage.type),
    plan.freeTier.words,
  );
  if (plan.subnetGroup?.kind === 'create') {
    lines.push(t('Create DB subnet group {0} in VPC {1} from the private subnets {2} ({3}).', plan.subnetGroup.name, plan.vpcId, plan.subnetGroup.subnetIds.join(', '), plan.subnetGroup.availabilityZones.join(', ')));
  } else if (plan.subnetGroup) {
    lines.push(t('In DB subnet group {0} of VPC {1} ({2}).', plan.subnetGroup.name, plan.vpcId, plan.subnetGroup.availabilityZones.join(', ')));
  }
  lines.push(
    t('Not publicly accessible; storage encrypted; automated backups for {0} days; deletion protection on; master user {1}; tagged {2}.', plan.backupRetentionDays, plan.masterUsername, Object.entries(plan.tags).map(([k, v]) => `${k}=${v}`).join(', ')),
    ...plan.notes,
  );
  if (plan.link?.status === 'ready') {
    lines.push(t('Then link it to instance {0}:', plan.link.instanceName ? `${plan.link.instanceName} (${plan.link.instanceId})` : plan.link.instanceId), ...describePlan(plan.link).map((l) => `  ${l}`));
  } else if (plan.link?.status === 'alreadyLinked') {
    lines.push(t('Instance {0} already reaches it: nothing to link.', plan.link.instanceId));
  }
  return lines;
}
