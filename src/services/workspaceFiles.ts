/**
 * The open workspace's files, read by commands (the diagnosis reads the app's config files).
 * Commands get it as `deps.workspace`; unit tests pass files held in memory.
 */
import * as vscode from 'vscode';

export interface WorkspaceFiles {
  /** True when a folder is open. */
  hasFolder(): boolean;
  findFiles(include: string, exclude: string, maxResults: number): Promise<readonly vscode.Uri[]>;
  readText(uri: vscode.Uri): Promise<string>;
  /** The path as the person sees it in the explorer (relative to its folder). */
  asRelativePath(uri: vscode.Uri): string;
}

export const vscodeWorkspaceFiles: WorkspaceFiles = {
  hasFolder: () => !!vscode.workspace.workspaceFolders?.length,
  findFiles: (include, exclude, maxResults) => Promise.resolve(vscode.workspace.findFiles(include, exclude, maxResults)),
  readText: async (uri) => Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'),
  asRelativePath: (uri) => vscode.workspace.asRelativePath(uri),
};
