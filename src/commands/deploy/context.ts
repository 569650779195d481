/**
 * What the two deploy commands share: the folder and the deploy file, the hosts (SSH sessions
 * through deps.instanceSessions, the output channel), the DB env from the workspace target,
 * the plan in a modal, the progress per batch and instance, and the summary per instance.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ec2Instance } from '../../core/aws/types';
import type { DeployEvent, DeployFile, DeployOutcome, DeployPlan, InstanceOutcome } from '../../core/deploy/index';
import { endpointPasswordKey } from '../../state/passwords';
import { confirmModal } from '../../ui/confirm';
import type { Progress } from '../../ui/userInput';
import type { Deps } from '../deps';
import { buildBinaries, type Hosts, type Survey } from './run';

const l = vscode.l10n.t;

/** What both commands return to an automation caller. */
/** The automation status for the runner's result (a deploy and a rollback say the same). */
export const STATUS = { succeeded: 'deployed', failed: 'failed', cancelled: 'cancelled' } as const;

export interface DeployResult {
  readonly status: 'deployed' | 'failed' | 'cancelled';
  readonly release: string;
  readonly instances: readonly InstanceOutcome[];
}

export function folderOf(deps: Pick<Deps, 'workspace'>, given: string | undefined): string {
  const folder = given ?? deps.workspace.firstFolder()?.path;
  if (!folder) throw new Error(l('Open the Go project\'s folder first: the deploy builds it and keeps its deploy file there.'));
  return folder;
}

export function hostsFor(deps: Pick<Deps, 'core' | 'instanceSessions' | 'log'>, file: DeployFile, instances: readonly Ec2Instance[]): Hosts {
  const log = (line: string): void => deps.log.info(line);
  // One opener for the deploy: EC2 is asked for the AMI names and the endpoints once, not per instance.
  const sessions = deps.instanceSessions.forInstances(instances);
  return { core: deps.core.deploy(), file, instances, log, openSession: (i) => sessions.open(i, { log: (line) => deps.log.debug(`[${i.id}] ${line}`) }) };
}

/**
 * The env file's variables from the workspace's DB target: host, port, user and name, and the
 * password from secret storage. They go only to the SSH executor (stdin); nothing logs them.
 */
export async function dbEnv(deps: Pick<Deps, 'targets' | 'passwords' | 'log'>): Promise<Record<string, string>> {
  const target = deps.targets.current;
  if (!target) {
    deps.log.warn('No database is chosen for this workspace (RDS Link: Use Database in Workspace): the env file gets no DB settings.');
    return {};
  }
  const env: Record<string, string> = { DB_HOST: target.host, DB_PORT: String(target.port), DB_USER: target.user, DB_NAME: target.database };
  const password = await deps.passwords.get(endpointPasswordKey(target));
  if (password) env.DB_PASSWORD = password;
  else deps.log.warn(`No password is stored for ${target.user}@${target.host}: the env file gets none.`);
  return env;
}

/** The plan in a modal with its detail; resolves only when the person accepts it. */
export async function confirmPlan(deps: Pick<Deps, 'ui' | 'core'>, what: { title: string; build: string; plan: DeployPlan; file: DeployFile; action: string; traffic?: readonly string[] }): Promise<void> {
  const h = what.file.health;
  const detail = [
    what.build,
    ...deps.core.deploy().describePlan(what.plan),
    ...(what.traffic ?? []),
    l('Health check: the service is active and GET {0} on port {1} answers 2xx ({2} tries, {3} s apart).', h.path, what.file.port, h.retries, h.intervalSeconds),
    what.plan.rollback,
  ].join('\n');
  await confirmModal(deps.ui, what.title, detail, what.action);
}

/** Progress words for a runner event: the batch, then the instance and its step. */
export function reportEvent(progress: Progress, e: DeployEvent): void {
  if (e.kind === 'batch') progress.report({ message: l('Batch {0} of {1}: {2}', e.batch.index + 1, e.of, e.batch.instances.join(', ')) });
  else if (e.kind === 'traffic') progress.report({ message: e.detail });
  else progress.report({ message: l('{0}: {1}', e.instanceId, stepWord(e.step, e.detail)) });
}

function stepWord(step: Extract<DeployEvent, { kind: 'step' }>['step'], detail?: string): string {
  switch (step) {
    case 'upload':
      return l('uploading');
    case 'drain':
      return l('leaving the load balancer, draining');
    case 'activate':
      return l('switching and restarting');
    case 'health':
      return l('checking health');
    case 'register':
      return l('back in the load balancer, waiting until in service');
    case 'bake':
      return l('canary watched ({0})', detail ?? '');
    case 'rollback':
      return l('rolling back to {0}', detail ?? '');
  }
}

function stateWord(i: InstanceOutcome): string {
  const runs = i.release ? l('runs {0}', i.release) : l('no release');
  switch (i.state) {
    case 'deployed':
      return l('{0}: deployed, {1}', i.instanceId, runs);
    case 'rolledBack':
      return l('{0}: rolled back, {1}', i.instanceId, runs);
    case 'notSwitched':
      return l('{0}: not switched, {1}', i.instanceId, runs);
    case 'failed':
      return l('{0}: failed, {1}', i.instanceId, runs);
    case 'untouched':
      return l('{0}: not touched', i.instanceId);
  }
}

/** The summary per instance (the release each runs now), in the message and the log; a failure as an error. */
export async function showSummary(deps: Pick<Deps, 'ui' | 'log'>, title: string, outcome: DeployOutcome): Promise<void> {
  const lines = outcome.instances.map((i) => stateWord(i) + (i.error ? ` (${i.error})` : ''));
  for (const line of lines) deps.log.info(line);
  const text = `${title} ${lines.join('; ')}`;
  const show = l('Show Log');
  const answer = outcome.result === 'succeeded' ? await deps.ui.showInformationMessage(text, {}, show) : await deps.ui.showErrorMessage(`${text}${outcome.failure ? ` ${outcome.failure}` : ''}`, {}, show);
  if (answer === show) deps.log.show();
}

export const buildFolder = (deps: Pick<Deps, 'paths'>, service: string): string => path.join(deps.paths.globalStorage, 'deploy', service);

/** One go build per architecture; compiler errors go to the Problems view and stop the deploy before anything is touched. */
export async function buildOrStop(
  deps: Pick<Deps, 'problems' | 'paths'>,
  hosts: Hosts,
  s: Survey,
  o: { readonly go: string; readonly folder: string; readonly version: string; readonly signal: vscode.CancellationToken },
): Promise<ReadonlyMap<string, string>> {
  deps.problems.clear();
  const built = await buildBinaries(hosts, s, { ...o, outDir: buildFolder(deps, hosts.file.service) });
  if (built.ok) return built.binaries;
  deps.problems.set(built.diagnostics);
  throw new Error(l('{0} Nothing was changed on the instances; the compiler\'s errors are in the Problems view.', built.message));
}

