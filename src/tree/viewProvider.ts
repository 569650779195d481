/**
 * The shared shape of both views: session states, regions as top nodes when there is more than
 * one, per-region loading/error/empty nodes, and a filter shown in the view's description. The
 * nodes build their own children; the provider builds the top level and answers the region nodes.
 */
import * as vscode from 'vscode';
import { ErrorNode, MessageNode, RegionNode, type RegionSource, type TreeNode } from './nodes';
import type { RegionResult, ResourceStore, Service, SessionState, StoreChange } from '../state/resourceStore';

const l = vscode.l10n.t;

export abstract class ViewProvider<T> implements vscode.TreeDataProvider<TreeNode>, RegionSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filterText = '';
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly subscription: vscode.Disposable;
  /** One object per region, kept across renders: VS Code refreshes the element it was given. */
  private readonly regionNodes = new Map<string, RegionNode>();
  /** The session the top level was last built for, and the region nodes it showed then. */
  private rendered: { readonly session: SessionState; readonly regions: ReadonlySet<string> } | undefined;

  constructor(
    protected readonly store: ResourceStore,
    readonly service: Service,
    private readonly filterContextKey: string,
  ) {
    this.subscription = store.onDidChange((c) => this.storeChanged(c));
  }

  attach(view: vscode.TreeView<TreeNode>): void {
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

  /** Re-renders the whole view. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  /**
   * A change of one region re-renders that region's node when the view shows it; the whole view
   * otherwise: one region (no region node), a reload, or a session that changed since the top
   * level was built (the shown region nodes may not be the ones the session has now).
   */
  private storeChanged(c: StoreChange): void {
    if (c.service !== undefined && c.service !== this.service) return;
    const shown = c.region !== undefined && this.rendered?.session === this.store.session && this.rendered.regions.has(c.region);
    const node = shown ? this.regionNodes.get(c.region) : undefined;
    if (!node) return this.refresh();
    node.setCount(this.countOf(node.region));
    this.changed.fire(node);
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    return element;
  }

  getChildren(element?: TreeNode): TreeNode[] {
    return element ? element.getChildren() : this.topLevel();
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.getParent();
  }

  private topLevel(): TreeNode[] {
    const session = this.store.session;
    const multiRegion = session.state === 'ready' && session.regions.length > 1;
    this.rendered = { session, regions: new Set(multiRegion ? session.regions : []) };
    // Empty lists let viewsWelcome explain the loading and no-credentials states.
    if (session.state === 'idle' || session.state === 'loading' || session.state === 'noCredentials') return [];
    if (session.state === 'error') return [new ErrorNode(this.service, session.regions[0], session.problem)];
    if (!multiRegion) return this.regionChildren(session.regions[0], undefined);
    for (const r of this.regionNodes.keys()) if (!session.regions.includes(r)) this.regionNodes.delete(r);
    return session.regions.map((r) => {
      const node = this.regionNodes.get(r) ?? new RegionNode(this.service, r, this);
      this.regionNodes.set(r, node);
      node.setCount(this.countOf(r));
      return node;
    });
  }

  private countOf(region: string): number | undefined {
    const result = this.results().get(region);
    return result?.state === 'ok' ? this.filtered(result.items).length : undefined;
  }

  /** A region's nodes: under its region node, or at the top when the view shows one region. */
  regionChildren(region: string, parent: RegionNode | undefined): TreeNode[] {
    const result = this.results().get(region);
    const message = (suffix: string, text: string, icon: string) => [new MessageNode(`${this.service}/${region}/${suffix}`, text, icon, parent)];
    if (!result || result.state === 'loading') return message('loading', l('Loading {0}…', region), 'loading~spin');
    if (result.state === 'error') return [new ErrorNode(this.service, region, result.problem, parent)];
    if (result.items.length === 0) return message('empty', this.emptyMessage(region), 'info');
    const shown = this.filtered(result.items);
    if (shown.length === 0) return message('nomatch', l('Nothing matches "{0}"', this.filterText), 'filter');
    return this.nodesFor(region, shown, parent);
  }

  private filtered(items: readonly T[]): readonly T[] {
    return this.filterText ? items.filter((i) => this.matches(i, this.filterText)) : items;
  }

  private updateDescription(): void {
    if (this.view) this.view.description = this.filterText ? l('Filter: {0}', this.filterText) : undefined;
  }

  protected abstract results(): ReadonlyMap<string, RegionResult<T>>;
  protected abstract matches(item: T, filter: string): boolean;
  /** The nodes of a region's shown items; each builds its own children. */
  protected abstract nodesFor(region: string, items: readonly T[], parent: TreeNode | undefined): TreeNode[];
  protected abstract emptyMessage(region: string): string;

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
