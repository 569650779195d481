/**
 * The databases made on each RDS DB through "Create Database (Schema)…", and through which
 * instance, remembered in globalState (a fact about the server, not the workspace). A link is
 * two security groups and names no database: this is what tells a diagnosis of the pair which
 * one to look for when the workspace and its config say nothing.
 */
import type * as vscode from 'vscode';
import type { CreatedDatabase } from '../core/diagnose/appConfig';

const KEY = 'rdsLink.createdDatabases';
const MAX_PER_DB = 10;

/** The DB as its region, kind and id name it. */
export interface DbRef {
  readonly region: string;
  readonly kind: 'instance' | 'cluster';
  readonly id: string;
}

const dbKey = (db: DbRef): string => `${db.region}/${db.kind}/${db.id}`;

/** Newest first. */
export function createdDatabasesOf(state: vscode.Memento, db: DbRef): CreatedDatabase[] {
  return [...(state.get<Record<string, CreatedDatabase[]>>(KEY, {})[dbKey(db)] ?? [])];
}

/** Records `name` (made or found existing) on `db`; the same name through the same instance is kept once, newest. */
export async function recordCreatedDatabase(state: vscode.Memento, db: DbRef, created: CreatedDatabase): Promise<void> {
  const all = state.get<Record<string, CreatedDatabase[]>>(KEY, {});
  const others = (all[dbKey(db)] ?? []).filter((c) => c.name !== created.name || c.instanceId !== created.instanceId);
  await state.update(KEY, { ...all, [dbKey(db)]: [created, ...others].slice(0, MAX_PER_DB) });
}
