// A minimal `vscode` module for timing activate() in plain Node: just enough of the API surface
// that activation touches, every call cheap and inert.
const Module = require('node:module');

class Disposable {
  constructor(fn) { this.fn = fn; }
  dispose() { this.fn?.(); }
  static from(...items) { return new Disposable(() => items.forEach((d) => d.dispose())); }
}
class EventEmitter {
  constructor() { this.listeners = new Set(); this.event = (l) => { this.listeners.add(l); return new Disposable(() => this.listeners.delete(l)); }; }
  fire(e) { for (const l of this.listeners) l(e); }
  dispose() { this.listeners.clear(); }
}
class TreeItem { constructor(label, state) { this.label = label; this.collapsibleState = state; } }
class ThemeIcon { constructor(id, color) { this.id = id; this.color = color; } }
class ThemeColor { constructor(id) { this.id = id; } }
class MarkdownString { constructor(v = '') { this.value = v; } appendMarkdown(s) { this.value += s; return this; } }
const noop = () => new Disposable();
const event = () => noop();
const treeView = () => ({ visible: false, description: undefined, onDidChangeVisibility: event, dispose() {} });
const statusItem = () => ({ show() {}, hide() {}, dispose() {} });
const log = () => ({ info() {}, warn() {}, error() {}, trace() {}, debug() {}, show() {}, dispose() {} });

const vscode = {
  Disposable, EventEmitter, TreeItem, ThemeIcon, ThemeColor, MarkdownString,
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  CodeActionKind: { QuickFix: { value: 'quickfix', append: () => ({}) }, Source: { value: 'source', append: () => ({}) } },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  Uri: { parse: (s) => ({ toString: () => s }), file: (s) => ({ fsPath: s }) },
  l10n: { t: (s) => s, bundle: undefined },
  env: { clipboard: { writeText: async () => {} }, openExternal: async () => true },
  window: {
    createOutputChannel: log, createTreeView: treeView, createStatusBarItem: statusItem,
    showErrorMessage: async () => undefined, showWarningMessage: async () => undefined, showInformationMessage: async () => undefined,
    onDidChangeActiveTextEditor: event,
  },
  commands: { registerCommand: noop, executeCommand: async () => undefined },
  workspace: {
    getConfiguration: () => ({ get: (_k, d) => d, inspect: () => undefined, update: async () => {} }),
    onDidChangeConfiguration: event, onDidChangeTextDocument: event, onDidCloseTextDocument: event, onDidOpenTextDocument: event,
    registerTextDocumentContentProvider: noop,
    textDocuments: [], workspaceFolders: [],
  },
  languages: { registerCodeActionsProvider: noop, createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {} }) },
};

const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
};
module.exports = vscode;
