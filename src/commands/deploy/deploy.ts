/**
 * Deploy…: the deploy file (or the guided first deploy that writes it), the instances, the Go
 * build per architecture (compiler errors in the Problems view, nothing touched), the plan in a
 * modal, the systemd unit on a first deploy, then the rollout with progress per batch and
 * instance. Cancel stops after the current batch and offers to roll back what was done.
 *
 * Automation: `{ folder?: string, confirmed?: boolean, acceptUnit?: boolean }` →
 * `{ status: 'deployed' | 'failed' | 'cancelled', release, instances }`.
 */
import * as vscode from 'vscode';
import type { Ec2Instance } from '../../core/aws/types';
import type { DeployOutcome, SshDeployExecutor } from '../../core/deploy/index';
import { CancelledError, describeError } from '../../core/errors';
import { Commands } from '../../ids';
import { gitDescribe } from '../../services/git';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { tagTouched } from './releaseTags';
import { buildOrStop, confirmPlan, dbEnv, type DeployResult, folderOf, hostsFor, reportEvent, showSummary, STATUS } from './context';
import { deployFileOrGuide } from './deployFileFlow';
import { resolveInstances, selectedInstances } from './instances';
import { outOfTrafficFor, prepareTraffic, reloadTargetsOf, type WeightedRunner } from './loadBalancer';
import { collectShipped, execute, installUnit, layoutOf, SessionPool, survey, type Hosts, type PreparedDeploy, type Survey } from './run';
import { chooseDeployTransport, deployThroughSsm, tagTarget, type DeployTransport } from './ssmTransport';

const l = vscode.l10n.t;

interface Options {
  readonly folder?: string;
  readonly confirmed: boolean;
  readonly acceptUnit?: boolean;
  /** Set the load balancer's target groups' deregistration delay to this many seconds first. */
  readonly drainSeconds?: number;
}

interface Prepared extends PreparedDeploy {
  /** What happens to traffic at each step, for the plan. */
  readonly traffic: readonly string[];
  /** SSH or SSM Run Command, and why (ssmTransport.ts). */
  readonly transport: DeployTransport;
  readonly picked: boolean;
  /** Blue/Green, weighted Canary: the runner that moves the listener's weights. */
  readonly runner?: WeightedRunner;
}


export async function deploy(deps: Deps, ...args: unknown[]): Promise<DeployResult> {
  const a = argsOf(Commands.deploy, args[0]);
  const options: Options = { folder: a?.optionalString('folder'), confirmed: a?.optionalBoolean('confirmed') ?? false, acceptUnit: a?.optionalBoolean('acceptUnit'), drainSeconds: a?.optionalNumber('drainSeconds') };
  const p = await prepare(deps, options, selectedInstances(args[0], args[1]));
  if (!options.confirmed) {
    await confirmPlan(deps, {
      title: l('Deploy {0} to {1} instance(s)?', p.hosts.file.service, p.hosts.instances.length),
      build: [
        l('Build: {0} with {1} (GOOS=linux, CGO_ENABLED=0, one binary per architecture), release {2}.', p.hosts.file.build.package, p.go, p.release),
        ...(p.shipped.files.length ? [l('Shipped beside the binary: {0} file(s), {1} KB ({2}).', p.shipped.files.length, Math.ceil(p.shipped.bytes / 1024), p.hosts.file.files.join(', '))] : []),
      ].join('\n'),
      plan: p.plan,
      file: p.hosts.file,
      traffic: p.traffic,
      action: l('Deploy'),
    });
  }
  if (p.transport.bucket) {
    const tag = tagTarget(p.hosts.file, p.picked);
    return deployThroughSsm(deps, { ...p, bucket: p.transport.bucket, ...(tag ? { tag } : {}) });
  }
  const pool = new SessionPool(p.hosts);
  try {
    const run = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Deploying {0}', p.hosts.file.service), cancellable: true }, (progress, token) =>
      rollout(deps, p, pool, options, { report: (e) => reportEvent(progress, e), say: (m) => progress.report({ message: m }), token }),
    );
    const outcome = run.outcome.result === 'cancelled' ? await offerRollback(deps, p.hosts, run.executor, run.outcome, run.survey) : run.outcome;
    await showSummary(deps, outcome.result === 'succeeded' ? l('Deployed {0} release {1}:', p.hosts.file.service, p.release) : l('The deploy of {0} release {1} did not finish:', p.hosts.file.service, p.release), outcome);
    return { status: STATUS[outcome.result], release: p.release, instances: outcome.instances };
  } finally {
    await pool.close();
    if (p.hosts.traffic || p.runner) reloadTargetsOf(deps, p.hosts.instances);
  }
}

