/**
 * Deploy… through SSM Run Command, the fleet transport (core/deploy/ssmFleet.ts): chosen past
 * rdsLink.deploy.ssmThreshold instances, or when the reach decision finds no SSH way to an
 * instance. Before the plan is shown, and before anything is touched, the preflight names what
 * is missing: the bucket setting, and per instance the SSM agent online and an instance profile.
 * The rollout builds once, stores the build in S3 under the product's prefix and the env file as
 * a SecureString parameter (the password is in no command, log line or object), then one
 * SendCommand per batch; progress and each instance's output come from ListCommandInvocations
 * and GetCommandInvocation. A cancel stops after the current batch (a tag-wide command: its
 * not-started instances are cancelled with CancelCommand). Release tags and the summary as over SSH.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ec2Instance } from '../../core/aws/types';
import type { DeployFile, DeployOutcome, TransportChoice } from '../../core/deploy/index';
import type { Deps } from '../deps';
import { buildOrStop, dbEnv, type DeployResult, reportEvent, showSummary, STATUS } from './context';
import { reloadTargetsOf } from './loadBalancer';
import { tagTouched } from './releaseTags';
import { eventLine, layoutOf, type PreparedDeploy, type Survey } from './run';

const l = vscode.l10n.t;

/** The transport, why, and for SSM the bucket the preflight found set. */
export interface DeployTransport {
  readonly choice: TransportChoice;
  readonly bucket?: string;
}

/** What the SSM rollout needs of the prepared deploy (deploy.ts' Prepared has it all). */
export interface SsmDeployInput extends PreparedDeploy {
  readonly bucket: string;
  /** Targets by tag: the deploy file's one tag selector, when no instances were picked in the view. */
  readonly tag?: { readonly key: string; readonly value: string };
}

/**
 * SSH or SSM, decided before anything is touched. At or below the threshold the reach decision is
 * asked per instance (EC2 reads only, no session opened); SSM then gets its preflight.
 */
export async function chooseDeployTransport(deps: Pick<Deps, 'core' | 'settings' | 'store' | 'log' | 'instanceSessions'>, file: DeployFile, instances: readonly Ec2Instance[]): Promise<DeployTransport> {
  const { threshold, bucket } = deps.settings.ssmDeploy();
  const unreachable: string[] = [];
  if (instances.length <= threshold) {
    const opener = deps.instanceSessions.forInstances(instances);
    for (const i of instances) {
      const problem = await opener.sshProblem(i);
      if (problem) {
        deps.log.info(`[${i.id}] no SSH way: ${problem}`);
        unreachable.push(i.id);
      }
    }
  }
  const choice = deps.core.deploy().chooseTransport(instances.length, threshold, unreachable);
  deps.log.info(`Deploy transport: ${choice.transport} (${choice.reason})`);
  if (choice.transport === 'ssh') return { choice };
  await preflight(deps, file, instances, bucket);
  return { choice, bucket };
}

/** What SSM needs before a deploy may start; an error names each missing thing and what to do. */
async function preflight(deps: Pick<Deps, 'core' | 'store'>, file: DeployFile, instances: readonly Ec2Instance[], bucket: string): Promise<void> {
  if (!bucket) throw new Error(l('This deploy goes through SSM Run Command, which fetches the build from S3: set rdsLink.deploy.ssmBucket to a bucket of yours in the instances\' region (RDS Link stores under rds-link/ there and never creates the bucket).'));
  // Rolling and Canary drain each batch around its command; the listener's weights are SSH's only for now.
  if (file.loadBalancer && 'listener' in file.loadBalancer && (file.strategy.kind === 'blueGreen' || file.strategy.kind === 'canary')) {
    throw new Error(l('This deploy goes through SSM Run Command, which does not move a listener\'s weights yet ({0}): deploy to at most rdsLink.deploy.ssmThreshold instances over SSH, or roll out with kind: rolling (each batch drained from the target groups).', file.strategy.kind));
  }
  const regions = [...new Set(instances.map((i) => i.region))];
  if (regions.length > 1) throw new Error(l('A deploy through SSM Run Command goes to one region; these instances are in {0}. Deploy each region on its own.', regions.join(', ')));
  const architectures = [...new Set(instances.map(architectureOf))];
  if (architectures.length > 1) throw new Error(l('A deploy through SSM Run Command sends one build; these instances have {0}. Deploy each architecture on its own.', architectures.join(', ')));
  const session = deps.store.getSession();
  const problems = await deps.core.aws().ssmFleet.preflightSsm(session.ssm(regions[0] ?? ''), session.ec2(regions[0] ?? ''), instances.map((i) => i.id));
  if (problems.length) throw new Error(l('SSM Run Command cannot deploy to {0} instance(s):\n{1}', problems.length, problems.map((p) => p.message).join('\n')));
}

