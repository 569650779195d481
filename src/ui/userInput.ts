/**
 * Everything a command asks of the person or shows them goes through this interface: pickers,
 * input boxes, messages (modal questions included), progress, the clipboard, links and other
 * commands. The extension passes `vscodeUserInput`; unit tests pass a scripted one
 * (test/unit/support/testUserInput.ts), so a handler's logic runs without the editor.
 */
import * as vscode from 'vscode';

export type Progress = vscode.Progress<{ message?: string; increment?: number }>;

export interface UserInput {
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions & { canPickMany?: false }): Promise<T | undefined>;
  showQuickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<readonly T[] | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
  showInformationMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined>;
  showWarningMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined>;
  showErrorMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined>;
  withProgress<R>(options: vscode.ProgressOptions, task: (progress: Progress, token: vscode.CancellationToken) => Thenable<R>): Promise<R>;
  /** A short note in the status bar, gone after `ms`. */
  setStatusBarMessage(text: string, ms: number): void;
  writeClipboard(text: string): Promise<void>;
  openExternal(uri: vscode.Uri): Promise<boolean>;
  executeCommand<T = unknown>(command: string, ...args: unknown[]): Promise<T>;
  /** Opens and shows a terminal; `onClose` runs once when it closes. Dispose stops listening. */
  openTerminal(options: vscode.TerminalOptions, onClose?: () => void): vscode.Disposable;
}

export const vscodeUserInput: UserInput = {
  showQuickPick: (items, options) => Promise.resolve(vscode.window.showQuickPick(items, options)),
  showQuickPickMany: (items, options) => Promise.resolve(vscode.window.showQuickPick(items, { ...options, canPickMany: true })),
  showInputBox: (options) => Promise.resolve(vscode.window.showInputBox(options)),
  showInformationMessage: (message, options, ...items) => Promise.resolve(vscode.window.showInformationMessage(message, options, ...items)),
  showWarningMessage: (message, options, ...items) => Promise.resolve(vscode.window.showWarningMessage(message, options, ...items)),
  showErrorMessage: (message, options, ...items) => Promise.resolve(vscode.window.showErrorMessage(message, options, ...items)),
  withProgress: (options, task) => Promise.resolve(vscode.window.withProgress(options, task)),
  setStatusBarMessage: (text, ms) => {
    vscode.window.setStatusBarMessage(text, ms);
  },
  writeClipboard: (text) => Promise.resolve(vscode.env.clipboard.writeText(text)),
  openExternal: (uri) => Promise.resolve(vscode.env.openExternal(uri)),
  executeCommand: <T>(command: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)),
  openTerminal: (options, onClose) => {
    const terminal = vscode.window.createTerminal(options);
    terminal.show();
    const sub = vscode.window.onDidCloseTerminal((closed) => {
      if (closed !== terminal) return;
      sub.dispose();
      onClose?.();
    });
    return sub;
  },
};
