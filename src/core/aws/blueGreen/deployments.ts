/**
 * The Blue/Green calls: list, describe, create, switch over, delete. Each one that changes AWS
 * checks our rules first (throwing BlueGreenRefusedError without a call), and wraps AWS's
 * failure with what was being done.
 */
import {
  CreateBlueGreenDeploymentCommand,
  DeleteBlueGreenDeploymentCommand,
  DescribeBlueGreenDeploymentsCommand,
  SwitchoverBlueGreenDeploymentCommand,
  paginateDescribeBlueGreenDeployments,
  type BlueGreenDeployment as SdkBlueGreenDeployment,
  type CreateBlueGreenDeploymentCommandInput,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { t } from '../../l10n';
import { CREATED_BY_TAG, CREATED_BY_VALUE } from '../link/consoleRules';
import { awsErrorCode } from '../awsErrors';
import { BlueGreenRefusedError, isDeploymentNotFound } from './errors';
import { blueGreenStatusLabel, newestFirst, toBlueGreenDeployment } from './mapping';
import { preflightBlueGreen } from './preflight';
import { deleteRefusal, switchoverRefusal, switchoverTimeoutProblem, SWITCHOVER_TIMEOUT } from './rules';
import type { BlueGreenChoice, BlueGreenDeployment, BlueGreenSourceDb } from './types';

/** DescribeBlueGreenDeployments takes MaxRecords 20–100; 100 is also AWS's default. */
export const BLUE_GREEN_PAGE_SIZE = 100;

export async function clientRegion(client: RDSClient): Promise<string> {
  const r: unknown = client.config.region;
  return typeof r === 'function' ? String(await (r as () => Promise<string>)()) : String(r ?? '');
}

/**
 * Every deployment of a region, newest first. At the default page size MaxRecords is not sent:
 * AWS pages by 100 anyway, and moto 5.2.1 answers HTTP 500 to MaxRecords or Marker.
 */
export async function listBlueGreenDeployments(client: RDSClient, region: string, pageSize = BLUE_GREEN_PAGE_SIZE): Promise<BlueGreenDeployment[]> {
  const out: BlueGreenDeployment[] = [];
  const config = pageSize === BLUE_GREEN_PAGE_SIZE ? { client } : { client, pageSize };
  for await (const page of paginateDescribeBlueGreenDeployments(config, {})) {
    for (const d of page.BlueGreenDeployments ?? []) out.push(toBlueGreenDeployment(d, region));
  }
  return out.sort(newestFirst);
}

/** One deployment, fresh; undefined when AWS no longer knows it. */
export async function describeBlueGreen(client: RDSClient, id: string, region?: string): Promise<BlueGreenDeployment | undefined> {
  let found: SdkBlueGreenDeployment | undefined;
  try {
    const out = await client.send(new DescribeBlueGreenDeploymentsCommand({ BlueGreenDeploymentIdentifier: id }));
    found = out.BlueGreenDeployments?.find((d) => d.BlueGreenDeploymentIdentifier === id) ?? out.BlueGreenDeployments?.[0];
  } catch (err) {
    if (isDeploymentNotFound(err)) return undefined;
    throw err;
  }
  return found ? toBlueGreenDeployment(found, region ?? (await clientRegion(client))) : undefined;
}

export interface CreateBlueGreenInput extends BlueGreenChoice {
  readonly name: string;
}

/**
 * Creates the deployment (green starts provisioning; follow it with waitForBlueGreen until
 * AVAILABLE). Runs preflightBlueGreen first on `db`, so pass a fresh one (readBlueGreenSource).
 * Settings equal to blue's are left out, so AWS keeps them as they are.
 * @param existing the region's deployments, for the "one deployment per DB" and name checks
 */
export async function createBlueGreen(
  client: RDSClient,
  db: BlueGreenSourceDb,
  input: CreateBlueGreenInput,
  existing: readonly BlueGreenDeployment[] = [],
): Promise<BlueGreenDeployment> {
  const refusals = preflightBlueGreen(db, input, existing);
  if (refusals.length) throw new BlueGreenRefusedError(refusals);
  const command: CreateBlueGreenDeploymentCommandInput = {
    BlueGreenDeploymentName: input.name,
    Source: db.arn,
    Tags: [{ Key: CREATED_BY_TAG, Value: CREATED_BY_VALUE }],
  };
  if (input.targetEngineVersion && input.targetEngineVersion !== db.engineVersion) command.TargetEngineVersion = input.targetEngineVersion;
  if (input.targetParameterGroup && input.targetParameterGroup !== db.parameterGroupName) {
    if (db.kind === 'cluster') command.TargetDBClusterParameterGroupName = input.targetParameterGroup;
    else command.TargetDBParameterGroupName = input.targetParameterGroup;
  }
  if (db.kind === 'instance' && input.targetInstanceClass && input.targetInstanceClass !== db.instanceClass) command.TargetDBInstanceClass = input.targetInstanceClass;
  try {
    const out = await client.send(new CreateBlueGreenDeploymentCommand(command));
    if (!out.BlueGreenDeployment) throw new Error(t('RDS answered without the deployment.'));
    return toBlueGreenDeployment(out.BlueGreenDeployment, db.region);
  } catch (err) {
    throw new Error(t('Creating Blue/Green deployment {0} for {1} failed', input.name, db.id), { cause: err });
  }
}

/**
 * Starts the switchover (follow it with waitForBlueGreen until SWITCHOVER_COMPLETED). The
 * timeout is checked here too (30–3600 s), and the deployment must be AVAILABLE: AWS's
 * InvalidBlueGreenDeploymentStateFault is explained with the deployment's current status.
 */
export async function switchoverBlueGreen(client: RDSClient, id: string, timeoutSeconds: number = SWITCHOVER_TIMEOUT.default): Promise<BlueGreenDeployment> {
  const problem = switchoverTimeoutProblem(timeoutSeconds);
  if (problem) throw new BlueGreenRefusedError([{ code: 'invalidTimeout', message: problem }]);
  const region = await clientRegion(client);
  try {
    const out = await client.send(new SwitchoverBlueGreenDeploymentCommand({ BlueGreenDeploymentIdentifier: id, SwitchoverTimeout: timeoutSeconds }));
    if (!out.BlueGreenDeployment) throw new Error(t('RDS answered without the deployment.'));
    return toBlueGreenDeployment(out.BlueGreenDeployment, region);
  } catch (err) {
    if (awsErrorCode(err) === 'InvalidBlueGreenDeploymentStateFault') {
      const now = await describeBlueGreen(client, id, region).catch(() => undefined);
      const refusal = now && switchoverRefusal(now);
      if (refusal) throw new BlueGreenRefusedError([refusal]);
    }
    throw new Error(t('Switching over Blue/Green deployment {0} failed', id), { cause: err });
  }
}

/**
 * Deletes the deployment, and with deleteTarget its green resources. The status is read fresh
 * first: after a switchover green is production and AWS refuses DeleteTarget, so that is refused
 * here with an explanation (moto would accept it and silently keep green). Returns undefined when
 * the deployment was already gone.
 */
export async function deleteBlueGreen(
  client: RDSClient,
  deployment: BlueGreenDeployment,
  options: { readonly deleteTarget: boolean },
): Promise<BlueGreenDeployment | undefined> {
  const current = await describeBlueGreen(client, deployment.id, deployment.region);
  if (!current) return undefined;
  const refusal = deleteRefusal(current, options);
  if (refusal) throw new BlueGreenRefusedError([refusal]);
  try {
    const out = await client.send(new DeleteBlueGreenDeploymentCommand({ BlueGreenDeploymentIdentifier: deployment.id, DeleteTarget: options.deleteTarget || undefined }));
    return out.BlueGreenDeployment ? toBlueGreenDeployment(out.BlueGreenDeployment, deployment.region) : { ...current, status: 'DELETING' };
  } catch (err) {
    if (isDeploymentNotFound(err)) return undefined;
    throw new Error(t('Deleting Blue/Green deployment {0} ({1}) failed', current.name, blueGreenStatusLabel(current.status)), { cause: err });
  }
}
