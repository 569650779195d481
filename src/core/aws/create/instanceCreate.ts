/**
 * Applies an instance plan: resolve the AMI (public SSM parameter, checked against the chosen
 * architecture) → the security group and its SSH rule → the instance profile parts that are
 * missing → RunInstances → waitUntilInstanceStatusOk. A failure or a cancel at any point undoes
 * what this run made, in reverse: the instance is terminated (and waited for, since its group
 * can be deleted only then), then the group and the IAM parts created for it are deleted. What
 * existed before is never touched.
 */
import { CancelledError, describeError, isCancellation, isSignalled, type CancelSignal } from '../../errors';
import { t } from '../../l10n';
import { awsErrorCode } from '../awsErrors';
import { PlanNotApplicableError } from '../link/applier';
import type { InstanceCreateApi } from './instanceApi';
import type { InstanceCreatePlan } from './instancePlan';

export interface ApplyInstanceOptions {
  readonly signal?: CancelSignal | AbortSignal;
  readonly onProgress?: (message: string) => void;
  readonly wait?: { readonly maxWaitSeconds?: number; readonly minDelaySeconds?: number };
  /** Waits before retrying RunInstances while a new instance profile is not yet visible to EC2. */
  readonly profileRetryDelaysMs?: readonly number[];
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * A cancel during the status wait leaves the wait instead of rolling back: the instance is
   * launched and stays (the result says `statusOk: false`). A cancel before that still rolls back.
   */
  readonly leaveWaitOnCancel?: boolean;
}

export interface InstanceCreateResult {
  readonly instanceId: string;
  readonly imageId: string;
  readonly securityGroupId: string;
  /** False when the status wait was left (leaveWaitOnCancel). */
  readonly statusOk: boolean;
  /** What this run made, as sentences. */
  readonly created: readonly string[];
}

export interface InstanceRollback {
  readonly undone: readonly string[];
  readonly leftovers: readonly string[];
}

/** The run failed or was cancelled; `rollback` says what was undone and what stays. */
export class InstanceCreateFailedError extends Error {
  constructor(message: string, readonly rollback: InstanceRollback, readonly cancelled: boolean, options: { cause: unknown }) {
    super(message, options);
    this.name = cancelled && rollback.leftovers.length === 0 ? 'Canceled' : 'InstanceCreateFailedError';
  }
}

const DEFAULT_PROFILE_RETRY_MS = [2_000, 4_000, 8_000, 15_000];

interface Undo {
  readonly what: string;
  readonly run: () => Promise<void>;
}

/** Runs the steps of one apply, keeping what each made and how to undo it. */
class InstanceRun {
  readonly undo: Undo[] = [];
  readonly created: string[] = [];

  constructor(readonly options: ApplyInstanceOptions) {}

  checkCancel(): void {
    if (isSignalled(this.options.signal)) throw new CancelledError();
  }

  async step<T>(message: string, fn: () => Promise<T>, made?: (value: T) => { what: string; undo: Undo }): Promise<T> {
    this.checkCancel();
    this.options.onProgress?.(message);
    const value = await fn();
    if (made) {
      const m = made(value);
      this.created.push(m.what);
      this.undo.push(m.undo);
    }
    return value;
  }
}

export async function applyCreateInstance(plan: InstanceCreatePlan, api: InstanceCreateApi, options: ApplyInstanceOptions = {}): Promise<InstanceCreateResult> {
  if (plan.status !== 'ready' || !plan.subnetId) throw new PlanNotApplicableError(plan.refusals.map((r) => r.message).join(' ') || t('The plan cannot be applied.'));
  const subnetId = plan.subnetId;
  const run = new InstanceRun(options);
  try {
    const imageId = await run.step(t('Resolving the AMI from {0}…', plan.amiParameter), () => api.readParameter(plan.amiParameter));
    const arch = await api.describeImageArchitecture(imageId);
    if (arch && arch !== plan.architecture) throw new Error(t('{0} names {1}, an {2} image, not {3}', plan.amiParameter, imageId, arch, plan.architecture));

    const groupId = await run.step(
      t('Creating security group {0}…', plan.securityGroup.name),
      () => api.createSecurityGroup({ name: plan.securityGroup.name, description: plan.securityGroup.description, vpcId: plan.vpcId, tags: plan.tags }),
      (id) => ({ what: t('security group {0} ({1})', plan.securityGroup.name, id), undo: { what: t('deleted security group {0}', id), run: () => api.deleteSecurityGroup(id) } }),
    );
    if (plan.securityGroup.ingressCidrs.length) {
      await run.step(t('Allowing SSH from {0}…', plan.securityGroup.ingressCidrs.join(', ')), () => api.authorizeSshIngress(groupId, plan.securityGroup.ingressCidrs));
    }
    await createProfileParts(plan, api, run);

    const launch = () => launchInstance(plan, api, run, { imageId, subnetId, groupId });
    const instanceId = await run.step(t('Launching {0}…', plan.name), launch, (id) => ({
      what: t('instance {0} ({1})', plan.name, id),
      undo: {
        what: t('terminated instance {0}', id),
        run: async () => {
          await api.terminateInstance(id);
          await api.waitTerminated(id, options.wait ?? {});
        },
      },
    }));
    let statusOk = true;
    try {
      await run.step(t('Waiting for the status checks of {0} (a few minutes on AWS)…', instanceId), () => api.waitStatusOk(instanceId, { ...options.wait, signal: options.signal }));
    } catch (err) {
      if (!options.leaveWaitOnCancel || !isCancellation(err)) throw err;
      statusOk = false;
    }
    return { instanceId, imageId, securityGroupId: groupId, statusOk, created: run.created };
  } catch (err) {
    throw await rollBack(run, err);
  }
}

