/**
 * Keeps instances in a transitional state (pending, stopping, shutting-down) fresh until they
 * settle: one DescribeInstances per such instance every few seconds, for at most ten minutes.
 */
import * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { loadAws } from '../lazy';
import type { ResourceStore } from './resourceStore';

const transitional = new Set(['pending', 'stopping', 'shutting-down']);
const MAX_POLLS = 150;

export class TransitionPoller implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly polls = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ResourceStore, private readonly log: vscode.LogOutputChannel, private readonly intervalMs: () => number) {
    this.subscription = store.onDidChange((c) => {
      if (c.service === undefined || c.service === 'ec2') this.schedule();
    });
  }

  private schedule(): void {
    for (const i of this.store.allInstances()) {
      const key = `${i.region}/${i.id}`;
      if (!transitional.has(i.state)) {
        this.polls.delete(key);
        continue;
      }
      if (this.timers.has(key) || (this.polls.get(key) ?? 0) >= MAX_POLLS) continue;
      this.timers.set(key, setTimeout(() => void this.poll(key, i.region, i.id), this.intervalMs()));
    }
  }

  private async poll(key: string, region: string, id: string): Promise<void> {
    this.polls.set(key, (this.polls.get(key) ?? 0) + 1);
    try {
      const fresh = await loadAws().describeInstance(this.store.getSession().ec2(region), region, id);
      this.timers.delete(key);
      if (fresh) this.store.updateInstance(fresh);
    } catch (err) {
      this.timers.delete(key);
      this.log.warn(`Refreshing ${id} failed: ${describeError(err)}`);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.subscription.dispose();
  }
}
