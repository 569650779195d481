/**
 * The database this workspace points at: what `rdsLink.useDatabaseInWorkspace` remembers and the
 * config quick-fix writes. Host, port, user and database name live in workspaceState; a password
 * only ever in SecretStorage (see passwords.ts).
 */
import * as vscode from 'vscode';
import type { DbTarget } from '../core/goconfig/types';

/** The one target type (core's DbTarget), without its password, plus what labels it. */
export interface WorkspaceTarget extends Omit<DbTarget, 'password'> {
  /** The RDS DB id (or the host, for a target given by hand), for labels. */
  readonly label: string;
  readonly region?: string;
}

const CURRENT = 'rdsLink.workspaceTarget';
const RECENT = 'rdsLink.recentTargets';
const MAX_RECENT = 5;

export function targetKey(t: Pick<WorkspaceTarget, 'host' | 'port' | 'user' | 'database'>): string {
  return `${t.user}@${t.host}:${t.port}/${t.database}`;
}

export class TargetStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkspaceTarget | undefined>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get current(): WorkspaceTarget | undefined {
    return this.state.get<WorkspaceTarget>(CURRENT);
  }

  /** The workspace's target first, then the others used here lately. */
  get known(): WorkspaceTarget[] {
    const current = this.current;
    const recent = this.state.get<WorkspaceTarget[]>(RECENT, []);
    return current ? [current, ...recent.filter((r) => targetKey(r) !== targetKey(current))] : recent;
  }

  async setCurrent(target: WorkspaceTarget): Promise<void> {
    await this.remember(target);
    await this.state.update(CURRENT, target);
    this.changed.fire(target);
  }

  async remember(target: WorkspaceTarget): Promise<void> {
    const recent = this.state.get<WorkspaceTarget[]>(RECENT, []).filter((r) => targetKey(r) !== targetKey(target));
    await this.state.update(RECENT, [target, ...recent].slice(0, MAX_RECENT));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
