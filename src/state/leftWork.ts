/**
 * Creations whose wait was left (or whose link failed), remembered in globalState so they can be
 * picked up again, also after a window reload: ids and names only, never a password. One list
 * per kind, each with one owner (extension.ts) and a change event (the EC2 view marks the
 * instances whose status checks were not waited for).
 */
import * as vscode from 'vscode';
import type { DbCreatePlan } from '../core/aws/index';

export class RememberedList<T> implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly key: string,
    private readonly same: (a: T, b: T) => boolean,
  ) {}

  all(): T[] {
    return this.state.get<T[]>(this.key, []);
  }

  /** Kept once: a new entry for the same thing replaces the old one. */
  remember(item: T): Promise<void> {
    return this.save([...this.others(item), item]);
  }

  forget(item: T): Promise<void> {
    return this.save(this.others(item));
  }

  dispose(): void {
    this.changed.dispose();
  }

  private others(item: T): T[] {
    return this.all().filter((x) => !this.same(x, item));
  }

  private async save(items: T[]): Promise<void> {
    await this.state.update(this.key, items);
    this.changed.fire();
  }
}

/** An instance launched here whose status-check wait was left, and what was made for it. */
export interface LeftInstanceWait {
  readonly region: string;
  readonly instanceId: string;
  readonly name: string;
  readonly osUser: string;
  readonly created: readonly string[];
}

export interface LeftWork {
  /** DB creations whose wait was left or whose link failed. */
  readonly databases: RememberedList<DbCreatePlan>;
  /** Instances whose status checks were not waited for. */
  readonly instanceWaits: RememberedList<LeftInstanceWait>;
}

export const PENDING_DATABASES_KEY = 'rdsLink.pendingDatabaseCreates';
export const LEFT_INSTANCE_WAITS_KEY = 'rdsLink.leftInstanceWaits';

export function leftWorkIn(state: vscode.Memento): LeftWork {
  return {
    databases: new RememberedList<DbCreatePlan>(state, PENDING_DATABASES_KEY, (a, b) => a.region === b.region && a.identifier === b.identifier),
    instanceWaits: new RememberedList<LeftInstanceWait>(state, LEFT_INSTANCE_WAITS_KEY, (a, b) => a.region === b.region && a.instanceId === b.instanceId),
  };
}
