/**
 * The I/O around planCreateDatabase: read what the wizard offers, then apply a plan —
 *   subnet group (if planned) → CreateDBInstance → waitUntilDBInstanceAvailable → the link.
 *
 * What goes wrong where:
 * - before the DB exists (a refused plan, a cancel, CreateDBInstance failing): nothing stays; a
 *   subnet group made for it is deleted again;
 * - once the DB exists it stays, whatever follows: deleting a new DB silently is worse than
 *   one the user did not expect. A cancel (or a timeout) of the wait leaves the wait only: the
 *   outcome says so, and resumeCreateDatabase picks the wait up again. A failed link leaves the
 *   DB as it is, and the outcome says exactly what exists and offers the link again (resume).
 */
import { CancelledError, describeError, isCancellation, isSignalled, type CancelSignal } from '../../errors';
import { t } from '../../l10n';
import { isAmbiguousFailure } from '../awsErrors';
import { ApplyFailedError, PlanNotApplicableError, applyPlan, type ApplyOptions, type ApplyResult } from '../link/applier';
import { prepareLink } from '../link/service';
import type { DbTarget, LinkApi } from '../link/types';
import type { Ec2Instance, RdsDatabase, SecurityGroup } from '../types';
import type { DbCreateApi, WaitDbOptions } from './dbApi';
import type { DbCreateContext, DbCreatePlan, EngineVersionOption } from './dbPlan';
import { classifySubnets, subnetGroupOptions } from './network';
import { DEFAULT_STORAGE, FALLBACK_DB_CLASSES, type DbEngine } from './rules';

export interface PrepareDbRequest {
  readonly region: string;
  readonly engine: DbEngine;
  /** The instance to link; its VPC is the DB's when vpcId is not given. */
  readonly instanceId?: string;
  readonly vpcId?: string;
  /** For the class list; default: the default (else newest) version listed. */
  readonly engineVersion?: string;
}

/** The classes for an engine and version, or the documented fallback when RDS lists none. */
export async function listDbClasses(api: DbCreateApi, engine: DbEngine, engineVersion: string | undefined): Promise<{ classes: string[]; fallback: boolean }> {
  const listed = await api.listOrderableClasses(engine, engineVersion, DEFAULT_STORAGE.type);
  return listed.length ? { classes: listed, fallback: false } : { classes: [...FALLBACK_DB_CLASSES], fallback: true };
}

/**
 * Reads the versions, classes, the VPC's subnet groups, subnets and route tables, the region's
 * DB ids and (with an instance) the instance and its VPC's groups, in parallel where it can.
 */
export async function prepareCreateDatabase(api: DbCreateApi, linkApi: LinkApi | undefined, request: PrepareDbRequest): Promise<DbCreateContext> {
  try {
    let instance: Ec2Instance | undefined;
    if (request.instanceId) {
      if (!linkApi) throw new Error('internal: an instance to link needs a LinkApi');
      instance = await linkApi.describeInstance(request.instanceId);
      if (!instance) throw new Error(t('Instance {0} was not found.', request.instanceId));
    }
    const vpcId = request.vpcId ?? instance?.vpcId;
    if (!vpcId) throw new Error(t('Choose a VPC (or an instance in one) for the database.'));
    let versionsProblem: string | undefined;
    const [versions, groups, subnets, routeTables, existingDbIds, vpcGroups] = await Promise.all([
      api.listEngineVersions(request.engine).catch((err: unknown): EngineVersionOption[] => {
        if (isCancellation(err)) throw err;
        versionsProblem = t('The {0} versions could not be listed ({1}); RDS picks its default version.', request.engine, describeError(err));
        return [];
      }),
      api.listSubnetGroups(),
      api.describeSubnets(vpcId),
      api.describeRouteTables(vpcId),
      api.listDbInstanceIds(),
      instance && linkApi ? linkApi.describeSecurityGroups({ vpcId }) : Promise.resolve<SecurityGroup[]>([]),
    ]);
    const version = request.engineVersion ?? versions.find((v) => v.isDefault)?.version ?? versions[0]?.version;
    const { classes, fallback } = await listDbClasses(api, request.engine, version);
    return {
      region: request.region,
      engine: request.engine,
      versions,
      versionsProblem,
      classes,
      classesFallback: fallback,
      subnetGroups: subnetGroupOptions(vpcId, groups, classifySubnets(subnets, routeTables)),
      existingDbIds,
      instance,
      vpcGroups: instance ? vpcGroups : undefined,
    };
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw new Error(t('Reading what a new database needs failed'), { cause: err });
  }
}

