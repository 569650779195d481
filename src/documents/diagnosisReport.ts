/** The diagnosis report as a read-only virtual markdown document, shown in the markdown preview. */
import * as vscode from 'vscode';
import { MemoryDocuments } from './memoryDocuments';

export const DIAGNOSIS_SCHEME = 'rds-link-diagnosis';

export class DiagnosisReports extends MemoryDocuments {
  constructor() {
    super(DIAGNOSIS_SCHEME, 'md');
  }

  /** Opens (or refreshes) the report of one pair in the markdown preview. */
  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = this.put(name, markdown);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return uri;
  }
}
