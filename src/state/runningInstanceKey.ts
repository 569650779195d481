/**
 * The context key that says some listed instance runs, kept in step with the store: the
 * walkthrough's "Create or pick the EC2 instance" step completes on it, the real event (an
 * instance to put the app on), not on running the command (a cancelled wizard makes nothing) or
 * on opening the view.
 */
import type * as vscode from 'vscode';
import { ContextKeys } from '../ids';
import type { ResourceStore } from './resourceStore';

export function trackRunningInstance(store: Pick<ResourceStore, 'onDidChange' | 'allInstances'>, setContext: (key: string, value: boolean) => unknown): vscode.Disposable {
  let last: boolean | undefined;
  const update = (): void => {
    const running = store.allInstances().some((i) => i.state === 'running');
    if (running === last) return;
    last = running;
    setContext(ContextKeys.hasRunningInstance, running);
  };
  update();
  return store.onDidChange(update);
}
