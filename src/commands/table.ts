/**
 * Every command, id → handler, registered from here alone (register.ts). Each handler lives in
 * src/commands/<area>/<command>.ts, named after the command id without `rdsLink.`; the manifest
 * test checks that every contributed command has its file.
 */
import { Commands, type CommandId } from '../ids';
import type { Handler } from './deps';
import { patchConfig } from './config/patchConfig';
import { useDatabaseInWorkspace } from './config/useDatabaseInWorkspace';
import { createDatabase } from './database/createDatabase';
import { createSchema } from './database/createSchema';
import { forgetPassword } from './database/forgetPassword';
import { openMysqlShell } from './database/openMysqlShell';
import { refresh } from './session/refresh';
import { retry } from './session/retry';
import { selectProfile } from './session/selectProfile';
import { selectRegions } from './session/selectRegions';
import { showLog } from './session/showLog';
import { ssoLogin } from './session/ssoLogin';

// While the areas move here one by one, the table is partial; the rest still registers from extension.ts.
export const commandTable: Partial<Readonly<Record<CommandId, Handler>>> = {
  [Commands.refresh]: refresh,
  [Commands.selectProfile]: selectProfile,
  [Commands.selectRegions]: selectRegions,
  [Commands.showLog]: showLog,
  [Commands.retry]: retry,
  [Commands.ssoLogin]: ssoLogin,
  [Commands.createSchema]: createSchema,
  [Commands.openMysqlShell]: openMysqlShell,
  [Commands.forgetPassword]: forgetPassword,
  [Commands.createDatabase]: createDatabase,
  [Commands.useDatabaseInWorkspace]: useDatabaseInWorkspace,
  [Commands.patchConfig]: patchConfig,
};
