/** Pure: engine versions compared, their parameter group families, and the choices offered. */
import type { RdsDatabase } from '../types';
import type { UpgradeTarget, VersionOption } from './types';

/**
 * Compares two engine versions of one engine by their numbers in order: 8.0.39 < 8.4.3,
 * 10.11.8 < 11.4.3, 8.0.mysql_aurora.3.05.2 < 8.0.mysql_aurora.3.10.0. Negative when a < b.
 */
export function compareEngineVersions(a: string, b: string): number {
  const na = numbers(a);
  const nb = numbers(b);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const diff = (na[i] ?? -1) - (nb[i] ?? -1);
    if (diff !== 0) return diff;
  }
  return 0;
}

function numbers(version: string): number[] {
  return version.split(/[^0-9]+/).filter(Boolean).map(Number);
}

/**
 * The DB parameter group family of a version, as RDS names them: mysql8.0, mysql8.4,
 * mariadb10.11, aurora-mysql8.0. Derived, because ValidUpgradeTarget does not carry it; only
 * the MySQL-family engines this product prepares are known.
 */
export function parameterGroupFamily(engine: string, version: string | undefined): string | undefined {
  if (!version) return undefined;
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  const majorMinor = `${Number(m[1])}.${Number(m[2])}`;
  if (engine === 'mysql' || engine === 'mariadb' || engine === 'aurora-mysql') return `${engine}${majorMinor}`;
  return undefined;
}

/** The major part RDS compares for a "major version upgrade": 8.0 → 8.4 and 10.11 → 11.4 are majors. */
export function isMajorChange(engine: string, from: string, to: string): boolean {
  return parameterGroupFamily(engine, from) !== parameterGroupFamily(engine, to);
}

/**
 * What the version picker offers: blue's own version first (green keeps it), then the valid
 * upgrade targets, lowest first. Targets that are not higher than blue's are dropped.
 */
export function versionOptions(db: RdsDatabase, targets: readonly UpgradeTarget[]): VersionOption[] {
  const current = db.engineVersion;
  const out: VersionOption[] = [];
  if (current) out.push({ engine: db.engine, engineVersion: current, family: parameterGroupFamily(db.engine, current), current: true, majorUpgrade: false });
  const seen = new Set(current ? [current] : []);
  const higher = targets
    .filter((v) => v.engine === db.engine && !seen.has(v.engineVersion) && (!current || compareEngineVersions(v.engineVersion, current) > 0))
    .sort((a, b) => compareEngineVersions(a.engineVersion, b.engineVersion));
  for (const v of higher) {
    if (seen.has(v.engineVersion)) continue;
    seen.add(v.engineVersion);
    out.push({ ...v, current: false });
  }
  return out;
}
