/**
 * Every command, id → handler, registered from here alone (register.ts). Each handler lives in
 * src/commands/<area>/<command>.ts, named after the command id without `rdsLink.`; the manifest
 * test checks that every contributed command has its file.
 */
import { Commands, type CommandId } from '../ids';
import type { Handler } from './deps';
import { diagnoseConnection } from './diagnose/diagnoseConnection';
import { linkInstanceToDatabase } from './link/linkInstanceToDatabase';
import { unlink } from './link/unlink';
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
  [Commands.linkInstanceToDatabase]: linkInstanceToDatabase,
  [Commands.unlink]: unlink,
  [Commands.diagnoseConnection]: diagnoseConnection,
};
