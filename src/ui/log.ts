import * as vscode from 'vscode';

/** The extension's one log. Passwords never go through here: callers log ids and names only. */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('RDS Link', { log: true });
}
