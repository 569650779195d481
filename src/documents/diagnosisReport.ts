/** The diagnosis report as a read-only virtual markdown document, shown in the markdown preview. */
import * as vscode from 'vscode';

export const DIAGNOSIS_SCHEME = 'rds-link-diagnosis';

export class DiagnosisReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  /** Opens (or refreshes) the report of one pair in the markdown preview. */
  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: DIAGNOSIS_SCHEME, path: `/${name.replace(/[^\w.-]/g, '_')}.md` });
    this.texts.set(uri.path, markdown);
    this.changes.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return uri;
  }

  dispose(): void {
    this.changes.dispose();
    this.texts.clear();
  }
}
