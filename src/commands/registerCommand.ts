import * as vscode from 'vscode';
import { describeError, isCancellation } from '../core/errors';
import type { CommandId } from '../ids';

export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Registers a command through the one wrapper every command uses: it measures how long the
 * command ran, tells a cancel (logged, never shown) from a failure (logged with its causes and
 * shown once, with a way to the log), and returns the handler's result to programmatic callers
 * (undefined after a cancel or failure).
 */
export function registerCommand<A extends unknown[], R>(
  ctx: CommandContext,
  id: CommandId,
  handler: (...args: A) => R | Promise<R>,
): void {
  const wrapped = async (...args: A): Promise<R | undefined> => {
    const started = performance.now();
    try {
      const result = await handler(...args);
      ctx.log.info(`${id} finished in ${Math.round(performance.now() - started)} ms`);
      return result;
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      if (isCancellation(err)) {
        // A cancel's own message says where it stopped (and, for a link, what was rolled back).
        // Not instanceof: each lazily loaded bundle has its own CancelledError class.
        const why = err instanceof Error && err.message !== 'Cancelled' ? `: ${describeError(err)}` : '';
        ctx.log.info(`${id} cancelled after ${ms} ms${why}`);
        return undefined;
      }
      const message = describeError(err);
      ctx.log.error(`${id} failed after ${ms} ms: ${message}`);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(message, showLog).then((choice) => {
        if (choice === showLog) ctx.log.show(true);
      });
      // Not rethrown: VS Code would show the same failure a second time.
      return undefined;
    }
  };
  ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, wrapped));
}
