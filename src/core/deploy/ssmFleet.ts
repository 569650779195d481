/**
 * Fleet deploys through SSM Run Command: the deploy's second way to reach instances, for fleets
 * past rdsLink.deploy.ssmThreshold or instances that SSH cannot reach.
 *
 * - The artifact (the binary gzipped, as over SSH, and the shipped files) goes to S3 under
 *   `rds-link/<service>/<release>/` in a bucket the user names; a missing bucket is an error,
 *   never created here. The instances fetch it through presigned GET URLs made just before each
 *   batch's SendCommand (short expiry), so they need no S3 permission.
 * - The env file's text (the DB password) goes to a SecureString parameter
 *   `/rds-link/<service>/env`, which the instance reads with its own role: SSM keeps every
 *   command's parameters in its history, so the password is in no command, log or S3 object.
 *   AmazonSSMManagedInstanceCore allows ssm:GetParameter, and the default aws/ssm key decrypts
 *   for it; the instance needs the AWS CLI (Amazon Linux has it; readSecretCommand can be another).
 * - One SendCommand per batch (ssmPlan.ts), AWS-RunShellScript with the script of ssmScript.ts,
 *   whose health gate runs on the instance; progress from ListCommandInvocations, each finished
 *   instance's full output from GetCommandInvocation to the log; the result line decides.
 * - Behind a load balancer (`traffic`, Rolling and Canary with a target group): the commands go
 *   by instance ids, never by tag (SSM's own concurrency could not drain a batch first); each
 *   batch leaves its groups before its command and rejoins them after it, on whichever release
 *   the script left it (an unhealthy one goes back on the instance). A rollback of earlier batches
 *   takes each batch out for its command and puts it back.
 *
 * Not testable against moto (5.2.1): DescribeInstanceInformation and ListCommandInvocations
 * (moto serves neither; the preflight and waitForInvocations are unit tested with
 * aws-sdk-client-mock), and anything a command does (moto records SendCommand as Success and runs
 * nothing): the script is run in a real shell on test hosts instead.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  PutParameterCommand,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
  paginateListCommandInvocations,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { isCancelled, type Cancellation } from '../lifetime';
import { t } from '../l10n';
import type { HealthCheck } from './deployFile';
import { envFileText, shellQuote } from './releases';
import { assessSsmReadiness, MAX_IDS_PER_COMMAND, outcomeOf, planSsmCommands, type Invocation, type SsmCommandPlan, type SsmProblem, type SsmReadiness } from './ssmPlan';
import { parseScriptResult, ssmDeployScript, ssmRollbackScript, type ShippedObject, type SsmScriptOptions } from './ssmScript';
import type { BatchTraffic, DeployEvent, DeployOutcome, DeployPlan, InstanceOutcome } from './strategy';

const gzip = promisify(zlib.gzip);

/** How long a presigned GET URL works: made per batch, so it only has to outlive one batch's fetches. */
export const PRESIGN_SECONDS = 600;

export interface StoredObject {
  readonly name: string;
  readonly key: string;
  readonly sha256: string;
}

export interface ShipOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly service: string;
  readonly release: string;
  /** The local binary, stored gzipped as <binaryName>.gz. */
  readonly binary: string;
  readonly binaryName: string;
  readonly files: ReadonlyArray<{ readonly local: string; readonly name: string }>;
}

/** The S3 prefix the product owns for one release. */
export function artifactPrefix(service: string, release: string): string {
  return `rds-link/${service}/${release}/`;
}

