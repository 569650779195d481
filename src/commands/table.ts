/**
 * Every command, id → handler, registered from here alone (register.ts). Each handler lives in
 * src/commands/<area>/<command>.ts, named after the command id without `rdsLink.`; the manifest
 * test checks that every contributed command has its file.
 */
import { Commands, type CommandId } from '../ids';
import { createBlueGreen } from './blueGreen/createBlueGreen';
import { deleteBlueGreen } from './blueGreen/deleteBlueGreen';
import { switchoverBlueGreen } from './blueGreen/switchoverBlueGreen';
import { copyDbEndpoint } from './database/copyDbEndpoint';
import { openDbInConsole } from './database/openDbInConsole';
import type { Handler } from './deps';
import { deploy } from './deploy/deploy';
import { rollbackDeployment } from './deploy/rollbackDeployment';
import { switchBack } from './deploy/switchBack';
import { diagnoseConnection } from './diagnose/diagnoseConnection';
import { copyInstanceId } from './instance/copyInstanceId';
import { copyInstanceIp } from './instance/copyInstanceIp';
import { forgetHostKey } from './instance/forgetHostKey';
import { openInstanceInConsole } from './instance/openInstanceInConsole';
import { startInstance } from './instance/startInstance';
import { stopInstance } from './instance/stopInstance';
import { linkInstanceToDatabase } from './link/linkInstanceToDatabase';
import { unlink } from './link/unlink';
import { patchConfig } from './config/patchConfig';
import { useDatabaseInWorkspace } from './config/useDatabaseInWorkspace';
import { createDatabase } from './database/createDatabase';
import { deleteDatabase } from './database/deleteDatabase';
import { createInstance } from './instance/createInstance';
import { deleteInstance } from './instance/deleteInstance';
import { deleteInstanceConnectEndpoint } from './instance/deleteInstanceConnectEndpoint';
import { waitForInstance } from './instance/waitForInstance';
import { createSchema } from './database/createSchema';
import { forgetPassword } from './database/forgetPassword';
import { openMysqlShell } from './database/openMysqlShell';
import { refresh } from './session/refresh';
import { retry } from './session/retry';
import { selectProfile } from './session/selectProfile';
import { selectRegions } from './session/selectRegions';
import { showLog } from './session/showLog';
import { ssoLogin } from './session/ssoLogin';
import { clearEc2Filter } from './views/clearEc2Filter';
import { clearRdsFilter } from './views/clearRdsFilter';
import { filterEc2 } from './views/filterEc2';
import { filterRds } from './views/filterRds';

// Every id must have its handler: a missing one fails the type check.
export const commandTable: Readonly<Record<CommandId, Handler>> = {
  [Commands.refresh]: refresh,
  [Commands.selectProfile]: selectProfile,
  [Commands.selectRegions]: selectRegions,
  [Commands.showLog]: showLog,
  [Commands.retry]: retry,
  [Commands.ssoLogin]: ssoLogin,
  [Commands.filterEc2]: filterEc2,
  [Commands.clearEc2Filter]: clearEc2Filter,
  [Commands.filterRds]: filterRds,
  [Commands.clearRdsFilter]: clearRdsFilter,
  [Commands.copyInstanceId]: copyInstanceId,
  [Commands.copyInstanceIp]: copyInstanceIp,
  [Commands.openInstanceInConsole]: openInstanceInConsole,
  [Commands.startInstance]: startInstance,
  [Commands.stopInstance]: stopInstance,
  [Commands.forgetHostKey]: forgetHostKey,
  [Commands.copyDbEndpoint]: copyDbEndpoint,
  [Commands.openDbInConsole]: openDbInConsole,
  [Commands.createBlueGreen]: createBlueGreen,
  [Commands.switchoverBlueGreen]: switchoverBlueGreen,
  [Commands.deleteBlueGreen]: deleteBlueGreen,
  [Commands.linkInstanceToDatabase]: linkInstanceToDatabase,
  [Commands.unlink]: unlink,
  [Commands.diagnoseConnection]: diagnoseConnection,
  [Commands.createSchema]: createSchema,
  [Commands.openMysqlShell]: openMysqlShell,
  [Commands.forgetPassword]: forgetPassword,
  [Commands.createDatabase]: createDatabase,
  [Commands.deleteDatabase]: deleteDatabase,
  [Commands.createInstance]: createInstance,
  [Commands.deleteInstance]: deleteInstance,
  [Commands.deleteInstanceConnectEndpoint]: deleteInstanceConnectEndpoint,
  [Commands.waitForInstance]: waitForInstance,
  [Commands.useDatabaseInWorkspace]: useDatabaseInWorkspace,
  [Commands.patchConfig]: patchConfig,
  [Commands.deploy]: deploy,
  [Commands.rollbackDeployment]: rollbackDeployment,
  [Commands.switchBack]: switchBack,
};
