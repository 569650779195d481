/**
 * The shared shape of both views: session states, regions as top nodes when there is more than
 * one, per-region loading/error/empty nodes, and a filter shown in the view's description.
 */
import * as vscode from 'vscode';
import { ErrorNode, MessageNode, RegionNode } from './nodes';
import type { RegionResult, ResourceStore, Service } from '../state/resourceStore';

const l = vscode.l10n.t;

export abstract class ViewProvider<T> implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filterText = '';
  private view: vscode.TreeView<vscode.TreeItem> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    protected readonly store: ResourceStore,
    readonly service: Service,
    private readonly filterContextKey: string,
  ) {
    this.subscription = store.onDidChange((c) => {
      if (c.service === undefined || c.service === service) this.refresh();
    });
  }

  attach(view: vscode.TreeView<vscode.TreeItem>): void {
    this.view = view;
    this.updateDescription();
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    void vscode.commands.executeCommand('setContext', this.filterContextKey, this.filterText !== '');
    this.updateDescription();
    this.refresh();
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  getChildren(element?: vscode.TreeItem): vscode.TreeItem[] {
    if (element instanceof RegionNode) return this.regionChildren(element.region);
    if (element) return this.childrenOf(element);
    const session = this.store.session;
    // Empty lists let viewsWelcome explain the loading and no-credentials states.
    if (session.state === 'idle' || session.state === 'loading' || session.state === 'noCredentials') return [];
    if (session.state === 'error') return [new ErrorNode(this.service, session.regions[0], session.problem)];
    if (session.regions.length === 1) return this.regionChildren(session.regions[0]);
    return session.regions.map((r) => {
      const result = this.results().get(r);
      return new RegionNode(this.service, r, result?.state === 'ok' ? this.filtered(result.items).length : undefined);
    });
  }

  private regionChildren(region: string): vscode.TreeItem[] {
    const result = this.results().get(region);
    if (!result || result.state === 'loading') return [new MessageNode(`${this.service}/${region}/loading`, l('Loading {0}…', region), 'loading~spin')];
    if (result.state === 'error') return [new ErrorNode(this.service, region, result.problem)];
    if (result.items.length === 0) return [new MessageNode(`${this.service}/${region}/empty`, this.emptyMessage(region), 'info')];
    const shown = this.filtered(result.items);
    if (shown.length === 0) return [new MessageNode(`${this.service}/${region}/nomatch`, l('Nothing matches "{0}"', this.filterText), 'filter')];
    return this.nodesFor(shown);
  }

  private filtered(items: readonly T[]): readonly T[] {
    return this.filterText ? items.filter((i) => this.matches(i, this.filterText)) : items;
  }

  private updateDescription(): void {
    if (this.view) this.view.description = this.filterText ? l('Filter: {0}', this.filterText) : undefined;
  }

  protected abstract results(): ReadonlyMap<string, RegionResult<T>>;
  protected abstract matches(item: T, filter: string): boolean;
  protected abstract nodesFor(items: readonly T[]): vscode.TreeItem[];
  protected abstract childrenOf(element: vscode.TreeItem): vscode.TreeItem[];
  protected abstract emptyMessage(region: string): string;

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
