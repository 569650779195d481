/** Read-only previews of SQL that is about to run, so what the person reads is exactly what is sent. */
import * as vscode from 'vscode';
import { MemoryDocuments } from './memoryDocuments';

export const SQL_PREVIEW_SCHEME = 'rdslink-sql';

export class SqlPreviews extends MemoryDocuments {
  constructor() {
    super(SQL_PREVIEW_SCHEME, 'sql');
  }

  /** Opens (or refreshes) the preview named `name` with `text`, as a preview tab that the next file opened replaces. */
  async show(name: string, text: string): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(this.put(name, text));
    return vscode.window.showTextDocument(doc, { preview: true });
  }
}