export interface DbCreateProgress {
  readonly phase: 'subnetGroup' | 'create' | 'wait' | 'link';
  readonly message: string;
}

export interface ApplyDbOptions {
  readonly signal?: CancelSignal | AbortSignal;
  readonly onProgress?: (progress: DbCreateProgress) => void;
  /** Required when the plan's password is 'own'; never stored in the plan. */
  readonly masterPassword?: string;
  readonly wait?: Omit<WaitDbOptions, 'signal'>;
  /** Passed on to the link's applyPlan (retry delays, dry run). */
  readonly link?: Omit<ApplyOptions, 'signal' | 'onProgress'>;
}

export type DbCreateOutcome =
  /** The DB is available (and linked, when the plan had a link). */
  | { readonly status: 'ready'; readonly db: RdsDatabase; readonly link?: ApplyResult; readonly exists: readonly string[] }
  /** The DB exists and is still being made; the wait was left (cancel or timeout). */
  | { readonly status: 'waitLeft'; readonly dbId: string; readonly message: string; readonly exists: readonly string[] }
  /** The DB is available; the link failed and was rolled back as far as its applier could. */
  | { readonly status: 'linkFailed'; readonly db: RdsDatabase; readonly error: string; readonly exists: readonly string[]; readonly retry: { readonly instanceId: string; readonly db: DbTarget } };

/** Creating failed before a DB existed; `leftovers` says what (if anything) stays in AWS. */
export class DbCreateFailedError extends Error {
  constructor(message: string, readonly leftovers: readonly string[], options: { cause: unknown }) {
    super(message, options);
    this.name = 'DbCreateFailedError';
  }
}

function subnetGroupSentence(plan: DbCreatePlan, created: boolean): string[] {
  return plan.subnetGroup?.kind === 'create' && created ? [t('DB subnet group {0} (created for it)', plan.subnetGroup.name)] : [];
}

function dbSentence(plan: DbCreatePlan, status: string): string {
  return t('DB instance {0} in {1} ({2}, deletion protection on)', plan.identifier, plan.region, status);
}

/**
 * Applies a ready plan. Throws PlanNotApplicableError (refused), CancelledError (cancelled
 * before the DB existed; nothing stays) or DbCreateFailedError; once the DB exists, resolves
 * with an outcome whatever happens next.
 */
