import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Detection } from '../../core/goconfig/index';
import { CancelledError } from '../../core/errors';
import { Commands } from '../../ids';
import { argsOf } from '../args';
import type { Deps } from '../deps';

const l = vscode.l10n.t;

/**
 * The groups to patch in a file with several environment blocks: those given (a quick-fix's
 * block; from automation `{ block: 'staging' }`, or `'preferred'` for the one offered first),
 * else the one the user picks, offered production first. Undefined (every group) when the file
 * has one block or none.
 */
export async function chooseBlock(deps: Pick<Deps, 'ui' | 'core'>, detection: Detection, text: string, scopeArg: unknown): Promise<readonly string[] | undefined> {
  const given = argsOf(Commands.patchConfig, scopeArg);
  const groups = given?.optionalStrings('groups');
  if (groups) return groups;
  const core = deps.core.goconfig();
  const envFile = path.join(path.dirname(detection.fileName), '.env');
  const selected = fs.existsSync(envFile) ? core.selectedEnvironment(fs.readFileSync(envFile, 'utf8')) : undefined;
  const blocks = core.environmentBlocks(detection, text, selected);
  if (blocks.length === 0) return undefined;
  if (scopeArg === 'preferred') return blocks[0].groups;
  const block = given?.optionalString('block');
  if (block !== undefined) {
    const named = blocks.find((b) => b.name === block);
    if (!named) throw new Error(l('{0} has no environment block {1}.', path.basename(detection.fileName), block));
    return named.groups;
  }
  const picked = await deps.ui.showQuickPick(
    blocks.map((b) => ({ label: b.name, description: b.preferred ? l('suggested') : undefined, block: b })),
    { title: l('{0} has a block per environment. Which one should point at RDS?', path.basename(detection.fileName)), ignoreFocusOut: true },
  );
  if (!picked) throw new CancelledError();
  return picked.block.groups;
}