/** The file, the instances, Go and the version: everything before the plan is shown. */
async function prepare(deps: Deps, options: Options, selected: readonly Ec2Instance[]): Promise<Prepared> {
  const folder = folderOf(deps, options.folder);
  const core = deps.core.deploy();
  const found = await deployFileOrGuide(deps, folder, selected);
  const instances = selected.length ? selected : resolveInstances(deps, found.file);
  const plan = core.planDeploy(found.file.strategy, instances.map((i) => i.id));
  const hosts = hostsFor(deps, found.file, instances);
  const shipped = await collectShipped(hosts, folder);
  const go = await core.findGo();
  if (!go) {
    const get = l('Get Go');
    if ((await deps.ui.showErrorMessage(core.goMissingMessage(), {}, get)) === get) await deps.ui.openExternal(vscode.Uri.parse('https://go.dev/dl/'));
    throw new CancelledError();
  }
  const version = core.versionFrom(await gitDescribe(folder, core.GIT_DESCRIBE_ARGS));
  deps.log.info(`Deploy of ${found.file.service} from ${found.path}: ${go.version}, version ${version}, to ${instances.map((i) => i.id).join(', ')}`);
  const transport = await chooseDeployTransport(deps, found.file, instances);
  const traffic = await prepareTraffic(deps, found.file, plan, instances, options);
  return { hosts: { ...hosts, ...(traffic.hook ? { traffic: traffic.hook } : {}) }, plan: traffic.plan ?? plan, ...(traffic.runner ? { runner: traffic.runner } : {}), folder, go: go.path, version, release: core.releaseName(version), shipped, traffic: [transport.choice.reason, ...traffic.lines], transport, picked: selected.length > 0 };
}

interface Reporter {
  readonly report: Parameters<typeof execute>[3]['onEvent'];
  readonly say: (message: string) => void;
  readonly token: vscode.CancellationToken;
}

/** Survey, build, unit, rollout: inside the progress notification. */
async function rollout(deps: Deps, p: Prepared, pool: SessionPool, options: Options, r: Reporter): Promise<{ executor: SshDeployExecutor; outcome: DeployOutcome; survey: Survey }> {
  r.say(l('Looking at the instances…'));
  const s = await survey(p.hosts, pool);
  r.say(l('Building with go build…'));
  const built = await buildOrStop(deps, p.hosts, s, { go: p.go, folder: p.folder, version: p.version, signal: r.token });
  const first = p.hosts.instances.map((i) => i.id).filter((id) => !s.current.has(id) && !s.unreachable.has(id));
  if (first.length && (await unitDecision(deps, p.hosts, first, options.acceptUnit))) await installUnit(p.hosts, pool, first);
  const env = await dbEnv(deps);
  const run = await execute(p.hosts, pool, p.plan, { folder: p.folder, release: p.release, binaries: built, shipped: p.shipped, env, signal: r.token, ...(r.report ? { onEvent: r.report } : {}), ...(p.runner ? { runner: p.runner } : {}) });
  await tagTouched(deps, p.hosts.file.service, p.hosts.instances, run.outcome.instances);
  return { ...run, survey: s };
}

/** A first deploy shows the systemd unit; it is written only when the person accepts. */
async function unitDecision(deps: Deps, hosts: Hosts, ids: readonly string[], accept: boolean | undefined): Promise<boolean> {
  if (accept !== undefined) return accept;
  const layout = layoutOf(hosts, ids[0]);
  const install = l('Install the Unit');
  const skip = l('Skip: I Manage the Service');
  const answer = await deps.ui.showInformationMessage(
    l('First deploy of {0} on {1}: install this systemd unit as {2}?', hosts.file.service, ids.join(', '), layout.unitFile),
    { modal: true, detail: hosts.core.systemdUnitText({ layout }) },
    install,
    skip,
  );
  if (!answer) throw new CancelledError();
  return answer === install;
}

/** After a cancel: the instances already on the new release may go back to the release they ran before. */
async function offerRollback(deps: Deps, hosts: Hosts, executor: SshDeployExecutor, outcome: DeployOutcome, s: Survey): Promise<DeployOutcome> {
  const done = outcome.instances.filter((i) => i.state === 'deployed');
  if (done.length === 0) return outcome;
  const back = l('Roll Back');
  const answer = await deps.ui.showWarningMessage(
    l('The deploy was cancelled after the current batch. {0} instance(s) already run the new release: roll them back to the release they ran before?', done.length),
    { modal: true, detail: done.map((i) => i.instanceId).join(', ') },
    back,
  );
  if (answer !== back) return outcome;
  const instances = await Promise.all(
    outcome.instances.map(async (i) => {
      const previous = s.current.get(i.instanceId);
      if (i.state !== 'deployed') return i;
      if (!previous) return { ...i, error: l('no previous release to go back to') };
      try {
        await outOfTrafficFor(hosts.traffic, i.instanceId, () => executor.rollback(i.instanceId, previous));
        deps.log.info(`[${i.instanceId}] rolled back to ${previous}`);
        return { instanceId: i.instanceId, state: 'rolledBack' as const, release: previous };
      } catch (err) {
        return { ...i, state: 'failed' as const, error: describeError(err) };
      }
    }),
  );
  return { ...outcome, instances };
}
