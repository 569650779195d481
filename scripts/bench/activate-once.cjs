// One activation in a fresh process: require dist/extension.js and call activate(); prints ms.
require('./vscode-stand-in.cjs');
const path = require('node:path');
const started = performance.now();
const ext = require(path.resolve(__dirname, '../../dist/extension.js'));
ext.activate({ subscriptions: [], globalState: { get() {}, update: async () => {} }, workspaceState: { get() {}, update: async () => {} }, secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) }, extensionUri: { fsPath: '' }, extensionPath: '' });
const ms = performance.now() - started;
// Lazy bundles must not have been loaded by activation.
const heavy = Object.keys(require.cache).filter((k) => /dist[\\/](aws|db|goconfig)\.js$/.test(k));
if (heavy.length) {
  console.error(`activation loaded ${heavy.join(', ')}`);
  process.exit(1);
}
process.stdout.write(String(ms));