export async function applyCreateDatabase(plan: DbCreatePlan, api: DbCreateApi, linkApi: LinkApi | undefined, options: ApplyDbOptions = {}): Promise<DbCreateOutcome> {
  if (plan.status !== 'ready' || !plan.subnetGroup) throw new PlanNotApplicableError(plan.refusals.map((r) => r.message).join(' ') || t('The plan cannot be applied.'));
  if (plan.password === 'own' && !options.masterPassword) throw new PlanNotApplicableError(t('The plan uses your own master password, and none was given.'));
  if (plan.link && !linkApi) throw new Error('internal: a plan with a link needs a LinkApi');
  const subnetGroup = plan.subnetGroup;
  const cancelled = (): boolean => isSignalled(options.signal);
  if (cancelled()) throw new CancelledError(t('Cancelled before anything was created.'));

  let createdGroup = false;
  const undoSubnetGroup = async (): Promise<string[]> => {
    if (!createdGroup) return [];
    try {
      await api.deleteSubnetGroup(subnetGroup.name);
      return [];
    } catch (err) {
      return [t('DB subnet group {0} (deleting it failed: {1})', subnetGroup.name, describeError(err))];
    }
  };

  if (subnetGroup.kind === 'create') {
    options.onProgress?.({ phase: 'subnetGroup', message: t('Creating DB subnet group {0}…', subnetGroup.name) });
    try {
      await api.createSubnetGroup({ name: subnetGroup.name, description: subnetGroup.description, subnetIds: subnetGroup.subnetIds, tags: plan.tags });
      createdGroup = true;
    } catch (err) {
      throw new DbCreateFailedError(t('Creating DB subnet group {0} failed: {1}. Nothing was created.', subnetGroup.name, describeError(err)), [], { cause: err });
    }
    if (cancelled()) {
      const left = await undoSubnetGroup();
      if (left.length) throw new DbCreateFailedError(t('Cancelled; left behind: {0}.', left.join('; ')), left, { cause: new CancelledError() });
      throw new CancelledError(t('Cancelled before the DB was created; the new DB subnet group was deleted again.'));
    }
  }

  options.onProgress?.({ phase: 'create', message: t('Creating DB instance {0}…', plan.identifier) });
  try {
    // Not aborted: a create whose answer is lost may have happened, and is looked for below.
    await api.createDbInstance({
      identifier: plan.identifier,
      engine: plan.engine,
      engineVersion: plan.engineVersion,
      instanceClass: plan.instanceClass,
      storageType: plan.storage.type,
      allocatedStorageGib: plan.storage.gib,
      subnetGroupName: subnetGroup.name,
      masterUsername: plan.masterUsername,
      masterPassword: plan.password === 'own' ? options.masterPassword : undefined,
      publiclyAccessible: plan.publiclyAccessible,
      storageEncrypted: plan.storageEncrypted,
      backupRetentionDays: plan.backupRetentionDays,
      deletionProtection: plan.deletionProtection,
      multiAz: plan.multiAz,
      tags: plan.tags,
    });
  } catch (err) {
    const maybe = isAmbiguousFailure(err) ? await api.describeDbInstance(plan.identifier).catch(() => undefined) : undefined;
    if (!maybe) {
      const left = await undoSubnetGroup();
      const tail = left.length ? t('Left behind: {0}.', left.join('; ')) : t('Nothing was left behind.');
      throw new DbCreateFailedError(t('Creating DB instance {0} failed: {1}. {2}', plan.identifier, describeError(err), tail), left, { cause: err });
    }
    // AWS made it although the answer was lost: go on with it.
  }
  return resumeCreateDatabase(plan, api, linkApi, options, createdGroup);
}

/**
 * Waits for the plan's DB (again) and links it when the plan has a link: what "pick the wait up
 * again" and "link again" run. The DB must exist.
 */
export async function resumeCreateDatabase(plan: DbCreatePlan, api: DbCreateApi, linkApi: LinkApi | undefined, options: ApplyDbOptions = {}, createdGroup = false): Promise<DbCreateOutcome> {
  const groupExists = subnetGroupSentence(plan, createdGroup);
  options.onProgress?.({ phase: 'wait', message: t('Waiting for {0} to become available (on AWS this takes several minutes)…', plan.identifier) });
  let db: RdsDatabase;
  try {
    db = await api.waitAvailable(plan.identifier, { ...options.wait, signal: options.signal });
  } catch (err) {
    const why = isCancellation(err) ? t('You stopped waiting') : describeError(err);
    return {
      status: 'waitLeft',
      dbId: plan.identifier,
      message: t('{0}. {1} is still being created in AWS, and stays; wait for it again, or find it in the RDS view.', why, plan.identifier),
      exists: [dbSentence(plan, t('being created')), ...groupExists],
    };
  }
  const exists = [dbSentence(plan, db.status), ...groupExists];
  if (!plan.link || plan.link.status !== 'ready' || !linkApi) return { status: 'ready', db, exists };

  const instanceId = plan.link.instanceId;
  const target: DbTarget = { kind: 'instance', id: db.id };
  options.onProgress?.({ phase: 'link', message: t('Linking {0} to {1}…', instanceId, db.id) });
  try {
    const { plan: linkPlan } = await prepareLink(linkApi, { instanceId, db: target }, { signal: options.signal });
    const link = await applyPlan(linkPlan, linkApi, { ...options.link, signal: options.signal });
    return { status: 'ready', db, link, exists };
  } catch (err) {
    return {
      status: 'linkFailed',
      db,
      error: t('Linking {0} to instance {1} failed: {2}. The database stays as it is; link it again when the cause is fixed.', db.id, instanceId, describeError(err)),
      exists: err instanceof ApplyFailedError ? [...exists, ...err.rollback.leftovers] : exists,
      retry: { instanceId, db: target },
    };
  }
}
