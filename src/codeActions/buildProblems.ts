/** The Problems view's entries of a failed Go build (the deploy's compiler errors), replaced as a whole. */
import * as vscode from 'vscode';
import type { BuildProblems } from '../commands/deps';

export function buildProblems(collection: vscode.DiagnosticCollection): BuildProblems {
  return {
    set(entries) {
      collection.clear();
      const byFile = new Map<string, vscode.Diagnostic[]>();
      for (const e of entries) {
        const at = new vscode.Position(Math.max(0, e.line - 1), Math.max(0, (e.column ?? 1) - 1));
        const d = new vscode.Diagnostic(new vscode.Range(at, at), e.message, vscode.DiagnosticSeverity.Error);
        d.source = 'go build';
        byFile.set(e.file, [...(byFile.get(e.file) ?? []), d]);
      }
      for (const [file, list] of byFile) collection.set(vscode.Uri.file(file), list);
    },
    clear: () => collection.clear(),
  };
}
