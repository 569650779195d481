/** Palette fallbacks: a command run without a tree node asks for the resource. */
import * as vscode from 'vscode';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { CancelledError } from '../core/errors';
import type { ResourceStore } from '../state/resourceStore';
import type { UserInput } from './userInput';

const l = vscode.l10n.t;

/** Loads the views' data first when nothing is loaded yet (a palette command in a fresh window). */
export async function loaded(ui: UserInput, store: ResourceStore): Promise<void> {
  await ui.withProgress({ location: vscode.ProgressLocation.Window, title: l('RDS Link: loading AWS resources…') }, () => store.ensureLoaded());
}

/** A DB named by an automation argument (see commands/args.ts), from what is loaded. */
export async function findDatabase(ui: UserInput, store: ResourceStore, ref: { readonly region: string; readonly kind: string; readonly id: string }): Promise<RdsDatabase> {
  await loaded(ui, store);
  const db = store.allDatabases().find((d) => d.region === ref.region && d.kind === ref.kind && d.id === ref.id);
  if (!db) throw new Error(l('{0} is not among the loaded databases; refresh the RDS view.', ref.id));
  return db;
}

/**
 * Which items a picker offers. `filter` leaves items out (another region, say); `refusal` says why
 * an offered item cannot be used: such items come last, marked, with the reason, and picking one
 * shows the reason and asks again rather than failing later.
 */
export interface PickOptions<T> {
  readonly filter?: (item: T) => boolean;
  readonly refusal?: (item: T) => string | undefined;
}

type Pickable<T> = vscode.QuickPickItem & { readonly value: T; readonly refusal?: string };

async function pick<T>(ui: UserInput, items: readonly T[], options: PickOptions<T>, show: (item: T) => vscode.QuickPickItem, title: string, empty: string): Promise<T> {
  const offered = items.filter(options.filter ?? (() => true));
  if (offered.length === 0) throw new Error(empty);
  const entries: Pickable<T>[] = offered
    .map((value) => ({ value, refusal: options.refusal?.(value), ...show(value) }))
    .map((e) => (e.refusal ? { ...e, label: `$(circle-slash) ${e.label}`, detail: e.refusal } : e))
    .sort((a, b) => Number(!!a.refusal) - Number(!!b.refusal));
  for (;;) {
    const picked = await ui.showQuickPick(entries, { title, matchOnDescription: true });
    if (!picked) throw new CancelledError();
    if (!picked.refusal) return picked.value;
    // Explains, then offers the list again: the user can pick another or press Escape.
    await ui.showWarningMessage(picked.refusal, { modal: true });
  }
}

export async function pickInstance(ui: UserInput, store: ResourceStore, options: PickOptions<Ec2Instance> | ((i: Ec2Instance) => boolean) = {}): Promise<Ec2Instance> {
  await loaded(ui, store);
  return pick(ui, store.allInstances(), typeof options === 'function' ? { filter: options } : options,
    (i) => ({ label: i.name ?? i.id, description: `${i.id} · ${i.state} · ${i.region}`, detail: i.vpcId }),
    l('Select an EC2 instance'), l('No matching EC2 instances are loaded. Check the EC2 view, or refresh it.'));
}

export async function pickDatabase(ui: UserInput, store: ResourceStore, options: PickOptions<RdsDatabase> | ((d: RdsDatabase) => boolean) = {}): Promise<RdsDatabase> {
  await loaded(ui, store);
  return pick(ui, store.allDatabases(), typeof options === 'function' ? { filter: options } : options,
    (d) => ({ label: d.id, description: `${d.engine} · ${d.status} · ${d.region}`, detail: d.endpoint ? `${d.endpoint.address}:${d.endpoint.port}` : undefined }),
    l('Select an RDS database'), l('No matching RDS databases are loaded. Check the RDS view, or refresh it.'));
}
