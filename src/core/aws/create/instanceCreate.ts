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
}

export interface InstanceCreateResult {
  readonly instanceId: string;
  readonly imageId: string;
  readonly securityGroupId: string;
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

export async function applyCreateInstance(plan: InstanceCreatePlan, api: InstanceCreateApi, options: ApplyInstanceOptions = {}): Promise<InstanceCreateResult> {
  if (plan.status !== 'ready' || !plan.subnetId) throw new PlanNotApplicableError(plan.refusals.map((r) => r.message).join(' ') || t('The plan cannot be applied.'));
  const subnetId = plan.subnetId;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const undo: Undo[] = [];
  const created: string[] = [];
  const checkCancel = (): void => {
    if (isSignalled(options.signal)) throw new CancelledError();
  };
  const step = async <T>(message: string, fn: () => Promise<T>, made?: (value: T) => { what: string; undo: Undo }): Promise<T> => {
    checkCancel();
    options.onProgress?.(message);
    const value = await fn();
    if (made) {
      const m = made(value);
      created.push(m.what);
      undo.push(m.undo);
    }
    return value;
  };

  try {
    const imageId = await step(t('Resolving the AMI from {0}…', plan.amiParameter), () => api.readParameter(plan.amiParameter));
    const arch = await api.describeImageArchitecture(imageId);
    if (arch && arch !== plan.architecture) throw new Error(t('{0} names {1}, an {2} image, not {3}', plan.amiParameter, imageId, arch, plan.architecture));

    const groupId = await step(
      t('Creating security group {0}…', plan.securityGroup.name),
      () => api.createSecurityGroup({ name: plan.securityGroup.name, description: plan.securityGroup.description, vpcId: plan.vpcId, tags: plan.tags }),
      (id) => ({ what: t('security group {0} ({1})', plan.securityGroup.name, id), undo: { what: t('deleted security group {0}', id), run: () => api.deleteSecurityGroup(id) } }),
    );
    if (plan.securityGroup.ingressCidrs.length) {
      await step(t('Allowing SSH from {0}…', plan.securityGroup.ingressCidrs.join(', ')), () => api.authorizeSshIngress(groupId, plan.securityGroup.ingressCidrs));
    }

    const p = plan.profile;
    if (p) {
      if (p.createRole) {
        await step(t('Creating role {0}…', p.roleName), () => api.createRole(p.roleName, plan.tags), () => ({
          what: t('role {0}', p.roleName),
          undo: { what: t('deleted role {0}', p.roleName), run: () => api.deleteRole(p.roleName) },
        }));
      }
      if (p.attachPolicy) {
        await step(t('Attaching {0}…', p.policyArn), () => api.attachRolePolicy(p.roleName, p.policyArn), () => ({
          what: t('{0} attached to {1}', p.policyArn, p.roleName),
          undo: { what: t('detached {0}', p.policyArn), run: () => api.detachRolePolicy(p.roleName, p.policyArn) },
        }));
      }
      if (p.createProfile) {
        await step(t('Creating instance profile {0}…', p.name), () => api.createInstanceProfile(p.name, plan.tags), () => ({
          what: t('instance profile {0}', p.name),
          undo: { what: t('deleted instance profile {0}', p.name), run: () => api.deleteInstanceProfile(p.name) },
        }));
      }
      if (p.addRoleToProfile) {
        await step(t('Adding role {0} to {1}…', p.roleName, p.name), () => api.addRoleToInstanceProfile(p.name, p.roleName), () => ({
          what: t('role {0} in instance profile {1}', p.roleName, p.name),
          undo: { what: t('removed role {0} from {1}', p.roleName, p.name), run: () => api.removeRoleFromInstanceProfile(p.name, p.roleName) },
        }));
      }
    }

    const launch = async (): Promise<string> => {
      const delays = p?.createProfile || p?.addRoleToProfile ? options.profileRetryDelaysMs ?? DEFAULT_PROFILE_RETRY_MS : [];
      for (let attempt = 0; ; attempt++) {
        try {
          return await api.runInstance({ imageId, instanceType: plan.instanceType, subnetId, securityGroupIds: [groupId], instanceProfileName: p?.name, tags: plan.tags });
        } catch (err) {
          // IAM is eventually consistent: EC2 may not see a profile made seconds ago.
          const profileNotYet = awsErrorCode(err) === 'InvalidParameterValue' && /iamInstanceProfile/i.test(describeError(err));
          if (!profileNotYet || attempt >= delays.length) throw err;
          await sleep(delays[attempt]);
          checkCancel();
        }
      }
    };
    const instanceId = await step(t('Launching {0}…', plan.name), launch, (id) => ({
      what: t('instance {0} ({1})', plan.name, id),
      undo: {
        what: t('terminated instance {0}', id),
        run: async () => {
          await api.terminateInstance(id);
          await api.waitTerminated(id, options.wait ?? {});
        },
      },
    }));
    await step(t('Waiting for the status checks of {0} (a few minutes on AWS)…', instanceId), () => api.waitStatusOk(instanceId, { ...options.wait, signal: options.signal }));
    return { instanceId, imageId, securityGroupId: groupId, created };
  } catch (err) {
    const cancelled = isCancellation(err) || isSignalled(options.signal);
    const undone: string[] = [];
    const leftovers: string[] = [];
    for (const [i, u] of [...undo].reverse().entries()) {
      options.onProgress?.(u.what);
      try {
        await u.run();
        undone.push(u.what);
      } catch (undoErr) {
        leftovers.push(`${[...created].reverse()[i]} (${describeError(undoErr)})`);
      }
    }
    const head = cancelled ? t('Cancelled.') : t('Creating the instance failed: {0}.', describeError(err));
    const tail = leftovers.length
      ? t('The rollback did not finish; left behind: {0}.', leftovers.join('; '))
      : undone.length
        ? t('Rolled back ({0}): AWS is as it was.', undone.join('; '))
        : t('Nothing had been changed.');
    throw new InstanceCreateFailedError(`${head} ${tail}`, { undone, leftovers }, cancelled, { cause: err });
  }
}
