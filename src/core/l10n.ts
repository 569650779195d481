/**
 * Words that core shows to a person go through @vscode/l10n, so the same bundle VS Code uses
 * (l10n/bundle.l10n.<lang>.json) translates them. Each lazily loaded bundle has its own copy of
 * @vscode/l10n, so each exports configureL10n and the VS Code layer calls it once on load.
 */
import * as l10n from '@vscode/l10n';

export function configureL10n(contents: Record<string, string> | undefined): void {
  if (contents) l10n.config({ contents });
}

export const t = l10n.t;