/** Puts the binary (gzipped) and the shipped files under the release's prefix. */
export async function shipArtifacts(o: ShipOptions): Promise<StoredObject[]> {
  const bodies: Array<{ name: string; body: Buffer }> = [{ name: `${o.binaryName}.gz`, body: await gzip(await fs.promises.readFile(o.binary), { level: 6 }) }];
  for (const f of o.files) bodies.push({ name: f.name, body: await fs.promises.readFile(f.local) });
  const stored: StoredObject[] = [];
  for (const { name, body } of bodies) {
    const key = `${artifactPrefix(o.service, o.release)}${name}`;
    try {
      await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: key, Body: body, ContentType: 'application/octet-stream' }));
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchBucket') throw new Error(t('The S3 bucket {0} does not exist. RDS Link does not create it: create it, or name another in rdsLink.deploy.ssmBucket.', o.bucket), { cause: err });
      throw new Error(t('Storing {0} in s3://{1} failed: {2}', path.posix.basename(key), o.bucket, (err as Error).message), { cause: err });
    }
    stored.push({ name, key, sha256: createHash('sha256').update(body).digest('hex') });
  }
  return stored;
}

/** Presigned GET URLs of the stored objects; `s3` is signed for the host the instances will ask. */
export async function presignObjects(s3: S3Client, bucket: string, stored: readonly StoredObject[], expiresIn = PRESIGN_SECONDS): Promise<ShippedObject[]> {
  return Promise.all(stored.map(async (s) => ({ name: s.name, sha256: s.sha256, url: await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: s.key }), { expiresIn }) })));
}

export function envParameterName(service: string): string {
  return `/rds-link/${service}/env`;
}

/** The env file's text as a SecureString parameter (replaced on each deploy). */
export async function storeEnvParameter(ssm: SSMClient, service: string, env: Readonly<Record<string, string>>): Promise<string> {
  const name = envParameterName(service);
  await ssm.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value: envFileText(env), Overwrite: true, Description: `The environment file of ${service}, written by RDS Link deploys` }));
  return name;
}

/** What the instance runs to print the env file's text: the AWS CLI with the instance's own role. */
export function readSecretCommandFor(region: string, parameterName: string): string {
  return `aws ssm get-parameter --region ${shellQuote(region)} --name ${shellQuote(parameterName)} --with-decryption --query Parameter.Value --output text`;
}

/** One SendCommand of AWS-RunShellScript; resolves the command id. */
export async function sendScript(ssm: SSMClient, call: SsmCommandPlan, script: string, comment: string, timeoutSeconds: number): Promise<string> {
  if (Buffer.byteLength(script) > 60_000) throw new Error(t('The deploy script is {0} bytes, more than an SSM document holds.', Buffer.byteLength(script)));
  const target = 'tag' in call.target ? { Targets: [{ Key: `tag:${call.target.tag.key}`, Values: [call.target.tag.value] }] } : { InstanceIds: [...call.target.instanceIds] };
  const out = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      ...target,
      Parameters: { commands: [script], executionTimeout: [String(timeoutSeconds)] },
      MaxConcurrency: call.maxConcurrency,
      MaxErrors: call.maxErrors,
      Comment: comment.slice(0, 100),
    }),
  );
  const id = out.Command?.CommandId;
  if (!id) throw new Error(t('SendCommand answered without a command id.'));
  return id;
}

const DONE = new Set(['Success', 'Failed', 'Cancelled', 'TimedOut']);

