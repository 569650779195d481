/**
 * The `vscode` module for unit tests of the VS Code layer (command handlers, tree nodes): the
 * value types and the l10n call the code uses, nothing that would pretend to be the editor.
 * `window`, `workspace`, `commands` and `env` throw, naming the call: a handler reaches the
 * person through deps.ui and the data through its deps, so a call here is a bug in the handler.
 * Installed by test/unit/support/installVscode.ts before any test file loads.
 */

function format(message: string, args: unknown[]): string {
  const values = args.length === 1 && args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) ? (args[0] as Record<string, unknown>) : args;
  return message.replace(/\{(\w+)\}/g, (m, k: string) => (k in (values as object) ? String((values as Record<string, unknown>)[k]) : m));
}

export const l10n = {
  t(message: string | { message: string; args?: unknown[] }, ...args: unknown[]): string {
    return typeof message === 'string' ? format(message, args) : format(message.message, message.args ?? []);
  },
  bundle: undefined,
};

export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: Array<{ dispose(): unknown }>): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners: Array<(e: T) => unknown> = [];
  readonly event = (listener: (e: T) => unknown): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly authority: string, readonly path: string, readonly query: string, readonly fragment: string) {}
  static file(p: string): Uri {
    return new Uri('file', '', p, '', '');
  }
  static parse(value: string): Uri {
    const u = new URL(value);
    return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c.scheme, c.authority ?? '', c.path ?? '', c.query ?? '', c.fragment ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, base.authority, [base.path, ...parts].join('/').replace(/\/+/g, '/'), base.query, base.fragment);
  }
  get fsPath(): string {
    return this.path;
  }
  with(c: { scheme?: string; path?: string; query?: string }): Uri {
    return new Uri(c.scheme ?? this.scheme, this.authority, c.path ?? this.path, c.query ?? this.query, this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

export class ThemeIcon {
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class MarkdownString {
  constructor(public value = '', public supportThemeIcons = false) {}
  appendMarkdown(v: string): this {
    this.value += v;
    return this;
  }
  appendText(v: string): this {
    this.value += v;
    return this;
  }
}
export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: unknown;
  iconPath?: unknown;
  contextValue?: string;
  command?: unknown;
  resourceUri?: Uri;
  constructor(public label: string | { label: string }, public collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}
export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}
export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly Source = new CodeActionKind('source');
  private constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
}
/** A WorkspaceEdit's entries as data, for a test to read or apply. */
export class WorkspaceEdit {
  readonly entries: Array<{ uri: Uri; range: Range; newText: string } | { uri: Uri; create: { contents?: Uint8Array } }> = [];
  get size(): number {
    return new Set(this.entries.map((e) => e.uri.toString())).size;
  }
  replace(uri: Uri, range: Range, newText: string): void {
    this.entries.push({ uri, range, newText });
  }
  createFile(uri: Uri, options: { contents?: Uint8Array } = {}): void {
    this.entries.push({ uri, create: options });
  }
}
export enum ProgressLocation { SourceControl = 1, Window = 10, Notification = 15 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export enum QuickPickItemKind { Separator = -1, Default = 0 }
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum DiagnosticSeverity { Error = 0, Warning = 1, Information = 2, Hint = 3 }

/** Editor services are not here: using one from a handler is a bug (it should go through deps). */
function absent(name: string): unknown {
  return new Proxy({}, {
    get(_t, key) {
      throw new Error(`vscode.${name}.${String(key)} was called in a unit test: the code under test should reach it through its deps`);
    },
  });
}
export const window = absent('window');
export const workspace = absent('workspace');
export const commands = absent('commands');
export const env = absent('env');
export const languages = absent('languages');
export const version = '1.96.0-unit';
