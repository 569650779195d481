/**
 * The questions of "Create RDS Database…", in order, as pure logic over a Prompter: the VS Code
 * layer answers with QuickPicks and an InputBox, tests with scripted answers. Reading AWS happens
 * between the questions, through `prepare`.
 */
import { CancelledError } from '../../errors';
import { t } from '../../l10n';
import type { Ec2Instance } from '../types';
import { planCreateDatabase, type DbCreateContext, type DbCreatePlan, type PasswordChoice } from './dbPlan';
import type { PrepareDbRequest } from './dbCreate';
import { DB_ENGINES, dbIdentifierProblem, defaultDbClass, freeTierVerdict, DEFAULT_STORAGE, type DbEngine } from './rules';

export interface WizardItem<T> {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly value: T;
}

/** Resolves undefined when the user pressed Escape. */
export interface Prompter {
  pick<T>(title: string, items: readonly WizardItem<T>[]): Promise<T | undefined>;
  input(title: string, options: { readonly value?: string; readonly prompt?: string; readonly validate: (value: string) => string | undefined }): Promise<string | undefined>;
}

export interface DbWizardInput {
  readonly region: string;
  /** The instance the command was run on, if any (no question about where). */
  readonly instance?: Ec2Instance;
  /** Instances of the region to offer for a link (the picker shows linkable ones). */
  readonly instances: readonly Ec2Instance[];
  /** VPC ids known in the region (from instances and DBs), for a DB without a link. */
  readonly vpcIds: readonly string[];
  readonly prepare: (request: PrepareDbRequest) => Promise<DbCreateContext>;
}

export interface DbWizardResult {
  readonly context: DbCreateContext;
  readonly plan: DbCreatePlan;
}

async function ask<T>(value: Promise<T | undefined>): Promise<T> {
  const v = await value;
  if (v === undefined) throw new CancelledError();
  return v;
}

type Where = { readonly instanceId: string } | { readonly vpcId: string };

export async function runDbWizard(prompter: Prompter, input: DbWizardInput): Promise<DbWizardResult> {
  const engine = await ask(prompter.pick<DbEngine>(t('Database engine'), DB_ENGINES.map((e) => ({ label: e === 'mysql' ? 'MySQL' : 'MariaDB', value: e }))));

  let where: Where;
  if (input.instance) where = { instanceId: input.instance.id };
  else {
    const linkable = input.instances.filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down' && i.vpcId);
    where = await ask(prompter.pick<Where>(t('Where the database goes'), [
      ...linkable.map((i) => ({ label: t('Link to {0}', i.name ?? i.id), description: `${i.id} · ${i.vpcId ?? ''}`, detail: t('In the instance\'s VPC, reachable from it only'), value: { instanceId: i.id } })),
      ...input.vpcIds.map((vpcId) => ({ label: t('No link, in {0}', vpcId), value: { vpcId } })),
    ]));
  }

  let context = await input.prepare({ region: input.region, engine, ...where });
  const defaultVersion = context.versions.find((v) => v.isDefault)?.version ?? context.versions[0]?.version;
  let engineVersion: string | undefined = defaultVersion;
  if (context.versions.length > 1) {
    engineVersion = await ask(prompter.pick(t('{0} version', engine), context.versions.map((v) => ({ label: v.version, description: v.isDefault ? t('RDS default') : undefined, value: v.version }))));
    if (engineVersion !== defaultVersion) context = await input.prepare({ region: input.region, engine, engineVersion, ...where });
  }

  const suggested = defaultDbClass(context.classes);
  const ordered = suggested ? [suggested, ...context.classes.filter((c) => c !== suggested)] : [...context.classes];
  const instanceClass = await ask(prompter.pick(t('Instance class'), ordered.map((c) => ({
    label: c,
    description: freeTierVerdict(c, DEFAULT_STORAGE.gib).eligible ? t('free tier eligible') : undefined,
    detail: c === suggested && context.classesFallback ? t('RDS listed no classes here; a built-in list stands in.') : undefined,
    value: c,
  }))));

  const groups = context.subnetGroups;
  let subnetGroupName: string | undefined;
  const groupItems = [
    ...groups.usable.map((g) => ({ label: g.name, description: g.availabilityZones.join(', '), value: g.name })),
    ...(groups.proposal ? [{ label: t('Create {0}', groups.proposal.name), description: t('from the private subnets {0}', groups.proposal.subnetIds.join(', ')), value: groups.proposal.name }] : []),
  ];
  if (groupItems.length > 1) subnetGroupName = await ask(prompter.pick(t('DB subnet group'), groupItems));

  const password = await ask(prompter.pick<PasswordChoice>(t('Master password'), [
    { label: t('Managed by RDS in Secrets Manager'), detail: t('Recommended. RDS Blue/Green deployments are not possible with it.'), value: 'managed' },
    { label: t('My own password'), detail: t('Kept in VS Code\'s secret storage; keeps RDS Blue/Green deployments possible.'), value: 'own' },
  ]));

  const taken = new Set(context.existingDbIds.map((id) => id.toLowerCase()));
  const identifier = await ask(prompter.input(t('Database identifier'), {
    value: `${engine}-db`,
    prompt: t('1–63 letters, digits or hyphens, starting with a letter'),
    validate: (v) => dbIdentifierProblem(v.trim()) ?? (taken.has(v.trim().toLowerCase()) ? t('A DB instance named {0} already exists in {1}.', v.trim().toLowerCase(), input.region) : undefined),
  }));

  const plan = planCreateDatabase(context, { identifier, engineVersion, instanceClass, subnetGroupName, password });
  return { context, plan };
}
