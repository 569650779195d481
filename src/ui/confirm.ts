import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';

/**
 * A modal question with one action; resolves when the person takes it, throws CancelledError
 * otherwise. Destructive actions show as a warning.
 */
export async function confirmModal(message: string, detail: string, action: string, options: { destructive?: boolean } = {}): Promise<void> {
  const show = options.destructive ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const answer = await show(message, { modal: true, detail }, action);
  if (answer !== action) throw new CancelledError();
}
