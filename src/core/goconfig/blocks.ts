/**
 * Multi-environment files: one block per environment (`development:` / `staging:` /
 * `production:`, TOML `[prod.database]`, INI or beego `[dev]` / `[prod]`). A patch goes to one
 * block; which one is asked, offering first the one the file's run mode selects, then the one
 * named production.
 */
import { internalGroups } from './detect';
import type { Detection } from './types';

/** Names of environments, as the blocks of a config file are called. */
const ENV = /^(dev|develop|development|local|stage|staging|qa|uat|preprod|pre|prod|production|release|live)$/i;
const PRODUCTION = /^(prod|production|release|live)$/i;

/** beego `runmode = prod`, `RUN_MODE: prod`, `app_env: production`, `env = "staging"` at the start of a line. */
const RUN_MODE = /^[ \t]*(?:runmode|run_mode|app_env|go_env|env|environment|mode)[ \t]*[:=][ \t]*["']?([A-Za-z]+)/im;

export interface ConfigBlock {
  /** The environment's name as the file writes it (`production`, `prod`). */
  readonly name: string;
  /** The groups a patch of this block touches: the block's own, and those outside every block. */
  readonly groups: readonly string[];
  /** The one to offer first: selected by the file's run mode, or named production. */
  readonly preferred: boolean;
}

function envOf(keyPath: string): string | undefined {
  return keyPath.split('.').find((seg) => ENV.test(seg));
}

/**
 * The environment blocks that hold settings, preferred first; empty when the file has fewer
 * than two (then there is nothing to choose). `selected`: the environment the app's env var
 * names (`APP_ENV`, `GO_ENV`, `RUN_MODE`), when known.
 */
export function environmentBlocks(detection: Detection, text: string, selected?: string): ConfigBlock[] {
  const byEnv = new Map<string, string[]>();
  const outside: string[] = [];
  for (const g of internalGroups(detection)) {
    const env = envOf(g.keyPath || g.label);
    if (env === undefined) outside.push(g.id);
    else byEnv.set(env, [...(byEnv.get(env) ?? []), g.id]);
  }
  if (byEnv.size < 2) return [];
  // The environment the app runs in (APP_ENV from the workspace's .env), else the file's own run mode.
  const mode = (selected ?? RUN_MODE.exec(text)?.[1])?.toLowerCase();
  const names = [...byEnv.keys()];
  const chosen = names.find((n) => n.toLowerCase() === mode) ?? names.find((n) => PRODUCTION.test(n)) ?? names[0];
  return names
    .map((name) => ({ name, groups: [...byEnv.get(name)!, ...outside], preferred: name === chosen }))
    .sort((a, b) => Number(b.preferred) - Number(a.preferred));
}

/** The block that holds a group (a quick-fix on a setting patches only its own block). */
export function blockOf(blocks: readonly ConfigBlock[], group: string): ConfigBlock | undefined {
  return blocks.find((b) => b.groups.includes(group) && !blocks.every((x) => x.groups.includes(group)));
}

/** `APP_ENV=production` (or GO_ENV, RUN_MODE, ENV, GIN_MODE) in a .env text: the environment the app selects. */
export function selectedEnvironment(envText: string): string | undefined {
  return /^[ \t]*(?:export[ \t]+)?(?:APP_ENV|GO_ENV|RUN_MODE|RUNMODE|ENV|ENVIRONMENT|GIN_MODE)[ \t]*=[ \t]*["']?([A-Za-z]+)/m.exec(envText)?.[1];
}
