/**
 * RDS Link: Create Database (Schema)… — the app's database on the RDS server, with an optional
 * least-privilege user and the project's schema SQL: prompts (schemaPrompts.ts) → the run under
 * progress (schemaRun.ts) → the "use in this workspace" offer (schemaOffer.ts).
 */
import { Commands } from '../../ids';
import { findDatabase } from '../../ui/pickers';
import { argsOf } from '../args';
import type { Deps } from '../deps';
import { databaseOf } from '../resources';
import { offerUseInWorkspace, useSchemaInWorkspace } from './schemaOffer';
import { askSchemaRequest, schemaRequestFromArgs } from './schemaPrompts';
import { runSchema, type CreateSchemaOutcome } from './schemaRun';

export type { CreateSchemaOutcome } from './schemaRun';

/**
 * From a tree node or the palette it asks; with `{ region, database: { kind, id }, name, appUser?,
 * runMigrations?, useInWorkspace?, resetAppUserPassword? }` it asks nothing.
 */
export async function createSchema(deps: Deps, nodeOrArgs?: unknown): Promise<CreateSchemaOutcome> {
  const args = argsOf(Commands.createSchema, nodeOrArgs);
  const db = args ? await findDatabase(deps.ui, deps.store, args.dbRef()) : await databaseOf(deps, nodeOrArgs, 'schema');
  deps.core.aws().assertUsable(db, 'schema');
  const folder = deps.workspace.firstFolder()?.path;
  const request = args ? await schemaRequestFromArgs(deps, args, folder) : await askSchemaRequest(deps, db, folder);
  const useInWorkspace = args?.optionalBoolean('useInWorkspace');
  const outcome = await runSchema(deps, db, request);
  if (!args) offerUseInWorkspace(deps, db, outcome);
  else if (useInWorkspace) await useSchemaInWorkspace(deps, db, outcome);
  return outcome;
}
