/**
 * An in-memory RDS behind the DbCreateApi. A created DB also appears in the link's FakeAws (in
 * the VPC, with the VPC's default group, as RDS attaches it), so the link step finds it.
 * Faults are injected per method; `holdWait` keeps the DB "creating" until the wait is cancelled.
 */
import type { DbCreateApi, DbSubnetGroupInfo, NewDbInstanceInput, WaitDbOptions } from '../../../src/core/aws/create';
import type { RdsDatabase } from '../../../src/core/aws/types';
import { CancelledError, isSignalled } from '../../../src/core/errors';
import type { FakeAws } from '../link/fakeAws';
import { AwsError } from '../link/fakeAws';
import { REGION, VPC } from '../link/builders';

type Method = keyof DbCreateApi;

export class FakeDbCreateApi implements DbCreateApi {
  readonly calls: { method: Method; args: unknown[] }[] = [];
  readonly subnetGroups = new Map<string, DbSubnetGroupInfo>();
  readonly dbs = new Map<string, RdsDatabase>();
  /** The last CreateDBInstance input (to check what was asked of RDS). */
  lastCreate: NewDbInstanceInput | undefined;
  holdWait = false;
  private readonly faults = new Map<Method, Error>();

  constructor(private readonly link?: FakeAws) {}

  failOn(method: Method, error: Error = new AwsError('InternalFailure', `${method} failed`, 400)): void {
    this.faults.set(method, error);
  }

  private call(method: Method, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const fault = this.faults.get(method);
    if (fault) {
      this.faults.delete(method);
      throw fault;
    }
  }

  methods(): Method[] {
    return this.calls.map((c) => c.method);
  }

  async listEngineVersions() {
    this.call('listEngineVersions');
    return [];
  }
  async listOrderableClasses() {
    this.call('listOrderableClasses');
    return [];
  }
  async listSubnetGroups() {
    this.call('listSubnetGroups');
    return [...this.subnetGroups.values()];
  }
  async describeSubnets() {
    this.call('describeSubnets');
    return [];
  }
  async describeRouteTables() {
    this.call('describeRouteTables');
    return [];
  }
  async listDbInstanceIds() {
    this.call('listDbInstanceIds');
    return [...this.dbs.keys()];
  }
  async createSubnetGroup(input: { name: string; subnetIds: readonly string[] }) {
    this.call('createSubnetGroup', input);
    this.subnetGroups.set(input.name, { name: input.name, vpcId: VPC, subnetIds: input.subnetIds, availabilityZones: ['a', 'b'] });
  }
  async deleteSubnetGroup(name: string) {
    this.call('deleteSubnetGroup', name);
    this.subnetGroups.delete(name);
  }
  async createDbInstance(input: NewDbInstanceInput) {
    this.call('createDbInstance', { ...input, masterPassword: input.masterPassword === undefined ? undefined : '(given)' });
    this.lastCreate = input;
    const db: RdsDatabase = {
      region: REGION,
      kind: 'instance',
      id: input.identifier,
      engine: input.engine,
      engineVersion: input.engineVersion,
      status: 'creating',
      endpoint: { address: `${input.identifier}.abc.${REGION}.rds.amazonaws.com`, port: 3306 },
      vpcId: VPC,
      publiclyAccessible: input.publiclyAccessible,
      securityGroupIds: ['sg-default'],
      iamAuthEnabled: false,
      instanceClass: input.instanceClass,
    };
    this.dbs.set(db.id, db);
    this.link?.addDatabase(db);
    return db;
  }
  async describeDbInstance(id: string) {
    this.call('describeDbInstance', id);
    return this.dbs.get(id);
  }
  async waitAvailable(id: string, options: WaitDbOptions) {
    this.call('waitAvailable', id);
    while (this.holdWait) {
      if (isSignalled(options.signal)) throw new CancelledError(`Stopped waiting for ${id}.`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const db = this.dbs.get(id);
    if (!db) throw new Error(`Database ${id} was not found.`);
    const available = { ...db, status: 'available' };
    this.dbs.set(id, available);
    this.link?.setDatabaseStatus({ kind: 'instance', id }, 'available');
    return available;
  }
}
