/**
 * Linked pairs in described state, found by the console's rules: a valid `ec2-rds-N` /
 * `rds-ec2-N` pair on the DB port, `rds-ec2-N` on the DB and `ec2-rds-N` on an interface of the
 * instance. Links made in the console show just like ours. Pure; the tree calls it with what
 * it has listed (listLinks in service.ts fetches the groups).
 */
import type { Ec2Instance, RdsDatabase, SecurityGroup } from '../types';
import { findValidPairs, isCreatedByUs } from './consoleRules';
import { dbTargetOf } from './planner';
import type { DbTarget, LinkedPair } from './types';

export function findLinks(
  instances: readonly Ec2Instance[],
  databases: readonly RdsDatabase[],
  groups: readonly SecurityGroup[],
): LinkedPair[] {
  const pairs = findValidPairs(groups);
  if (pairs.length === 0) return [];
  const links: LinkedPair[] = [];
  for (const db of databases) {
    const port = db.endpoint?.port;
    const onDb = new Set(db.securityGroupIds);
    const target = dbTargetOf(db);
    for (const pair of pairs) {
      if (!onDb.has(pair.rds.id) || (port !== undefined && pair.port !== port)) continue;
      for (const instance of instances) {
        if (instance.state === 'terminated') continue;
        const interfaceIds = [...instance.networkInterfaces]
          .sort((a, b) => a.deviceIndex - b.deviceIndex)
          .filter((n) => n.securityGroupIds.includes(pair.ec2.id))
          .map((n) => n.id);
        if (interfaceIds.length === 0) continue;
        links.push({
          key: linkKey(instance.id, target, pair.ec2.id, pair.rds.id),
          region: instance.region,
          instance,
          database: db,
          dbTarget: target,
          interfaceIds,
          vpcId: pair.rds.vpcId,
          port: pair.port,
          ec2Group: { id: pair.ec2.id, name: pair.ec2.name },
          rdsGroup: { id: pair.rds.id, name: pair.rds.name },
          createdBy: isCreatedByUs(pair.ec2) && isCreatedByUs(pair.rds) ? 'rds-link' : 'console',
        });
      }
    }
  }
  return links.sort(
    (a, b) => a.database.id.localeCompare(b.database.id) || (a.instance.name ?? a.instance.id).localeCompare(b.instance.name ?? b.instance.id) || a.key.localeCompare(b.key),
  );
}

export function linkKey(instanceId: string, target: DbTarget, ec2GroupId: string, rdsGroupId: string): string {
  return `${instanceId}|${target.kind}:${target.id}|${ec2GroupId}|${rdsGroupId}`;
}

/** The links under a DB node ("Linked instances"). */
export function linksOfDatabase(links: readonly LinkedPair[], db: Pick<RdsDatabase, 'kind' | 'id'>): LinkedPair[] {
  return links.filter((l) => l.database.kind === db.kind && l.database.id === db.id);
}

/** The links under an instance node (its linked DBs). */
export function linksOfInstance(links: readonly LinkedPair[], instanceId: string): LinkedPair[] {
  return links.filter((l) => l.instance.id === instanceId);
}
