import * as vscode from 'vscode';
import { CancelledError } from '../../core/errors';
import { Settings } from '../../ids';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/** Commercial regions, for the region picker; a region typed into settings works too. */
const KNOWN_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-northeast-1',
  'ap-northeast-2', 'ap-northeast-3', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-west-1',
  'eu-west-2', 'eu-west-3', 'eu-south-1', 'eu-south-2', 'eu-north-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'mx-central-1', 'sa-east-1',
];

/** Picks the regions both views show; the configuration listener reloads them. */
export async function selectRegions(deps: Deps): Promise<string[]> {
  const current = new Set(deps.store.regions);
  const all = [...new Set([...current, ...KNOWN_REGIONS])];
  const picked = await deps.ui.showQuickPickMany(
    all.map((r) => ({ label: r, picked: current.has(r) })),
    { title: l('Select AWS regions to show') },
  );
  if (!picked) throw new CancelledError();
  if (picked.length === 0) throw new Error(l('Select at least one region.'));
  await deps.settings.write(Settings.regions, picked.map((p) => p.label));
  return picked.map((p) => p.label);
}