/** EC2's architecture; an instance listed without one is taken as x86_64 (no SSH to ask uname). */
const architectureOf = (i: Ec2Instance): string => i.architecture ?? 'x86_64';

/** The deploy file's one tag, when the deploy goes to what it selects (not to instances picked in the view). */
export function tagTarget(file: DeployFile, picked: boolean): { key: string; value: string } | undefined {
  const [only, ...more] = file.instances;
  return !picked && only && more.length === 0 && 'tag' in only ? only.tag : undefined;
}

/** The rollout through SSM inside a cancellable progress notification, then the tags and the summary. */
export async function deployThroughSsm(deps: Deps, p: SsmDeployInput): Promise<DeployResult> {
  const outcome = await deps.ui.withProgress({ location: vscode.ProgressLocation.Notification, title: l('Deploying {0} through SSM Run Command', p.hosts.file.service), cancellable: true }, (progress, token) =>
    rolloutSsm(deps, p, { report: (e) => reportEvent(progress, e), say: (m) => progress.report({ message: m }), token }),
  );
  await tagTouched(deps, p.hosts.file.service, p.hosts.instances, outcome.instances);
  if (p.hosts.traffic) reloadTargetsOf(deps, p.hosts.instances);
  await showSummary(deps, outcome.result === 'succeeded' ? l('Deployed {0} release {1}:', p.hosts.file.service, p.release) : l('The deploy of {0} release {1} did not finish:', p.hosts.file.service, p.release), outcome);
  return { status: STATUS[outcome.result], release: p.release, instances: outcome.instances };
}

interface Reporter {
  readonly report: (e: Parameters<typeof reportEvent>[1]) => void;
  readonly say: (message: string) => void;
  readonly token: vscode.CancellationToken;
}

async function rolloutSsm(deps: Deps, p: SsmDeployInput, r: Reporter): Promise<DeployOutcome> {
  const { hosts } = p;
  const fleet = deps.core.aws().ssmFleet;
  const region = hosts.instances[0]?.region ?? '';
  const session = deps.store.getSession();
  const ssm = session.ssm(region);
  const s3 = session.s3(region);
  r.say(l('Building with go build…'));
  const survey: Survey = { architectures: new Map(hosts.instances.map((i) => [i.id, architectureOf(i)])), current: new Map(), unreachable: new Map() };
  const built = await buildOrStop(deps, hosts, survey, { go: p.go, folder: p.folder, version: p.version, signal: r.token });
  r.say(l('Storing the build in s3://{0}…', p.bucket));
  const stored = await fleet.shipArtifacts({
    s3,
    bucket: p.bucket,
    service: hosts.file.service,
    release: p.release,
    binary: [...built.values()][0] ?? '',
    binaryName: hosts.file.service,
    files: p.shipped.files.map((f) => ({ local: path.join(p.folder, f.name), name: f.name })),
  });
  deps.log.info(`Stored ${stored.map((s) => s.key).join(', ')} in s3://${p.bucket}`);
  const env = await dbEnv(deps);
  // The env file's text (the password) goes to Parameter Store only; the instance reads it with its own role.
  const parameter = Object.keys(env).length ? await fleet.storeEnvParameter(ssm, hosts.file.service, env) : undefined;
  const outcome = await fleet.runSsmDeploy(p.plan, {
    ssm,
    presignS3: s3,
    bucket: p.bucket,
    stored,
    layout: layoutOf(hosts, hosts.instances[0]?.id ?? ''),
    release: p.release,
    ...(parameter ? { readSecretCommand: fleet.readSecretCommandFor(region, parameter) } : {}),
    restartCommand: hosts.file.restartCommand,
    statusCommand: hosts.file.statusCommand,
    port: hosts.file.port,
    health: hosts.file.health,
    keepReleases: hosts.file.keepReleases,
    // Behind a load balancer by ids, batch by batch: each batch drained first (ssmFleet.ts).
    ...(hosts.traffic ? { traffic: hosts.traffic } : p.tag ? { tag: p.tag } : {}),
    signal: r.token,
    onEvent: (e) => {
      deps.log.info(eventLine(e));
      r.report(e);
    },
    log: (id, line) => deps.log.info(`[${id}] ${line}`),
  });
  deps.log.info(`SSM: ${outcome.sendCommandCalls} SendCommand call(s) for ${hosts.instances.length} instance(s)`);
  return outcome;
}
