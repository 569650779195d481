/** The Problems view's entries of a failed Go build (the deploy's compiler errors), replaced as a whole. */
import * as vscode from 'vscode';

/** Diagnostics the extension owns, replaced as a whole: a failed build sets them, the next build clears them. */
export interface BuildProblems {
  set(entries: ReadonlyArray<{ readonly file: string; readonly line: number; readonly column?: number; readonly message: string }>): void;
  clear(): void;
}

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
