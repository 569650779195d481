/** The DbCreateApi over the real SDK clients; SDK shapes are mapped here, by pure functions. */
import {
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type RouteTable,
  type Subnet,
} from '@aws-sdk/client-ec2';
import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DeleteDBSubnetGroupCommand,
  DescribeDBEngineVersionsCommand,
  DescribeDBInstancesCommand,
  paginateDescribeDBInstances,
  paginateDescribeDBSubnetGroups,
  paginateDescribeOrderableDBInstanceOptions,
  waitUntilDBInstanceAvailable,
  type DBEngineVersion,
  type DBSubnetGroup,
  type OrderableDBInstanceOption,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { CancelledError, isSignalled, toAbortSignal } from '../../errors';
import { t } from '../../l10n';
import { awsErrorCode } from '../awsErrors';
import { compareEngineVersions } from '../blueGreen/versions';
import { routeTableHead } from '../ec2';
import { toDbInstance } from '../rds';
import type { RdsDatabase } from '../types';
import type { DbCreateApi, NewDbInstanceInput, WaitDbOptions } from './dbApi';
import type { EngineVersionOption } from './dbPlan';
import type { DbSubnetGroupInfo, RouteTableInfo, SubnetInfo } from './network';
import type { DbEngine } from './rules';

/** DescribeOrderableDBInstanceOptions takes MaxRecords 20–1000; the DB listings 20–100. */
const ORDERABLE_PAGE_SIZE = 1000;
const RDS_PAGE_SIZE = 100;

/** Pure: DescribeDBEngineVersions' versions as options, available ones only, newest first. */
export function toEngineVersionOptions(engine: DbEngine, versions: readonly DBEngineVersion[], defaultVersion?: string): EngineVersionOption[] {
  const seen = new Set<string>();
  const out: EngineVersionOption[] = [];
  for (const v of versions) {
    const version = v.EngineVersion;
    if (!version || v.Engine !== engine || (v.Status && v.Status !== 'available') || seen.has(version)) continue;
    seen.add(version);
    out.push({ engine, version, description: v.DBEngineVersionDescription || undefined, isDefault: version === defaultVersion });
  }
  return out.sort((a, b) => compareEngineVersions(b.version, a.version));
}

/** Pure: the classes of orderable options that fit a VPC and the storage type, each once. */
export function orderableClasses(options: readonly OrderableDBInstanceOption[], storageType: string): string[] {
  const classes = new Set<string>();
  for (const o of options) {
    if (!o.DBInstanceClass || o.Vpc === false || (o.StorageType && o.StorageType !== storageType)) continue;
    classes.add(o.DBInstanceClass);
  }
  return [...classes];
}

export function toSubnetGroupInfo(g: DBSubnetGroup): DbSubnetGroupInfo {
  const subnets = g.Subnets ?? [];
  return {
    name: g.DBSubnetGroupName ?? '',
    vpcId: g.VpcId ?? '',
    description: g.DBSubnetGroupDescription || undefined,
    subnetIds: subnets.map((s) => s.SubnetIdentifier ?? '').filter(Boolean),
    availabilityZones: [...new Set(subnets.map((s) => s.SubnetAvailabilityZone?.Name ?? '').filter(Boolean))].sort(),
  };
}

export function toSubnetInfo(s: Subnet): SubnetInfo {
  return {
    id: s.SubnetId ?? '',
    vpcId: s.VpcId ?? '',
    availabilityZone: s.AvailabilityZone ?? '',
    cidr: s.CidrBlock,
    name: s.Tags?.find((tag) => tag.Key === 'Name')?.Value,
  };
}

function toRouteTableInfo(r: RouteTable): RouteTableInfo {
  return {
    ...routeTableHead(r),
    gatewayIds: (r.Routes ?? []).map((route) => route.GatewayId ?? route.NatGatewayId ?? route.TransitGatewayId ?? '').filter(Boolean),
  };
}

const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

async function createDbInstance(rds: RDSClient, region: string, input: NewDbInstanceInput): Promise<RdsDatabase> {
  const out = await rds.send(new CreateDBInstanceCommand({
    DBInstanceIdentifier: input.identifier,
    Engine: input.engine,
    EngineVersion: input.engineVersion,
    DBInstanceClass: input.instanceClass,
    StorageType: input.storageType,
    AllocatedStorage: input.allocatedStorageGib,
    DBSubnetGroupName: input.subnetGroupName,
    MasterUsername: input.masterUsername,
    ...(input.masterPassword === undefined ? { ManageMasterUserPassword: true } : { MasterUserPassword: input.masterPassword }),
    PubliclyAccessible: input.publiclyAccessible,
    StorageEncrypted: input.storageEncrypted,
    BackupRetentionPeriod: input.backupRetentionDays,
    DeletionProtection: input.deletionProtection,
    MultiAZ: input.multiAz,
    Tags: tagList(input.tags),
  }));
  if (!out.DBInstance) throw new Error(t('RDS accepted {0} but returned no DB instance.', input.identifier));
  return toDbInstance(out.DBInstance, region);
}

