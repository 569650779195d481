import * as vscode from 'vscode';

/**
 * Read-only virtual documents of one scheme, served from memory: what the person reads is
 * exactly what the extension holds, and it cannot be edited there.
 */
export class MemoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  constructor(private readonly scheme: string, private readonly extension: string) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** Sets (or replaces) the text of the document named `name`; an open one shows the new text. */
  protected put(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${name.replace(/[^\w.-]/g, '_')}.${this.extension}` });
    this.texts.set(uri.path, text);
    this.changes.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changes.dispose();
    this.texts.clear();
  }
}
