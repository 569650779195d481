/**
 * The RDS and EC2 calls a new DB needs, and nothing else. createSdkDbCreateApi drives the SDK;
 * unit tests use an in-memory stand-in with injected faults.
 */
import type { CancelSignal } from '../../errors';
import type { RdsDatabase } from '../types';
import type { DbSubnetGroupInfo, RouteTableInfo, SubnetInfo } from './network';
import type { EngineVersionOption } from './dbPlan';
import type { DbEngine } from './rules';

export interface NewDbInstanceInput {
  readonly identifier: string;
  readonly engine: DbEngine;
  readonly engineVersion?: string;
  readonly instanceClass: string;
  readonly storageType: string;
  readonly allocatedStorageGib: number;
  readonly subnetGroupName: string;
  readonly masterUsername: string;
  /** Undefined: ManageMasterUserPassword (RDS keeps it in Secrets Manager). */
  readonly masterPassword?: string;
  readonly publiclyAccessible: boolean;
  readonly storageEncrypted: boolean;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly multiAz: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export interface WaitDbOptions {
  readonly signal?: CancelSignal | AbortSignal;
  /** Default 60 minutes: a new DB takes 5 to 20 on AWS. */
  readonly maxWaitSeconds?: number;
  /** The SDK waiter's first delay (default 30 s; tests shorten it). */
  readonly minDelaySeconds?: number;
  readonly maxDelaySeconds?: number;
}

export interface DbCreateApi {
  /** Available versions of the engine, newest first, the default marked. */
  listEngineVersions(engine: DbEngine): Promise<EngineVersionOption[]>;
  /** Classes RDS offers for the engine (and version) in a VPC with `storageType`. */
  listOrderableClasses(engine: DbEngine, engineVersion: string | undefined, storageType: string): Promise<string[]>;
  listSubnetGroups(): Promise<DbSubnetGroupInfo[]>;
  describeSubnets(vpcId: string): Promise<SubnetInfo[]>;
  describeRouteTables(vpcId: string): Promise<RouteTableInfo[]>;
  listDbInstanceIds(): Promise<string[]>;

  createSubnetGroup(input: { readonly name: string; readonly description: string; readonly subnetIds: readonly string[]; readonly tags: Readonly<Record<string, string>> }): Promise<void>;
  deleteSubnetGroup(name: string): Promise<void>;
  createDbInstance(input: NewDbInstanceInput): Promise<RdsDatabase>;
  describeDbInstance(id: string): Promise<RdsDatabase | undefined>;
  /** Resolves once the DB is available; CancelledError when `signal` fires, an Error on timeout or a failed DB. */
  waitAvailable(id: string, options: WaitDbOptions): Promise<RdsDatabase>;
}
