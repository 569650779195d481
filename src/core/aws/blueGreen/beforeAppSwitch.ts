/**
 * An RDS Blue/Green switchover as one step of an app's Blue/Green deploy (the deploy file's
 * strategy.rdsBlueGreen): read and checked before the plan is shown, so that a deployment that
 * is missing or not ready stops the deploy before anything changed; carried out once the app's
 * green is in service, and waited for until SWITCHOVER_COMPLETED, before the listener's switch.
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import { t } from '../../l10n';
import { describeBlueGreen, switchoverBlueGreen } from './deployments';
import { SWITCHOVER_TIMEOUT, switchoverRefusal } from './rules';
import { waitForBlueGreen, type WaitOptions } from './wait';

export interface DatabaseSwitchoverStep {
  /** For the plan. */
  readonly database: { readonly id: string; readonly name: string; readonly timeoutSeconds: number };
  /** Starts the switchover and waits; throws unless it completed (failed, rolled back at its timeout, gone). */
  readonly switchover: () => Promise<void>;
}

export async function prepareDatabaseSwitchover(
  client: RDSClient,
  region: string,
  id: string,
  o: { readonly log: (line: string) => void; readonly timeoutSeconds?: number; readonly wait?: Pick<WaitOptions, 'backoff' | 'timeoutMs' | 'sleep' | 'now'> },
): Promise<DatabaseSwitchoverStep> {
  const deployment = await describeBlueGreen(client, id, region);
  if (!deployment) throw new Error(t('There is no RDS Blue/Green deployment {0} in {1} (strategy.rdsBlueGreen in the deploy file).', id, region));
  const refusal = switchoverRefusal(deployment);
  if (refusal) throw new Error(refusal.message);
  const timeoutSeconds = o.timeoutSeconds ?? SWITCHOVER_TIMEOUT.default;
  return {
    database: { id: deployment.id, name: deployment.name, timeoutSeconds },
    switchover: async () => {
      await switchoverBlueGreen(client, deployment.id, timeoutSeconds);
      o.log(`Switchover of ${deployment.id} started (timeout ${timeoutSeconds} s), before the app's switch`);
      await waitForBlueGreen(client, deployment.id, { ...o.wait, until: 'SWITCHOVER_COMPLETED', region, onProgress: (x) => o.log(`Blue/Green ${deployment.id}: ${x.message}`) });
    },
  };
}
