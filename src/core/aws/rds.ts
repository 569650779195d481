/** RDS DB instances and Aurora clusters, listed with the SDK paginators at the largest page size. */
import {
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { RdsDatabase } from './types';

/** DescribeDBInstances / DescribeDBClusters accept MaxRecords 20–100. */
export const RDS_PAGE_SIZE = 100;

export function toDbInstance(d: DBInstance, region: string): RdsDatabase {
  return {
    region,
    kind: 'instance',
    id: d.DBInstanceIdentifier ?? '',
    arn: d.DBInstanceArn,
    engine: d.Engine ?? 'unknown',
    engineVersion: d.EngineVersion,
    status: d.DBInstanceStatus ?? 'unknown',
    endpoint: d.Endpoint?.Address ? { address: d.Endpoint.Address, port: d.Endpoint.Port ?? defaultPort(d.Engine) } : undefined,
    // moto leaves DBSubnetGroup out for a DB made without one; real AWS always has it.
    vpcId: d.DBSubnetGroup?.VpcId || undefined,
    publiclyAccessible: d.PubliclyAccessible ?? false,
    securityGroupIds: (d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
    masterUsername: d.MasterUsername,
    masterUserSecretArn: d.MasterUserSecret?.SecretArn,
    iamAuthEnabled: d.IAMDatabaseAuthenticationEnabled ?? false,
    instanceClass: d.DBInstanceClass,
    clusterId: d.DBClusterIdentifier || undefined,
    backupRetentionPeriod: d.BackupRetentionPeriod,
    tags: Object.fromEntries((d.TagList ?? []).filter((x) => x.Key).map((x) => [x.Key ?? '', x.Value ?? ''])),
    deletionProtection: d.DeletionProtection,
  };
}

export function toDbCluster(c: DBCluster, region: string, vpcByMember: ReadonlyMap<string, string>): RdsDatabase {
  const memberIds = (c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '').filter(Boolean);
  const port = c.Port ?? defaultPort(c.Engine);
  return {
    region,
    kind: 'cluster',
    id: c.DBClusterIdentifier ?? '',
    arn: c.DBClusterArn,
    engine: c.Engine ?? 'unknown',
    engineVersion: c.EngineVersion,
    status: c.Status ?? 'unknown',
    endpoint: c.Endpoint ? { address: c.Endpoint, port } : undefined,
    readerEndpoint: c.ReaderEndpoint ? { address: c.ReaderEndpoint, port } : undefined,
    // A cluster reports its subnet group by name only; its members know the VPC.
    vpcId: memberIds.map((m) => vpcByMember.get(m)).find(Boolean),
    publiclyAccessible: c.PubliclyAccessible ?? false,
    securityGroupIds: (c.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '').filter(Boolean),
    masterUsername: c.MasterUsername,
    masterUserSecretArn: c.MasterUserSecret?.SecretArn,
    iamAuthEnabled: c.IAMDatabaseAuthenticationEnabled ?? false,
    memberIds,
    backupRetentionPeriod: c.BackupRetentionPeriod,
  };
}

function defaultPort(engine: string | undefined): number {
  return engine?.includes('postgres') ? 5432 : engine?.startsWith('sqlserver') ? 1433 : engine?.startsWith('oracle') ? 1521 : 3306;
}

/** DB instances and clusters of a region; cluster members carry clusterId and sort under it. */
export async function listDatabases(client: RDSClient, region: string, pageSize = RDS_PAGE_SIZE): Promise<RdsDatabase[]> {
  const [instances, clusters] = await Promise.all([
    (async () => {
      const out: DBInstance[] = [];
      for await (const page of paginateDescribeDBInstances({ client, pageSize }, {})) out.push(...(page.DBInstances ?? []));
      return out;
    })(),
    (async () => {
      const out: DBCluster[] = [];
      for await (const page of paginateDescribeDBClusters({ client, pageSize }, {})) out.push(...(page.DBClusters ?? []));
      return out;
    })(),
  ]);
  const dbs = instances.map((d) => toDbInstance(d, region));
  const vpcByMember = new Map(dbs.filter((d) => d.vpcId).map((d) => [d.id, d.vpcId as string]));
  return [...clusters.map((c) => toDbCluster(c, region, vpcByMember)), ...dbs].sort((a, b) => a.id.localeCompare(b.id));
}
