/**
 * Loads the heavy bundles (built by scripts/build.mjs next to dist/extension.js) on first use.
 * Only types are imported statically, so none of this code runs at activation.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as AwsModule from './core/aws/index';
import type * as DbModule from './core/db/index';
import type * as DeployModule from './core/deploy/index';
import type * as GoConfigModule from './core/goconfig/index';

interface Localizable {
  configureL10n(contents: Record<string, string> | undefined): void;
}

const cache = new Map<string, unknown>();

function load<T extends Localizable>(name: string): T {
  let mod = cache.get(name) as T | undefined;
  if (!mod) {
    // A computed path keeps esbuild from inlining the bundle into extension.js.
    mod = require(path.join(__dirname, `${name}.js`)) as T;
    // Core words go through @vscode/l10n; hand it the bundle VS Code chose for this display language.
    mod.configureL10n(vscode.l10n.bundle);
    cache.set(name, mod);
  }
  return mod;
}

export const loadAws = (): typeof AwsModule => load<typeof AwsModule>('aws');
export const loadDb = (): typeof DbModule => load<typeof DbModule>('db');
export const loadGoConfig = (): typeof GoConfigModule => load<typeof GoConfigModule>('goconfig');
export const loadDeploy = (): typeof DeployModule => load<typeof DeployModule>('deploy');
