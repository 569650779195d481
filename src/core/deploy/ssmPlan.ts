/**
 * The fleet transport's pure parts: when to use SSM rather than SSH, how a deploy plan becomes
 * SendCommand calls, what each instance's invocation means for the deploy, and what the preflight
 * found missing. No SDK here: ssmFleet.ts makes the calls.
 *
 * A deploy plan's batch is one SendCommand (InstanceIds, at most 50 per call, so a bigger batch
 * is several calls), with MaxConcurrency the batch's size (all of it at once, as over SSH) and
 * MaxErrors 0 (SSM stops sending after the first failure). With a tag selector, a Big Bang or a
 * Rolling deploy is one SendCommand over `tag:<key>` whose MaxConcurrency is the batch size: SSM
 * itself then rolls over the fleet, a new instance starting when one has passed its gate (a
 * sliding window rather than strict batches), and MaxErrors 0 stops it at the first failure.
 * A canary stays on instance ids (the canary first, then the rest).
 */
import { t } from '../l10n';
import type { InstanceOutcome } from './strategy';
import type { DeployPlan } from './strategy';
import { BEFORE_SWITCH, type ScriptResult } from './ssmScript';

/** SendCommand's InstanceIds holds at most 50. */
export const MAX_IDS_PER_COMMAND = 50;
export const DEFAULT_SSM_THRESHOLD = 20;

export type SsmTarget = { readonly instanceIds: readonly string[] } | { readonly tag: { readonly key: string; readonly value: string } };

export interface SsmCommandPlan {
  /** The deploy plan's batch this call carries (0-based); a tag-wide call carries them all (0). */
  readonly batchIndex: number;
  readonly target: SsmTarget;
  /** SendCommand's MaxConcurrency: a count, or a share ("10%"). */
  readonly maxConcurrency: string;
  /** SendCommand's MaxErrors: "0", stop sending after the first failure. */
  readonly maxErrors: string;
  /** The instances the call should reach (for a tag, the ones the deploy listed). */
  readonly instances: readonly string[];
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** The SendCommand calls of a plan, in order. */
export function planSsmCommands(plan: DeployPlan, tag?: { readonly key: string; readonly value: string }): SsmCommandPlan[] {
  const s = plan.strategy;
  const all = plan.batches.flatMap((b) => b.instances);
  if (tag && s.kind !== 'canary') {
    const concurrency = s.kind === 'bigBang' ? '100%' : 'percent' in s.batch ? `${s.batch.percent}%` : String(s.batch.count);
    return [{ batchIndex: 0, target: { tag }, maxConcurrency: concurrency, maxErrors: '0', instances: all }];
  }
  return plan.batches.flatMap((b) =>
    chunks(b.instances, MAX_IDS_PER_COMMAND).map((ids) => ({ batchIndex: b.index, target: { instanceIds: ids }, maxConcurrency: String(ids.length), maxErrors: '0', instances: ids })),
  );
}

export interface TransportChoice {
  readonly transport: 'ssh' | 'ssm';
  readonly reason: string;
}

/** SSM past the threshold (rdsLink.deploy.ssmThreshold), or when an instance cannot be reached over SSH. */
export function chooseTransport(instanceCount: number, threshold: number, sshUnreachable: readonly string[] = []): TransportChoice {
  if (sshUnreachable.length > 0) return { transport: 'ssm', reason: t('{0} cannot be reached over SSH: the deploy goes through SSM Run Command.', sshUnreachable.join(', ')) };
  if (instanceCount > threshold) return { transport: 'ssm', reason: t('{0} instances, more than {1} (rdsLink.deploy.ssmThreshold): the deploy goes through SSM Run Command.', instanceCount, threshold) };
  return { transport: 'ssh', reason: t('{0} instances: the deploy goes over SSH.', instanceCount) };
}

/** One instance's invocation, as SSM reports it. */
export interface Invocation {
  readonly instanceId: string;
  /** Success, Failed, Cancelled, TimedOut, … */
  readonly status: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** What an invocation means for the deploy; `result` is its script's last line, when there is one. */
export function outcomeOf(inv: Invocation | undefined, result: ScriptResult | undefined, instanceId: string): InstanceOutcome & { readonly previous?: string } {
  if (!inv || (!result && (inv.status === 'Cancelled' || inv.status === 'Cancelling') && !inv.stdout.trim())) return { instanceId, state: 'untouched' };
  if (!result) {
    const last = (inv.stderr.trim() || inv.stdout.trim()).split('\n').pop() ?? '';
    return { instanceId, state: 'failed', error: t('SSM reports {0} and the script printed no result line (cut off or killed){1}', inv.status, last ? `: ${last}` : '') };
  }
  const prev = result.previous ? { previous: result.previous } : {};
  switch (result.status) {
    case 'deployed':
      return { instanceId, state: 'deployed', release: result.release, ...prev };
    case 'rolledBack':
      return { instanceId, state: 'rolledBack', ...(result.previous ? { release: result.previous } : {}), error: result.detail, ...prev };
    case 'failed':
      if (BEFORE_SWITCH.has(result.step)) return { instanceId, state: 'notSwitched', ...(result.previous ? { release: result.previous } : {}), error: `${result.step}: ${result.detail}`, ...prev };
      return { instanceId, state: 'failed', error: `${result.step}: ${result.detail}`, ...prev };
  }
}

/** What DescribeInstanceInformation and DescribeInstances said about one instance. */
export interface SsmReadiness {
  readonly instanceId: string;
  /** DescribeInstanceInformation's PingStatus; undefined when SSM does not know the instance. */
  readonly pingStatus?: string;
  /** The instance profile's ARN (DescribeInstances' IamInstanceProfile); undefined when none. */
  readonly instanceProfileArn?: string;
}

export interface SsmProblem {
  readonly instanceId: string;
  readonly missing: 'instanceProfile' | 'registration' | 'online';
  readonly message: string;
}

/** The instances SSM cannot deploy to, each with what is missing. */
export function assessSsmReadiness(instances: readonly SsmReadiness[]): SsmProblem[] {
  return instances.flatMap((i): SsmProblem[] => {
    if (i.pingStatus === 'Online') return [];
    if (i.pingStatus) return [{ instanceId: i.instanceId, missing: 'online', message: t('{0}: its SSM agent is not online (PingStatus {1}).', i.instanceId, i.pingStatus) }];
    if (!i.instanceProfileArn) return [{ instanceId: i.instanceId, missing: 'instanceProfile', message: t('{0} has no instance profile: attach one whose role has AmazonSSMManagedInstanceCore.', i.instanceId) }];
    return [
      {
        instanceId: i.instanceId,
        missing: 'registration',
        message: t('{0} is not managed by SSM: its role ({1}) needs AmazonSSMManagedInstanceCore, the SSM agent must run, and the instance must reach the SSM endpoints.', i.instanceId, i.instanceProfileArn),
      },
    ];
  });
}
