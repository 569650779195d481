/**
 * docker-compose files: the DB settings of the app are the `environment:` (map or `KEY=value`
 * list) of its services. A service that *is* the MySQL server (image mysql/mariadb/percona, or
 * one that sets MYSQL_ROOT_PASSWORD) holds bootstrap variables for the local container, not
 * settings of the app: those are left alone. Values there need `$$` for a literal `$`.
 */
import { Collector } from '../collect';
import { keyInfo } from '../keys';
import type { TMap, TNode, TScalar } from '../model';

const SERVER_IMAGE = /(^|\/)(mysql|mariadb|percona)([:@/-]|$)|mysql-server/i;
const SERVER_VAR = /^(MYSQL|MARIADB)_(ROOT_PASSWORD|ALLOW_EMPTY_PASSWORD|RANDOM_ROOT_PASSWORD|ROOT_HOST|INITDB_SKIP_TZINFO)$/;

function entry(map: TMap, key: string): TNode | undefined {
  return map.entries.find((e) => e.key === key)?.value;
}

export function collectCompose(col: Collector, docs: readonly (TNode | null)[]): void {
  docs.forEach((root, d) => {
    if (!root || root.kind !== 'map') return;
    const services = entry(root, 'services');
    if (!services || services.kind !== 'map') return;
    const prefix = docs.length > 1 ? `doc${d}:` : '';
    for (const svc of services.entries) {
      if (svc.value.kind !== 'map') continue;
      collectService(col, svc.key, svc.value, prefix);
    }
  });
}

interface EnvVar {
  readonly key: string;
  readonly scalar: TScalar;
  /** For a `KEY=value` list item: where the value starts in the decoded item. */
  readonly valueAt?: number;
}

function envVars(col: Collector, env: TNode): EnvVar[] {
  const out: EnvVar[] = [];
  if (env.kind === 'map') {
    for (const e of env.entries) {
      // `DB_HOST:` with no value passes the shell's variable through: not a value of the file.
      if (e.value.kind === 'scalar' && e.value.tokenStart !== e.value.tokenEnd) out.push({ key: e.key, scalar: e.value });
    }
  } else if (env.kind === 'seq') {
    for (const item of env.items) {
      if (item.kind !== 'scalar') continue;
      const v = col.literal(item)?.value;
      const eq = v?.indexOf('=') ?? -1;
      if (v === undefined || eq <= 0) continue;
      out.push({ key: v.slice(0, eq), scalar: item, valueAt: eq + 1 });
    }
  }
  return out;
}

function collectService(col: Collector, name: string, svc: TMap, prefix: string): void {
  const env = entry(svc, 'environment');
  if (!env) return;
  const vars = envVars(col, env);
  const image = entry(svc, 'image');
  const imageText = image && image.kind === 'scalar' ? col.literal(image)?.value ?? '' : '';
  const server = SERVER_IMAGE.test(imageText) || vars.some((v) => SERVER_VAR.test(v.key));
  const insert = env.kind === 'map' || env.kind === 'seq' ? env.insert : undefined;
  const group = {
    id: `${prefix}services.${name}`,
    label: `services.${name}`,
    keyPath: `services.${name}.environment`,
    insert: insert ? { ...insert, dollar: true } : undefined,
    ctxDb: false,
    keys: env.kind === 'map' ? env.entries.map((e) => e.key) : vars.map((v) => v.key),
  };
  for (const v of vars) {
    const info = keyInfo(v.key);
    const lit = col.literal({ ...v.scalar, layers: ['dollar'] });
    if (!lit) continue;
    const key = `services.${name}.environment.${v.key}`;
    if (server) {
      if (info.leaf) col.ignore(key, lit, 'bootstrap');
      continue;
    }
    // The item's decoded text is `KEY=value`; with `$$` decoded the `=` may have moved.
    const eq = v.valueAt !== undefined ? lit.value.indexOf('=') + 1 : undefined;
    col.add({ key, leafKey: v.key, info, lit, vStart: eq, group, dollarVars: true });
  }
}
