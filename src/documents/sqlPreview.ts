/**
 * Read-only previews of SQL that is about to run: virtual documents (their own scheme, served
 * from memory), so what the person reads is exactly what is sent, and cannot be edited there.
 */
import * as vscode from 'vscode';

export const SQL_PREVIEW_SCHEME = 'rdslink-sql';

export class SqlPreviews implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** Opens (or refreshes) the preview named `name` with `text`, as a preview tab that the next file opened replaces. */
  async show(name: string, text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: SQL_PREVIEW_SCHEME, path: `/${name.replace(/[^\w.-]/g, '_')}.sql` });
    this.texts.set(uri.path, text);
    this.changes.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.changes.dispose();
    this.texts.clear();
  }
}