export interface WaitOptions {
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Gives up after this long (the script's own timeout plus a margin). */
  readonly timeoutMs: number;
  readonly log?: (instanceId: string, line: string) => void;
  /**
   * A tag-wide command is the whole rollout: on a cancel, CancelCommand for the instances it has
   * not started on yet, so it stops after the ones in progress (never killed mid-switch).
   */
  readonly cancel?: { readonly signal?: Cancellation; readonly instances: readonly string[] };
}

const NOT_STARTED = new Set(['Pending', 'Delayed']);

/** CancelCommand for the instances the command has not started on; true once sent (or nothing was left to stop). */
async function cancelNotStarted(ssm: SSMClient, commandId: string, listed: ReadonlyArray<{ id: string; status: string }>, instances: readonly string[]): Promise<boolean> {
  const started = new Set(listed.filter((l) => !NOT_STARTED.has(l.status)).map((l) => l.id));
  const pending = instances.filter((id) => !started.has(id));
  for (let i = 0; i < pending.length; i += MAX_IDS_PER_COMMAND) await ssm.send(new CancelCommandCommand({ CommandId: commandId, InstanceIds: pending.slice(i, i + MAX_IDS_PER_COMMAND) }));
  return true;
}

/** Polls until the command and each of its invocations are done; each one's full output goes to the log once. */
export async function waitForInvocations(ssm: SSMClient, commandId: string, o: WaitOptions): Promise<Invocation[]> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const done = new Map<string, Invocation>();
  let cancelSent = false;
  for (const deadline = Date.now() + o.timeoutMs; ; ) {
    const listed: Array<{ id: string; status: string }> = [];
    for await (const page of paginateListCommandInvocations({ client: ssm }, { CommandId: commandId })) {
      for (const inv of page.CommandInvocations ?? []) if (inv.InstanceId) listed.push({ id: inv.InstanceId, status: inv.Status ?? 'Pending' });
    }
    if (o.cancel && !cancelSent && isCancelled(o.cancel.signal)) cancelSent = await cancelNotStarted(ssm, commandId, listed, o.cancel.instances);
    for (const { id, status } of listed) {
      if (!DONE.has(status) || done.has(id)) continue;
      const out = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: id }));
      const inv = { instanceId: id, status, stdout: out.StandardOutputContent ?? '', stderr: out.StandardErrorContent ?? '' };
      done.set(id, inv);
      for (const line of `${inv.stdout}\n${inv.stderr}`.split('\n')) if (line.trim()) o.log?.(id, line);
    }
    const command = (await ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands?.[0];
    if (command && DONE.has(command.Status ?? '') && listed.every((l) => done.has(l.id))) return [...done.values()];
    if (Date.now() > deadline) throw new Error(t('SSM command {0} was not done within {1} s.', commandId, Math.round(o.timeoutMs / 1000)));
    await sleep(o.pollMs ?? 2000);
  }
}

