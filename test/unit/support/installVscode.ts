/**
 * Makes `require('vscode')` give test/unit/support/vscodeModule in the unit layer (mocha loads
 * this file first: scripts/mocha-layer.cjs). The other layers run in a real VS Code.
 */
import Module = require('node:module');
import * as shim from './vscodeModule';

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as { _load: Load };
const original = mod._load;
mod._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') return shim;
  return original.call(this, request, parent, isMain);
};
