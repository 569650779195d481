/**
 * The open workspace's files, read by commands (the diagnosis reads the app's config files, the
 * deploy its deploy file). Commands get it as `deps.files`; unit tests pass files held in memory.
 */
import * as vscode from 'vscode';

export interface WorkspaceFiles {
  /** True when a folder is open. */
  hasFolder(): boolean;
  findFiles(include: string, exclude: string, maxResults: number): Promise<readonly vscode.Uri[]>;
  readText(uri: vscode.Uri): Promise<string>;
  /** A folder's entries (not recursive); none when the folder does not exist. */
  readDirectory(uri: vscode.Uri): Promise<ReadonlyArray<{ readonly name: string; readonly kind: 'file' | 'folder' | 'other' }>>;
  /** The path as the person sees it in the explorer (relative to its folder). */
  asRelativePath(uri: vscode.Uri): string;
}

/**
 * The workspace's folders, documents and edits, for the handlers that change files (the config
 * patch, .env, .gitignore); extension.ts passes vscode.workspace behind it, unit tests a fake.
 */
export interface WorkspaceAccess {
  /** The first folder of the workspace (its name and path), when one is open. */
  firstFolder(): { readonly name: string; readonly path: string } | undefined;
  /** The path of the workspace folder that holds `uri`. */
  folderOf(uri: vscode.Uri): string | undefined;
  /** The document of the active editor. */
  activeDocument(): vscode.Uri | undefined;
  openTextDocument(uri: vscode.Uri): Promise<vscode.TextDocument>;
  applyEdit(edit: vscode.WorkspaceEdit): Promise<boolean>;
  writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void>;
}

export const vscodeWorkspaceFiles: WorkspaceFiles = {
  hasFolder: () => !!vscode.workspace.workspaceFolders?.length,
  findFiles: (include, exclude, maxResults) => Promise.resolve(vscode.workspace.findFiles(include, exclude, maxResults)),
  readText: async (uri) => Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'),
  readDirectory: async (uri) => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(uri);
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return [];
      throw err;
    }
    // A symlink's type has the SymbolicLink bit beside the type of what it points to.
    const kindOf = (t: vscode.FileType) => (t & vscode.FileType.Directory ? 'folder' : t & vscode.FileType.File ? 'file' : 'other');
    return entries.map(([name, type]) => ({ name, kind: kindOf(type) }));
  },
  asRelativePath: (uri) => vscode.workspace.asRelativePath(uri),
};

/** The workspace behind deps.workspace: folders, documents, edits and file writes. */
export const vscodeWorkspace: WorkspaceAccess = {
  firstFolder: () => {
    const first = vscode.workspace.workspaceFolders?.[0];
    return first && { name: first.name, path: first.uri.fsPath };
  },
  folderOf: (uri) => vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath,
  activeDocument: () => vscode.window.activeTextEditor?.document.uri,
  openTextDocument: (uri) => Promise.resolve(vscode.workspace.openTextDocument(uri)),
  applyEdit: (edit) => Promise.resolve(vscode.workspace.applyEdit(edit)),
  writeFile: (uri, content) => Promise.resolve(vscode.workspace.fs.writeFile(uri, content)),
};
