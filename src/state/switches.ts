/**
 * The Blue/Green switches that can still be switched back, in globalState: per listener (or
 * rule), the weights before and after the switch, when it happened and how long the old set is
 * kept. Nothing secret. Switch Back reads them; a Blue/Green deploy writes them.
 */
import type * as vscode from 'vscode';
import type { GroupWeight } from '../core/deploy/index';

const KEY = 'rdsLink.blueGreenSwitches';

export interface SwitchRecord {
  readonly region: string;
  readonly listenerArn: string;
  readonly ruleArn?: string;
  readonly service: string;
  /** The group that served before the switch (blue) and the one that serves now (green). */
  readonly blue: string;
  readonly green: string;
  readonly before: readonly GroupWeight[];
  readonly after: readonly GroupWeight[];
  /** ms since the epoch. */
  readonly switchedAt: number;
  readonly keepSeconds: number;
}

const keyOf = (r: Pick<SwitchRecord, 'listenerArn' | 'ruleArn'>) => r.ruleArn ?? r.listenerArn;

export class SwitchRecords {
  constructor(private readonly memento: vscode.Memento) {}

  list(): readonly SwitchRecord[] {
    return this.memento.get<SwitchRecord[]>(KEY) ?? [];
  }

  /** The last switch of this listener (or rule) replaces the one before. */
  add(record: SwitchRecord): Thenable<void> {
    return this.memento.update(KEY, [...this.list().filter((r) => keyOf(r) !== keyOf(record)), record]);
  }

  remove(record: Pick<SwitchRecord, 'listenerArn' | 'ruleArn'>): Thenable<void> {
    return this.memento.update(KEY, this.list().filter((r) => keyOf(r) !== keyOf(record)));
  }
}
