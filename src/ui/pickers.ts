/** Palette fallbacks: a command run without a tree node asks for the resource. */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { CancelledError } from '../core/errors';
import type { ResourceStore } from '../tree/resourceStore';

const l = vscode.l10n.t;

/** Loads the views' data first when nothing is loaded yet (a palette command in a fresh window). */
async function loaded(store: ResourceStore): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: l('RDS Link: loading AWS resources…') }, () => store.ensureLoaded());
}

/** A DB named by an automation argument ({ region, database: { kind, id } }), from what is loaded. */
export async function findDatabase(store: ResourceStore, region: string, ref: { readonly kind: string; readonly id: string }): Promise<RdsDatabase> {
  await loaded(store);
  const db = store.allDatabases().find((d) => d.region === region && d.kind === ref.kind && d.id === ref.id);
  if (!db) throw new Error(l('{0} is not among the loaded databases; refresh the RDS view.', ref.id));
  return db;
}

export async function pickInstance(store: ResourceStore, predicate: (i: Ec2Instance) => boolean = () => true): Promise<Ec2Instance> {
  await loaded(store);
  const items = store.allInstances().filter(predicate);
  if (items.length === 0) throw new Error(l('No matching EC2 instances are loaded. Check the EC2 view, or refresh it.'));
  const picked = await vscode.window.showQuickPick(
    items.map((i) => ({ label: i.name ?? i.id, description: `${i.id} · ${i.state} · ${i.region}`, detail: i.vpcId, instance: i })),
    { title: l('Select an EC2 instance'), matchOnDescription: true },
  );
  if (!picked) throw new CancelledError();
  return picked.instance;
}

export async function pickDatabase(store: ResourceStore, predicate: (d: RdsDatabase) => boolean = () => true): Promise<RdsDatabase> {
  await loaded(store);
  const items = store.allDatabases().filter(predicate);
  if (items.length === 0) throw new Error(l('No matching RDS databases are loaded. Check the RDS view, or refresh it.'));
  const picked = await vscode.window.showQuickPick(
    items.map((d) => ({ label: d.id, description: `${d.engine} · ${d.status} · ${d.region}`, detail: d.endpoint ? `${d.endpoint.address}:${d.endpoint.port}` : undefined, db: d })),
    { title: l('Select an RDS database'), matchOnDescription: true },
  );
  if (!picked) throw new CancelledError();
  return picked.db;
}
