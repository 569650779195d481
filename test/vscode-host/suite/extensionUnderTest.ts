// The extension under test as the editor loaded it (its manifest with the localized strings in
// place of the %keys%), for the suites that run inside the extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'rds-link.rds-link';

export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    menus?: Record<string, unknown[]>;
    submenus?: { id: string; label: string }[];
    viewsContainers?: Record<string, { id: string; title: string; icon: string }[]>;
    views?: Record<string, { id: string; name: string }[]>;
    viewsWelcome?: { view: string; contents: string; when?: string }[];
    configuration?: ConfigurationSection | ConfigurationSection[];
  };
}

export interface ConfigurationSection {
  title?: string;
  properties?: Record<string, { type?: string | string[]; default?: unknown; description?: string; markdownDescription?: string }>;
}

export function extensionUnderTest(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this editor`);
  return ext;
}

export function manifest(): Manifest {
  return extensionUnderTest().packageJSON as Manifest;
}

export function declaredViewIds(pkg: Manifest): Set<string> {
  return new Set(Object.values(pkg.contributes?.views ?? {}).flat().map((v) => v.id));
}
