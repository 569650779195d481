/** The DbDeleteApi over the SDK. */
import { DeleteDBInstanceCommand, ModifyDBInstanceCommand, waitUntilDBInstanceDeleted, type RDSClient } from '@aws-sdk/client-rds';
import { CancelledError, isSignalled, toAbortSignal } from '../../errors';
import { t } from '../../l10n';
import type { DbDeleteApi } from './deleteCreated';

export function createSdkDbDeleteApi(rds: RDSClient): DbDeleteApi {
  return {
    async setDeletionProtection(dbId, on) {
      await rds.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: dbId, DeletionProtection: on, ApplyImmediately: true }));
    },
    async deleteDbInstance(dbId, finalSnapshotId) {
      await rds.send(new DeleteDBInstanceCommand({
        DBInstanceIdentifier: dbId,
        ...(finalSnapshotId ? { FinalDBSnapshotIdentifier: finalSnapshotId, SkipFinalSnapshot: false } : { SkipFinalSnapshot: true }),
      }));
    },
    async waitDeleted(dbId, options) {
      const minDelay = options.minDelaySeconds ?? 30;
      await waitUntilDBInstanceDeleted(
        { client: rds, maxWaitTime: Math.max(options.maxWaitSeconds ?? 3600, minDelay + 1), minDelay, abortSignal: toAbortSignal(options.signal) },
        { DBInstanceIdentifier: dbId },
      ).catch((err: unknown) => {
        if (isSignalled(options.signal)) throw new CancelledError(t('Stopped waiting for {0}.', dbId), { cause: err });
        throw err;
      });
    },
  };
}
