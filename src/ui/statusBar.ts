import * as vscode from 'vscode';
import { Commands } from '../ids';
import type { ResourceStore } from '../state/resourceStore';

const l = vscode.l10n.t;

/** Profile · account · regions, always visible; a click selects another profile. */
export function createSessionStatusBar(store: ResourceStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('rdsLink.session', vscode.StatusBarAlignment.Left, 10);
  item.name = l('RDS Link session');
  item.command = Commands.selectProfile;
  const update = (): void => {
    const s = store.session;
    const regions = s.regions.length > 2 ? l('{0} regions', s.regions.length) : s.regions.join(', ');
    switch (s.state) {
      case 'idle':
        // Nothing asked AWS yet (the views are closed): say so, and where to look.
        item.text = '$(cloud) RDS Link';
        item.tooltip = l('RDS Link: open its view in the activity bar to list your EC2 instances and RDS databases.');
        break;
      case 'loading':
        item.text = `$(loading~spin) ${s.profile || 'AWS'}`;
        item.tooltip = l('RDS Link: connecting…');
        break;
      case 'ready':
        item.text = `$(cloud) ${s.profile} · ${s.identity.account} · ${regions}`;
        item.tooltip = l('RDS Link: profile {0}, account {1}, regions {2}. Click to change the profile.', s.profile, s.identity.account, s.regions.join(', '));
        break;
      default:
        item.text = `$(warning) ${s.profile || 'AWS'}`;
        item.tooltip = s.problem.message;
    }
    item.show();
  };
  const sub = store.onDidChange(update);
  update();
  return vscode.Disposable.from(item, sub);
}
