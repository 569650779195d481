/**
 * A scripted person, in the style of vscode-azuretools' TestUserInput: each prompt a handler
 * shows takes the next answer in order, and a prompt with no answer left (or of another kind)
 * fails the test with the prompt's text. `shown` keeps every prompt for assertions.
 */
import type * as vscode from 'vscode';
import type { Progress, UserInput } from '../../../src/ui/userInput';
import { CancellationTokenSource, Disposable } from './vscodeModule';

/** An answer: a label (or a pattern) to pick, text to type, a button to press, or `undefined` for Escape. */
export type Answer =
  | { readonly pick: string | RegExp }
  | { readonly pickMany: readonly (string | RegExp)[] }
  | { readonly type: string }
  | { readonly press: string }
  | { readonly escape: true };

export const pick = (label: string | RegExp): Answer => ({ pick: label });
export const pickMany = (...labels: (string | RegExp)[]): Answer => ({ pickMany: labels });
export const type = (text: string): Answer => ({ type: text });
export const press = (button: string): Answer => ({ press: button });
export const escape: Answer = { escape: true };

export interface Shown {
  readonly kind: 'pick' | 'pickMany' | 'input' | 'info' | 'warning' | 'error' | 'progress' | 'status';
  readonly text: string;
  readonly modal?: boolean;
  /** A modal message's detail. */
  readonly detail?: string;
  readonly items?: readonly string[];
}

const bare = (label: string): string => label.replace(/^\$\([\w-]+\)\s*/, '');
const matches = (label: string, want: string | RegExp): boolean => (typeof want === 'string' ? bare(label) === want || label === want : want.test(label));

export class TestUserInput implements UserInput {
  readonly shown: Shown[] = [];
  readonly executed: Array<{ command: string; args: unknown[] }> = [];
  readonly opened: string[] = [];
  readonly terminals: vscode.TerminalOptions[] = [];
  readonly progress: string[] = [];
  clipboard = '';
  private readonly answers: Answer[];
  private progressSource: CancellationTokenSource | undefined;

  constructor(answers: readonly Answer[] = []) {
    this.answers = [...answers];
  }

  /** Fails when an answer was never asked for. */
  assertDone(): void {
    if (this.answers.length) throw new Error(`${this.answers.length} scripted answer(s) were not used: ${JSON.stringify(this.answers)}`);
  }

  private next(kind: Shown['kind'], text: string): Answer {
    const a = this.answers.shift();
    if (!a) throw new Error(`Unexpected ${kind} prompt (no scripted answer left): ${text}`);
    return a;
  }

  async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    const text = options.title ?? options.placeHolder ?? '';
    this.shown.push({ kind: 'pick', text, items: items.map((i) => i.label) });
    const a = this.next('pick', text);
    if ('escape' in a) return undefined;
    if (!('pick' in a)) throw new Error(`A quick pick "${text}" was shown where the script expected ${JSON.stringify(a)}`);
    const found = items.find((i) => matches(i.label, a.pick));
    if (!found) throw new Error(`"${String(a.pick)}" is not among the items of "${text}": ${items.map((i) => i.label).join(' | ')}`);
    return found;
  }

  async showQuickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<readonly T[] | undefined> {
    const text = options.title ?? options.placeHolder ?? '';
    this.shown.push({ kind: 'pickMany', text, items: items.map((i) => i.label) });
    const a = this.next('pickMany', text);
    if ('escape' in a) return undefined;
    if (!('pickMany' in a)) throw new Error(`A multi-pick "${text}" was shown where the script expected ${JSON.stringify(a)}`);
    return items.filter((i) => a.pickMany.some((w) => matches(i.label, w)));
  }

  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const text = options.title ?? options.prompt ?? '';
    this.shown.push({ kind: 'input', text });
    const a = this.next('input', text);
    if ('escape' in a) return undefined;
    if (!('type' in a)) throw new Error(`An input box "${text}" was shown where the script expected ${JSON.stringify(a)}`);
    // The box would not accept an invalid value: the test must script a valid one.
    const invalid = await options.validateInput?.(a.type);
    if (invalid) throw new Error(`"${a.type}" is refused by the input box "${text}": ${typeof invalid === 'string' ? invalid : invalid.message}`);
    return a.type;
  }

  private async message<T extends string>(kind: 'info' | 'warning' | 'error', message: string, options: vscode.MessageOptions, items: T[]): Promise<T | undefined> {
    this.shown.push({ kind, text: message, modal: !!options.modal, detail: options.detail, items });
    // A non-modal message nobody answers is just shown: no answer is taken for it.
    if (!options.modal && (items.length === 0 || this.answers.length === 0 || !('press' in this.answers[0]))) return undefined;
    const a = this.next(kind, message);
    if ('escape' in a) return undefined;
    if (!('press' in a)) throw new Error(`A message "${message}" was shown where the script expected ${JSON.stringify(a)}`);
    const found = items.find((i) => i === a.press);
    if (!found) throw new Error(`"${a.press}" is not a button of "${message}": ${items.join(' | ')}`);
    return found;
  }

  showInformationMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined> {
    return this.message('info', message, options, items);
  }

  showWarningMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined> {
    return this.message('warning', message, options, items);
  }

  showErrorMessage<T extends string>(message: string, options: vscode.MessageOptions, ...items: T[]): Promise<T | undefined> {
    return this.message('error', message, options, items);
  }

  async withProgress<R>(options: vscode.ProgressOptions, task: (progress: Progress, token: vscode.CancellationToken) => Thenable<R>): Promise<R> {
    this.shown.push({ kind: 'progress', text: options.title ?? '' });
    const source = new CancellationTokenSource();
    this.progressSource = source;
    return task({ report: (v) => v.message !== undefined && this.progress.push(v.message) }, source.token as unknown as vscode.CancellationToken);
  }

  /** Presses Cancel on the progress shown last (a cancellable one). */
  cancelProgress(): void {
    if (!this.progressSource) throw new Error('No progress is shown to cancel');
    this.progressSource.cancel();
  }

  setStatusBarMessage(text: string): void {
    this.shown.push({ kind: 'status', text });
  }

  async writeClipboard(text: string): Promise<void> {
    this.clipboard = text;
  }

  async openExternal(uri: vscode.Uri): Promise<boolean> {
    this.opened.push(uri.toString());
    return true;
  }

  async executeCommand<T>(command: string, ...args: unknown[]): Promise<T> {
    this.executed.push({ command, args });
    return undefined as T;
  }

  openTerminal(options: vscode.TerminalOptions): vscode.Disposable {
    this.terminals.push(options);
    return new Disposable(() => undefined) as unknown as vscode.Disposable;
  }
}