/** The script's options but its objects (presigned per batch here), and the fleet's own. */
export interface SsmDeployOptions extends Omit<SsmScriptOptions, 'objects' | 'gzipped'> {
  readonly ssm: SSMClient;
  /** Signs the presigned URLs: an S3 client for the endpoint the instances reach (the URL is signed for its host). */
  readonly presignS3: S3Client;
  readonly bucket: string;
  readonly stored: readonly StoredObject[];
  /** Targets by tag (one SendCommand for Big Bang and Rolling); else instance ids. Not with `traffic`. */
  readonly tag?: { readonly key: string; readonly value: string };
  /** The load balancer's groups: each batch drained before its command, registered again after. */
  readonly traffic?: BatchTraffic;
  readonly signal?: Cancellation;
  readonly onEvent?: (event: DeployEvent) => void;
  readonly log?: (instanceId: string, line: string) => void;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface SsmDeployOutcome extends DeployOutcome {
  readonly sendCommandCalls: number;
}

/** The script's own time limit: every health attempt plus the fetch and the install. */
function executionSeconds(h: HealthCheck): number {
  return Math.ceil(h.retries * (h.intervalSeconds + h.timeoutSeconds)) + 600;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Adds a line to an instance's error (what is left of it, for the summary). */
function note(state: Map<string, InstanceOutcome & { previous?: string }>, id: string, line: string): void {
  const s = state.get(id);
  if (s) state.set(id, { ...s, error: [s.error, line].filter(Boolean).join('; ') });
}

/** Carries a deploy plan out through SSM: one SendCommand per batch, stop at the first failed batch. */
export async function runSsmDeploy(plan: DeployPlan, o: SsmDeployOptions): Promise<SsmDeployOutcome> {
  const state = new Map<string, InstanceOutcome & { previous?: string }>(plan.batches.flatMap((b) => b.instances).map((id) => [id, { instanceId: id, state: 'untouched' as const }]));
  let calls = 0;
  let failure: string | undefined;
  const seconds = executionSeconds(o.health);
  const finish = (result: DeployOutcome['result']): SsmDeployOutcome => ({ result, instances: [...state.values()].map(({ previous: _p, ...i }) => i), ...(failure ? { failure } : {}), sendCommandCalls: calls });
  // A batch of more than 50 is several calls: drained and registered once, around all of them.
  const byBatch = new Map<number, SsmCommandPlan[]>();
  for (const call of planSsmCommands(plan, o.traffic ? undefined : o.tag)) byBatch.set(call.batchIndex, [...(byBatch.get(call.batchIndex) ?? []), call]);
  for (const [batchIndex, batchCalls] of byBatch) {
    if (isCancelled(o.signal)) return finish('cancelled');
    const batch = plan.batches[batchIndex];
    if (batch) o.onEvent?.({ kind: 'batch', batch, of: plan.batches.length });
    const batchIds = batchCalls.flatMap((c) => c.instances);
    try {
      await o.traffic?.drain(batchIds);
    } catch (err) {
      failure = t('Taking {0} out of the load balancer failed: {1}', batchIds.join(', '), message(err));
      await o.traffic?.restore(batchIds).catch(() => undefined);
      if (plan.strategy.onFailure === 'rollback') calls += await rollBackDeployed(state, o, seconds);
      return finish('failed');
    }
    try {
      for (const call of batchCalls) {
        const objects = await presignObjects(o.presignS3, o.bucket, o.stored);
        const script = ssmDeployScript({ ...o, objects, gzipped: [o.layout.binary] });
        const commandId = await sendScript(o.ssm, call, script, `RDS Link: ${o.layout.service} ${o.release}`, seconds);
        calls++;
        const cancel = 'tag' in call.target ? { cancel: { signal: o.signal, instances: call.instances } } : {};
        const invocations = new Map((await waitForInvocations(o.ssm, commandId, { timeoutMs: (seconds + 120) * 1000, log: o.log, pollMs: o.pollMs, sleep: o.sleep, ...cancel })).map((i) => [i.instanceId, i]));
        for (const id of call.instances) {
          const inv = invocations.get(id);
          const outcome = outcomeOf(inv, inv && parseScriptResult(inv.stdout), id);
          state.set(id, outcome);
          if (outcome.state !== 'untouched') o.onEvent?.({ kind: 'step', instanceId: id, step: 'health', detail: outcome.error ?? outcome.state });
          if (outcome.error) failure ??= t('{0}: {1}', id, outcome.error);
        }
        if (failure) break;
      }
    } finally {
      // Back in the groups on whichever release the script left (a failed one went back there),
      // also when a call threw: no batch stays out of traffic.
      await o.traffic?.restore(batchIds).catch((err: unknown) => {
        failure ??= t('Putting {0} back in the load balancer failed: {1}', batchIds.join(', '), message(err));
      });
    }
    if (failure) {
      if (plan.strategy.onFailure === 'rollback') calls += await rollBackDeployed(state, o, seconds);
      return finish('failed');
    }
  }
  // A cancel during a tag-wide command leaves the instances it had not started on untouched.
  return finish(isCancelled(o.signal) && [...state.values()].some((s) => s.state === 'untouched') ? 'cancelled' : 'succeeded');
}

/** The instances on the new release go back to the one they ran before: one SendCommand per (previous release, 50 ids). */
async function rollBackDeployed(state: Map<string, InstanceOutcome & { previous?: string }>, o: SsmDeployOptions, seconds: number): Promise<number> {
  const byPrevious = new Map<string, string[]>();
  for (const s of state.values()) {
    if (s.state !== 'deployed') continue;
    if (!s.previous) {
      state.set(s.instanceId, { ...s, state: 'failed', error: t('no previous release to go back to') });
      continue;
    }
    byPrevious.set(s.previous, [...(byPrevious.get(s.previous) ?? []), s.instanceId]);
  }
  let calls = 0;
  for (const [previous, ids] of byPrevious) {
    const script = ssmRollbackScript({ layout: o.layout, release: previous, restartCommand: o.restartCommand });
    for (const call of planSsmCommands({ strategy: { kind: 'bigBang', onFailure: 'keep' }, batches: [{ index: 0, instances: ids, role: 'rollout' }], rollback: '' })) {
      // Behind a load balancer, out of it for the restart (at most 50 at a time), then back.
      if (o.traffic) {
        try {
          await o.traffic.drain(call.instances);
        } catch (err) {
          // No restart under traffic: they stay on the new release, and say why.
          await o.traffic.restore(call.instances).catch(() => undefined);
          for (const id of call.instances) note(state, id, t('not rolled back: taking it out of the load balancer failed: {0}', message(err)));
          continue;
        }
      }
      let done: Invocation[];
      try {
        const commandId = await sendScript(o.ssm, call, script, `RDS Link: ${o.layout.service} back to ${previous}`, seconds);
        calls++;
        done = await waitForInvocations(o.ssm, commandId, { timeoutMs: (seconds + 120) * 1000, log: o.log, pollMs: o.pollMs, sleep: o.sleep });
      } finally {
        await o.traffic?.restore(call.instances).catch((err: unknown) => {
          for (const id of call.instances) note(state, id, t('not back in the load balancer: {0}', message(err)));
        });
      }
      for (const inv of done) {
        const r = parseScriptResult(inv.stdout);
        const s = state.get(inv.instanceId);
        if (!s) continue;
        o.onEvent?.({ kind: 'step', instanceId: inv.instanceId, step: 'rollback', detail: previous });
        state.set(inv.instanceId, r?.status === 'rolledBack' ? { ...s, state: 'rolledBack', release: previous } : { ...s, state: 'failed', error: t('rollback failed: {0}', r?.detail ?? inv.status) });
      }
    }
  }
  return calls;
}

/**
 * Which instances SSM cannot deploy to, and what each lacks: managed by SSM with its agent Online
 * (DescribeInstanceInformation, which moto does not serve: unit-tested with aws-sdk-client-mock)
 * and an instance profile (DescribeInstances).
 */
export async function preflightSsm(ssm: SSMClient, ec2: EC2Client, instanceIds: readonly string[]): Promise<SsmProblem[]> {
  const ping = new Map<string, string>();
  for (let i = 0; i < instanceIds.length; i += MAX_FILTER_VALUES) {
    const ids = instanceIds.slice(i, i + MAX_FILTER_VALUES);
    for await (const page of paginateDescribeInstanceInformation({ client: ssm }, { Filters: [{ Key: 'InstanceIds', Values: ids }] })) {
      for (const info of page.InstanceInformationList ?? []) if (info.InstanceId) ping.set(info.InstanceId, info.PingStatus ?? 'Unknown');
    }
  }
  const profile = new Map<string, string | undefined>();
  for (let i = 0; i < instanceIds.length; i += 1000) {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds.slice(i, i + 1000) }));
    for (const r of out.Reservations ?? []) for (const inst of r.Instances ?? []) if (inst.InstanceId) profile.set(inst.InstanceId, inst.IamInstanceProfile?.Arn);
  }
  const readiness: SsmReadiness[] = instanceIds.map((id) => ({ instanceId: id, ...(ping.has(id) ? { pingStatus: ping.get(id) } : {}), ...(profile.get(id) ? { instanceProfileArn: profile.get(id) } : {}) }));
  return assessSsmReadiness(readiness);
}

/** DescribeInstanceInformation's InstanceIds filter takes at most 50 values. */
const MAX_FILTER_VALUES = 50;
