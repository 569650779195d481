import * as vscode from 'vscode';
import { describeError, isCancellation } from '../core/errors';
import type { CommandId } from '../ids';
import type { Deps, Handler } from './deps';
import { commandTable } from './table';

/**
 * Runs a handler the way every command runs: it measures how long the command ran, tells a
 * cancel (logged, never shown) from a failure (logged with its causes and shown once, with a way
 * to the log), and returns the handler's result to programmatic callers (undefined after a
 * cancel or failure).
 */
export async function runCommand(deps: Deps, id: CommandId, handler: Handler, args: unknown[]): Promise<unknown> {
  const started = performance.now();
  try {
    const result = await handler(deps, ...args);
    deps.log.info(`${id} finished in ${Math.round(performance.now() - started)} ms`);
    return result;
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    if (isCancellation(err)) {
      // A cancel's own message says where it stopped (and, for a link, what was rolled back).
      // Not instanceof: each lazily loaded bundle has its own CancelledError class.
      const why = err instanceof Error && err.message !== 'Cancelled' ? `: ${describeError(err)}` : '';
      deps.log.info(`${id} cancelled after ${ms} ms${why}`);
      return undefined;
    }
    const message = describeError(err);
    deps.log.error(`${id} failed after ${ms} ms: ${message}`);
    const showLog = vscode.l10n.t('Show Log');
    void deps.ui.showErrorMessage(message, {}, showLog).then((choice) => {
      if (choice === showLog) deps.log.show(true);
    });
    // Not rethrown: VS Code would show the same failure a second time.
    return undefined;
  }
}

/** Registers every command of the table (src/commands/table.ts). */
export function registerCommands(deps: Deps): vscode.Disposable[] {
  return (Object.entries(commandTable) as Array<[CommandId, Handler]>).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(deps, id, handler, args)));
}