/** The SDK waiter, cancellable; the DB as the waiter last saw it, else described once more. */
async function waitAvailable(
  rds: RDSClient,
  region: string,
  id: string,
  options: WaitDbOptions,
  describe: (id: string) => Promise<RdsDatabase | undefined>,
): Promise<RdsDatabase> {
  const abortSignal = toAbortSignal(options.signal);
  const minDelay = options.minDelaySeconds ?? 30;
  const result = await waitUntilDBInstanceAvailable(
    { client: rds, maxWaitTime: Math.max(options.maxWaitSeconds ?? 3600, minDelay + 1), minDelay, maxDelay: Math.max(options.maxDelaySeconds ?? 120, minDelay), abortSignal },
    { DBInstanceIdentifier: id },
  ).catch((err: unknown) => {
    if (isSignalled(options.signal)) throw new CancelledError(t('Stopped waiting for {0}.', id), { cause: err });
    throw err;
  });
  if (isSignalled(options.signal)) throw new CancelledError(t('Stopped waiting for {0}.', id));
  const d = result.reason && typeof result.reason === 'object' && 'DBInstances' in result.reason ? (result.reason as { DBInstances?: Parameters<typeof toDbInstance>[0][] }).DBInstances?.[0] : undefined;
  if (d) return toDbInstance(d, region);
  const fresh = await describe(id);
  if (!fresh) throw new Error(t('Database {0} was not found.', id));
  return fresh;
}

export function createSdkDbCreateApi(rds: RDSClient, ec2: EC2Client, region: string): DbCreateApi {
  const api: DbCreateApi = {
    async listEngineVersions(engine) {
      const [all, defaults] = await Promise.all([
        rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine })),
        rds.send(new DescribeDBEngineVersionsCommand({ Engine: engine, DefaultOnly: true })),
      ]);
      return toEngineVersionOptions(engine, all.DBEngineVersions ?? [], defaults.DBEngineVersions?.[0]?.EngineVersion);
    },
    async listOrderableClasses(engine, engineVersion, storageType) {
      const options: OrderableDBInstanceOption[] = [];
      const input = { Engine: engine, EngineVersion: engineVersion, Vpc: true };
      for await (const page of paginateDescribeOrderableDBInstanceOptions({ client: rds, pageSize: ORDERABLE_PAGE_SIZE }, input)) {
        options.push(...(page.OrderableDBInstanceOptions ?? []));
      }
      return orderableClasses(options, storageType);
    },
    async listSubnetGroups() {
      const out: DbSubnetGroupInfo[] = [];
      for await (const page of paginateDescribeDBSubnetGroups({ client: rds, pageSize: RDS_PAGE_SIZE }, {})) {
        out.push(...(page.DBSubnetGroups ?? []).map(toSubnetGroupInfo));
      }
      return out;
    },
    async describeSubnets(vpcId) {
      const out = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
      return (out.Subnets ?? []).map(toSubnetInfo);
    },
    async describeRouteTables(vpcId) {
      const out = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
      return (out.RouteTables ?? []).map(toRouteTableInfo);
    },
    async listDbInstanceIds() {
      const ids: string[] = [];
      for await (const page of paginateDescribeDBInstances({ client: rds, pageSize: RDS_PAGE_SIZE }, {})) {
        for (const d of page.DBInstances ?? []) if (d.DBInstanceIdentifier) ids.push(d.DBInstanceIdentifier);
      }
      return ids;
    },
    async createSubnetGroup(input) {
      await rds.send(new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: input.name,
        DBSubnetGroupDescription: input.description,
        SubnetIds: [...input.subnetIds],
        Tags: tagList(input.tags),
      }));
    },
    async deleteSubnetGroup(name) {
      await rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: name }));
    },
    createDbInstance: (input) => createDbInstance(rds, region, input),
    async describeDbInstance(id) {
      try {
        const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const d = out.DBInstances?.[0];
        return d ? toDbInstance(d, region) : undefined;
      } catch (err) {
        if (awsErrorCode(err) === 'DBInstanceNotFound' || awsErrorCode(err) === 'DBInstanceNotFoundFault') return undefined;
        throw err;
      }
    },
    waitAvailable: (id, options: WaitDbOptions) => waitAvailable(rds, region, id, options, (x) => api.describeDbInstance(x)),
  };
  return api;
}