/** The role, its policy, the instance profile and the role in it: the parts the plan says are missing. */
async function createProfileParts(plan: InstanceCreatePlan, api: InstanceCreateApi, run: InstanceRun): Promise<void> {
  const p = plan.profile;
  if (!p) return;
  if (p.createRole) {
    await run.step(t('Creating role {0}…', p.roleName), () => api.createRole(p.roleName, plan.tags), () => ({
      what: t('role {0}', p.roleName),
      undo: { what: t('deleted role {0}', p.roleName), run: () => api.deleteRole(p.roleName) },
    }));
  }
  if (p.attachPolicy) {
    await run.step(t('Attaching {0}…', p.policyArn), () => api.attachRolePolicy(p.roleName, p.policyArn), () => ({
      what: t('{0} attached to {1}', p.policyArn, p.roleName),
      undo: { what: t('detached {0}', p.policyArn), run: () => api.detachRolePolicy(p.roleName, p.policyArn) },
    }));
  }
  if (p.createProfile) {
    await run.step(t('Creating instance profile {0}…', p.name), () => api.createInstanceProfile(p.name, plan.tags), () => ({
      what: t('instance profile {0}', p.name),
      undo: { what: t('deleted instance profile {0}', p.name), run: () => api.deleteInstanceProfile(p.name) },
    }));
  }
  if (p.addRoleToProfile) {
    await run.step(t('Adding role {0} to {1}…', p.roleName, p.name), () => api.addRoleToInstanceProfile(p.name, p.roleName), () => ({
      what: t('role {0} in instance profile {1}', p.roleName, p.name),
      undo: { what: t('removed role {0} from {1}', p.roleName, p.name), run: () => api.removeRoleFromInstanceProfile(p.name, p.roleName) },
    }));
  }
}

/** RunInstances, retried while EC2 does not yet see an instance profile made seconds ago. */
async function launchInstance(
  plan: InstanceCreatePlan,
  api: InstanceCreateApi,
  run: InstanceRun,
  { imageId, subnetId, groupId }: { imageId: string; subnetId: string; groupId: string },
): Promise<string> {
  const p = plan.profile;
  const sleep = run.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const delays = p?.createProfile || p?.addRoleToProfile ? run.options.profileRetryDelaysMs ?? DEFAULT_PROFILE_RETRY_MS : [];
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.runInstance({ imageId, instanceType: plan.instanceType, subnetId, securityGroupIds: [groupId], instanceProfileName: p?.name, tags: plan.tags });
    } catch (err) {
      // IAM is eventually consistent: EC2 may not see a profile made seconds ago.
      const profileNotYet = awsErrorCode(err) === 'InvalidParameterValue' && /iamInstanceProfile/i.test(describeError(err));
      if (!profileNotYet || attempt >= delays.length) throw err;
      await sleep(delays[attempt]);
      run.checkCancel();
    }
  }
}

/** Undoes what the run made, newest first; the error to throw says what failed and how the undo went. */
async function rollBack(run: InstanceRun, err: unknown): Promise<InstanceCreateFailedError> {
  const cancelled = isCancellation(err) || isSignalled(run.options.signal);
  const undone: string[] = [];
  const leftovers: string[] = [];
  for (const [i, u] of [...run.undo].reverse().entries()) {
    run.options.onProgress?.(u.what);
    try {
      await u.run();
      undone.push(u.what);
    } catch (undoErr) {
      leftovers.push(`${[...run.created].reverse()[i]} (${describeError(undoErr)})`);
    }
  }
  const head = cancelled ? t('Cancelled.') : t('Creating the instance failed: {0}.', describeError(err));
  const tail = leftovers.length
    ? t('The rollback did not finish; left behind: {0}.', leftovers.join('; '))
    : undone.length
      ? t('Rolled back ({0}): AWS is as it was.', undone.join('; '))
      : t('Nothing had been changed.');
  return new InstanceCreateFailedError(`${head} ${tail}`, { undone, leftovers }, cancelled, { cause: err });
}
