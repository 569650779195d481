/**
 * An in-memory AWS behind the LinkApi, keeping the semantics real AWS has and moto lacks:
 * - a group on an interface or a DB cannot be deleted (DependencyViolation), nor one that
 *   another group's rule references; RDS lets go of a detached group only after a while;
 * - a rule equal to an existing one but for its description is a Duplicate;
 * - revoking a rule that is not there is InvalidPermission.NotFound;
 * - an interface holds at most `groupsPerInterface` groups, and never none;
 * - a DB changes groups only when available; an Aurora member's groups belong to its cluster;
 * - DryRun answers UnauthorizedOperation, a NotFound for a made-up id, else DryRunOperation;
 * - a new group may not be visible for a few calls (eventual consistency), when asked.
 * - `withSignal(signal)` is the SDK's abortSignal: once the signal fires, calls through that
 *   view end at once (a CancelledError, as the session's middleware turns an abort into);
 *   calls on the fake itself are never aborted.
 * Faults are injected per method; `snapshot()` lets a test assert that AWS is as it was.
 */
import type { Ec2Instance, RdsDatabase, SecurityGroup, SecurityGroupRule } from '../../../src/core/aws/types';
import { CancelledError } from '../../../src/core/errors';
import { ALLOW_ALL_EGRESS } from '../../../src/core/aws/link/consoleRules';
import type { DbTarget, InterfaceUse, LinkApi, NewGroupInput, Plan, PlanStep, RuleDirection, SecurityGroupFilter } from '../../../src/core/aws/link/types';
import type { World } from './builders';

type Method = keyof LinkApi;

interface MutableGroup {
  id: string;
  name: string;
  description: string;
  vpcId?: string;
  tags: Record<string, string>;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

interface MutableEni {
  id: string;
  instanceId?: string;
  deviceIndex: number;
  vpcId?: string;
  subnetId?: string;
  groupIds: string[];
  /** An interface of a service (e.g. a Lambda function), not of a listed instance. */
  description?: string;
}

interface MutableDb {
  base: RdsDatabase;
  groupIds: string[];
}

/** How an injected fault behaves. */
export type FaultKind =
  /** AWS rejects the call (HTTP 400) and changes nothing. */
  | 'rejected'
  /** The call takes effect, but the answer is lost (a timeout): the caller cannot know. */
  | 'lost'
  /** AWS answers 503 without doing anything. */
  | 'unavailable'
  /**
   * The call takes effect, its answer is lost, and the SDK sends it again: the caller gets the
   * retry's answer (a Duplicate, a NotFound, or success for a call that can be repeated), with
   * `$metadata.attempts` 2 as the SDK reports it.
   */
  | 'lostRetried'
  /** AWS answers success and changes nothing (an undo that did not stick): only describing tells. */
  | 'ignored'
  /** The user cancels (`onCancel`) while the call is in flight, after AWS did it; an aborted call never sees the answer. */
  | 'cancelled'
  /** The user cancels while the request is on its way: an aborted call ends before AWS sees it. */
  | 'cancelledBeforeAws';

interface Injection {
  method: Method;
  /** Real (non-dry-run) calls of `method` to let through first. */
  skip: number;
  kind: FaultKind;
  /** How many calls fail once it triggers (Infinity: every one after). */
  times: number;
}

export class AwsError extends Error {
  readonly $metadata: { httpStatusCode?: number; attempts?: number };
  /** `status` null: no HTTP answer at all (a timeout). */
  constructor(code: string, message: string, status: number | null = 400) {
    super(message);
    this.name = code;
    this.$metadata = status === null ? {} : { httpStatusCode: status };
  }
}

function sameRule(a: SecurityGroupRule, b: SecurityGroupRule): boolean {
  const key = (r: SecurityGroupRule) =>
    JSON.stringify([r.protocol, r.protocol === '-1' ? null : r.fromPort ?? null, r.protocol === '-1' ? null : r.toPort ?? null, r.peerGroupId ?? null, [...r.cidrs].sort(), [...r.ipv6Cidrs].sort(), [...r.prefixListIds].sort()]);
  return key(a) === key(b);
}

function copyRule(r: SecurityGroupRule): SecurityGroupRule {
  return { ...r, cidrs: [...r.cidrs], ipv6Cidrs: [...r.ipv6Cidrs], prefixListIds: [...r.prefixListIds] };
}

export class FakeAws implements LinkApi {
  readonly calls: { method: Method; dryRun: boolean; args: unknown[] }[] = [];
  /** IAM actions the caller lacks, e.g. 'ec2:AuthorizeSecurityGroupEgress'. */
  readonly denied = new Set<string>();
  groupsPerInterface = 5;
  /** Delete attempts that still fail with DependencyViolation after a group leaves a DB. */
  rdsReleaseLag = 0;
  /** Calls (of any kind) for which a newly created group is still NotFound. */
  invisibleCalls = 0;

  private readonly groups = new Map<string, MutableGroup>();
  private readonly enis = new Map<string, MutableEni>();
  private readonly instances = new Map<string, Ec2Instance>();
  private readonly dbs = new Map<string, MutableDb>();
  private readonly releasing = new Map<string, number>();
  private readonly fresh = new Map<string, number>();
  private readonly vpcs = new Set<string>();
  private injections: Injection[] = [];
  private seq = 0;
  /** Fired by a 'cancelled' fault: the test's cancel button (usually an AbortController's abort). */
  onCancel: (() => void) | undefined;
  /** Calls through a signal view that ended because the signal had fired before they started. */
  readonly abortedCalls: Method[] = [];
  /** The signal of the view making the current call (the fake's methods run synchronously). */
  private callSignal: AbortSignal | undefined;

  static from(world: World): FakeAws {
    const aws = new FakeAws();
    for (const g of world.groups) aws.addGroup(g);
    for (const i of world.instances) aws.addInstance(i);
    for (const d of world.databases) aws.addDatabase(d);
    return aws;
  }

  addGroup(g: SecurityGroup): void {
    this.groups.set(g.id, { id: g.id, name: g.name, description: g.description, vpcId: g.vpcId, tags: { ...g.tags }, ingress: g.ingress.map(copyRule), egress: g.egress.map(copyRule) });
    if (g.vpcId) this.vpcs.add(g.vpcId);
  }

  addInstance(i: Ec2Instance): void {
    this.instances.set(i.id, i);
    if (i.vpcId) this.vpcs.add(i.vpcId);
    for (const n of i.networkInterfaces) {
      this.enis.set(n.id, { id: n.id, instanceId: i.id, deviceIndex: n.deviceIndex, vpcId: n.vpcId, subnetId: n.subnetId, groupIds: [...n.securityGroupIds] });
    }
  }

  /** As TerminateInstances does once the instance is terminated: its interfaces are gone. */
  terminate(instanceId: string): void {
    this.instances.delete(instanceId);
    for (const [id, n] of this.enis) if (n.instanceId === instanceId) this.enis.delete(id);
  }

  /** An interface of some other service (Lambda, ECS…) holding groups. */
  addServiceInterface(id: string, groupIds: string[], description = 'AWS Lambda VPC ENI'): void {
    this.enis.set(id, { id, deviceIndex: 0, groupIds: [...groupIds], description });
  }

  addDatabase(d: RdsDatabase): void {
    this.dbs.set(`${d.kind}:${d.id}`, { base: d, groupIds: [...d.securityGroupIds] });
    if (d.vpcId) this.vpcs.add(d.vpcId);
  }

  setDatabaseStatus(target: DbTarget, status: string): void {
    const d = this.dbs.get(`${target.kind}:${target.id}`);
    if (d) d.base = { ...d.base, status };
  }

  /**
   * Makes the next real (non-dry-run) call of `method` fail, after letting `skip` through.
   * Later injections on the same method queue after earlier ones.
   */
  failOn(method: Method, options: { skip?: number; kind?: FaultKind; times?: number } = {}): void {
    this.injections.push({ method, skip: options.skip ?? 0, kind: options.kind ?? 'rejected', times: options.times ?? 1 });
  }

  /** Makes step `index` of the plan fail `kind`-wise (earlier calls of the same method go through). */
  failStep(plan: Plan, index: number, kind: FaultKind): void {
    const method = methodOf(plan.steps[index]);
    this.failOn(method, { skip: plan.steps.slice(0, index).filter((s) => methodOf(s) === method).length, kind });
  }

  clearFaults(): void {
    this.injections = [];
  }

  /** The whole state, deterministic: equal snapshots mean AWS is as it was. */
  snapshot(): unknown {
    const sortRules = (rs: SecurityGroupRule[]) => rs.map((r) => JSON.stringify(r)).sort();
    return {
      groups: [...this.groups.values()]
        .map((g) => ({ ...g, tags: Object.entries(g.tags).sort(), ingress: sortRules(g.ingress), egress: sortRules(g.egress) }))
        .sort((a, b) => a.id.localeCompare(b.id)),
      interfaces: [...this.enis.values()].map((n) => ({ id: n.id, groupIds: [...n.groupIds] })).sort((a, b) => a.id.localeCompare(b.id)),
      databases: [...this.dbs.entries()].map(([k, d]) => ({ key: k, groupIds: [...d.groupIds], status: d.base.status })).sort((a, b) => a.key.localeCompare(b.key)),
    };
  }

  group(id: string): SecurityGroup | undefined {
    const g = this.groups.get(id);
    return g && this.toGroup(g);
  }

  groupByName(name: string, vpcId = [...this.vpcs][0]): SecurityGroup | undefined {
    const g = [...this.groups.values()].find((x) => x.name === name && x.vpcId === vpcId);
    return g && this.toGroup(g);
  }

  interfaceGroups(eniId: string): string[] {
    return [...(this.enis.get(eniId)?.groupIds ?? [])];
  }

  databaseGroups(target: DbTarget): string[] {
    return [...(this.dbs.get(`${target.kind}:${target.id}`)?.groupIds ?? [])];
  }

  /** Real (non-dry-run) mutating calls made so far. */
  mutations(): { method: Method; args: unknown[] }[] {
    return this.calls.filter((c) => !c.dryRun && !c.method.startsWith('describe'));
  }

  withSignal(signal: AbortSignal): LinkApi {
    const view = {} as Record<string, unknown>;
    const methods: Method[] = ['describeInstance', 'describeDatabase', 'describeDatabases', 'describeSecurityGroups', 'describeInterfaces', 'createSecurityGroup', 'deleteSecurityGroup', 'authorizeRules', 'revokeRules', 'setInterfaceGroups', 'setDatabaseGroups'];
    for (const m of methods) {
      view[m] = (...args: unknown[]) => {
        if (signal.aborted) {
          this.abortedCalls.push(m);
          return Promise.reject(new CancelledError(`${m} aborted before it started`));
        }
        this.callSignal = signal;
        try {
          return (this[m] as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          this.callSignal = undefined;
        }
      };
    }
    view.withSignal = (other: AbortSignal) => this.withSignal(other);
    return view as unknown as LinkApi;
  }

  // -------------------------------------------------------------------------------------------
  // LinkApi: reads

  async describeInstance(instanceId: string): Promise<Ec2Instance | undefined> {
    this.record('describeInstance', false, [instanceId]);
    const i = this.instances.get(instanceId);
    if (!i) return undefined;
    const networkInterfaces = [...this.enis.values()]
      .filter((n) => n.instanceId === instanceId)
      .sort((a, b) => a.deviceIndex - b.deviceIndex)
      .map((n) => ({ id: n.id, deviceIndex: n.deviceIndex, securityGroupIds: [...n.groupIds], subnetId: n.subnetId, vpcId: n.vpcId }));
    return { ...i, networkInterfaces, securityGroupIds: networkInterfaces[0]?.securityGroupIds ?? [] };
  }

  async describeDatabase(target: DbTarget): Promise<RdsDatabase | undefined> {
    this.record('describeDatabase', false, [target]);
    const d = this.dbs.get(`${target.kind}:${target.id}`);
    return d && this.toDb(d);
  }

  async describeDatabases(): Promise<RdsDatabase[]> {
    this.record('describeDatabases', false, []);
    return [...this.dbs.values()].map((d) => this.toDb(d));
  }

  async describeSecurityGroups(filter: SecurityGroupFilter): Promise<SecurityGroup[]> {
    this.record('describeSecurityGroups', false, [filter]);
    let list = [...this.groups.values()];
    if (filter.groupIds) {
      for (const id of filter.groupIds) this.mustSeeGroup(id);
      list = list.filter((g) => filter.groupIds?.includes(g.id));
    }
    if (filter.vpcId) list = list.filter((g) => g.vpcId === filter.vpcId);
    if (filter.groupNames) {
      const names = filter.groupNames;
      list = list.filter((g) => names.some((n) => (n.endsWith('*') ? g.name.startsWith(n.slice(0, -1)) : g.name === n)));
    }
    return list.map((g) => this.toGroup(g));
  }

  async describeInterfaces(filter: { readonly groupIds: readonly string[] }): Promise<InterfaceUse[]> {
    this.record('describeInterfaces', false, [filter]);
    const has = (ids: readonly string[]) => ids.some((id) => filter.groupIds.includes(id));
    const out: InterfaceUse[] = [...this.enis.values()]
      .filter((n) => has(n.groupIds))
      .map((n) => ({ id: n.id, groupIds: [...n.groupIds], instanceId: n.instanceId, requesterManaged: !n.instanceId, description: n.description }));
    // RDS's own interfaces carry the DB's groups (and a released group for a while).
    for (const [key, d] of this.dbs) {
      if (d.base.kind === 'instance' && d.base.clusterId) continue;
      const held = [...d.groupIds, ...[...this.releasing.keys()].filter((g) => (this.releasing.get(g) ?? 0) > 0)];
      if (has(held)) out.push({ id: `eni-rds-${key}`, groupIds: held, requesterManaged: true, requesterId: 'amazon-rds', description: 'RDSNetworkInterface' });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // LinkApi: mutations

  async createSecurityGroup(input: NewGroupInput, dryRun?: boolean): Promise<string> {
    this.begin('createSecurityGroup', 'ec2:CreateSecurityGroup', !!dryRun, [input]);
    if (!this.vpcs.has(input.vpcId)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${input.vpcId}' does not exist`);
    if (dryRun) throw this.dryRunOk();
    return this.effect('createSecurityGroup', () => {
      if ([...this.groups.values()].some((g) => g.vpcId === input.vpcId && g.name === input.name)) {
        throw new AwsError('InvalidGroup.Duplicate', `The security group '${input.name}' already exists for VPC '${input.vpcId}'`);
      }
      const id = `sg-new${++this.seq}`;
      this.groups.set(id, { id, name: input.name, description: input.description, vpcId: input.vpcId, tags: { ...input.tags }, ingress: [], egress: [copyRule(ALLOW_ALL_EGRESS)] });
      if (this.invisibleCalls > 0) this.fresh.set(id, this.calls.length + this.invisibleCalls);
      return id;
    });
  }

  async deleteSecurityGroup(groupId: string, dryRun?: boolean): Promise<void> {
    this.begin('deleteSecurityGroup', 'ec2:DeleteSecurityGroup', !!dryRun, [groupId]);
    const g = this.mustSeeGroup(groupId);
    if (dryRun) throw this.dryRunOk();
    return this.effect('deleteSecurityGroup', () => {
      if (!this.groups.has(groupId)) throw new AwsError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
      if (g.name === 'default') throw new AwsError('CannotDelete', 'the default group cannot be deleted');
      const onEni = [...this.enis.values()].some((n) => n.groupIds.includes(groupId));
      const onDb = [...this.dbs.values()].some((d) => d.groupIds.includes(groupId));
      const referenced = [...this.groups.values()].some((o) => o.id !== groupId && [...o.ingress, ...o.egress].some((r) => r.peerGroupId === groupId));
      const lag = this.releasing.get(groupId) ?? 0;
      if (lag > 0) this.releasing.set(groupId, lag - 1);
      if (onEni || onDb || referenced || lag > 0) throw new AwsError('DependencyViolation', `resource ${groupId} has a dependent object`);
      this.groups.delete(groupId);
      this.releasing.delete(groupId);
    });
  }

  async authorizeRules(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[], dryRun?: boolean): Promise<void> {
    const action = direction === 'egress' ? 'ec2:AuthorizeSecurityGroupEgress' : 'ec2:AuthorizeSecurityGroupIngress';
    this.begin('authorizeRules', action, !!dryRun, [direction, groupId, rules]);
    const g = this.mustSeeGroup(groupId);
    for (const r of rules) if (r.peerGroupId) this.mustSeeGroup(r.peerGroupId);
    if (dryRun) throw this.dryRunOk();
    return this.effect('authorizeRules', () => {
      const list = g[direction];
      for (const r of rules) {
        if (r.peerGroupId && this.groups.get(r.peerGroupId)?.vpcId !== g.vpcId) throw new AwsError('InvalidGroup.NotFound', `peer ${r.peerGroupId} is not in ${g.vpcId}`);
        if (list.some((x) => sameRule(x, r))) throw new AwsError('InvalidPermission.Duplicate', `the specified rule already exists in ${groupId}`);
      }
      list.push(...rules.map(copyRule));
    });
  }

  async revokeRules(direction: RuleDirection, groupId: string, rules: readonly SecurityGroupRule[], dryRun?: boolean): Promise<void> {
    const action = direction === 'egress' ? 'ec2:RevokeSecurityGroupEgress' : 'ec2:RevokeSecurityGroupIngress';
    this.begin('revokeRules', action, !!dryRun, [direction, groupId, rules]);
    const g = this.mustSeeGroup(groupId);
    if (dryRun) throw this.dryRunOk();
    return this.effect('revokeRules', () => {
      for (const r of rules) {
        if (!g[direction].some((x) => sameRule(x, r))) throw new AwsError('InvalidPermission.NotFound', `the specified rule does not exist in ${groupId}`);
      }
      g[direction] = g[direction].filter((x) => !rules.some((r) => sameRule(x, r)));
    });
  }

  async setInterfaceGroups(interfaceId: string, groupIds: readonly string[], dryRun?: boolean): Promise<void> {
    this.begin('setInterfaceGroups', 'ec2:ModifyNetworkInterfaceAttribute', !!dryRun, [interfaceId, groupIds]);
    const n = this.enis.get(interfaceId);
    if (!n) throw new AwsError('InvalidNetworkInterfaceID.NotFound', `${interfaceId} does not exist`);
    for (const id of groupIds) this.mustSeeGroup(id);
    if (dryRun) throw this.dryRunOk();
    return this.effect('setInterfaceGroups', () => {
      if (groupIds.length === 0) throw new AwsError('MissingParameter', 'an interface needs at least one security group');
      if (groupIds.length > this.groupsPerInterface) throw new AwsError('SecurityGroupsPerInterfaceLimitExceeded', 'too many groups on the interface');
      for (const id of groupIds) {
        if (this.groups.get(id)?.vpcId !== n.vpcId) throw new AwsError('InvalidGroup.NotFound', `${id} is not in ${n.vpcId}`);
      }
      n.groupIds = [...groupIds];
    });
  }

  async setDatabaseGroups(target: DbTarget, groupIds: readonly string[]): Promise<void> {
    const action = target.kind === 'cluster' ? 'rds:ModifyDBCluster' : 'rds:ModifyDBInstance';
    this.begin('setDatabaseGroups', action, false, [target, groupIds]);
    const d = this.dbs.get(`${target.kind}:${target.id}`);
    if (!d) throw new AwsError(target.kind === 'cluster' ? 'DBClusterNotFoundFault' : 'DBInstanceNotFound', `${target.id} not found`, 404);
    return this.effect('setDatabaseGroups', () => {
      if (d.base.kind === 'instance' && d.base.clusterId) {
        throw new AwsError('InvalidParameterCombination', 'The requested DB Instance will be a member of a DB Cluster. Set VPC security groups for the DB Cluster.');
      }
      if (d.base.status !== 'available') throw new AwsError(target.kind === 'cluster' ? 'InvalidDBClusterStateFault' : 'InvalidDBInstanceState', `${target.id} is ${d.base.status}`);
      if (groupIds.length === 0 || groupIds.length > this.groupsPerInterface) throw new AwsError('InvalidParameterValue', 'bad number of groups');
      for (const id of groupIds) {
        const g = this.groups.get(id);
        if (!g || (d.base.vpcId && g.vpcId !== d.base.vpcId)) throw new AwsError('InvalidVPCNetworkStateFault', `${id} is not in the DB's VPC`);
      }
      for (const old of d.groupIds) if (!groupIds.includes(old) && this.rdsReleaseLag > 0) this.releasing.set(old, this.rdsReleaseLag);
      d.groupIds = [...groupIds];
    });
  }

  // -------------------------------------------------------------------------------------------

  private record(method: Method, dryRun: boolean, args: unknown[]): void {
    this.calls.push({ method, dryRun, args });
  }

  private begin(method: Method, action: string, dryRun: boolean, args: unknown[]): void {
    this.record(method, dryRun, args);
    if (this.denied.has(action)) {
      if (action.startsWith('rds:')) throw new AwsError('AccessDenied', `User is not authorized to perform: ${action}`, 403);
      throw new AwsError('UnauthorizedOperation', 'You are not authorized to perform this operation. Encoded authorization failure message: …', 403);
    }
  }

  private dryRunOk(): AwsError {
    return new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
  }

  /** Runs a real mutation through the fault injector. */
  private effect<T>(method: Method, apply: () => T): T {
    const inj = this.injections.find((i) => i.method === method);
    if (inj && inj.skip > 0) {
      inj.skip--;
    } else if (inj) {
      if (--inj.times <= 0) this.injections.splice(this.injections.indexOf(inj), 1);
      if (inj.kind === 'rejected') throw new AwsError('InjectedFault', `injected failure of ${method}`);
      if (inj.kind === 'unavailable') throw new AwsError('ServiceUnavailable', `injected 503 on ${method}`, 503);
      if (inj.kind === 'ignored') return undefined as T;
      if (inj.kind === 'cancelled' || inj.kind === 'cancelledBeforeAws') {
        const signal = this.callSignal;
        this.onCancel?.();
        if (inj.kind === 'cancelled' || !signal?.aborted) {
          const out = apply();
          if (!signal?.aborted) return out;
        }
        throw new CancelledError(`${method} aborted in flight`);
      }
      apply();
      if (inj.kind === 'lostRetried') {
        try {
          return apply();
        } catch (err) {
          if (err instanceof AwsError) Object.assign(err.$metadata, { attempts: 2 });
          throw err;
        }
      }
      throw new AwsError('TimeoutError', `injected lost answer of ${method}`, null);
    }
    return apply();
  }

  private mustSeeGroup(id: string): MutableGroup {
    const g = this.groups.get(id);
    // Time here is the number of calls made: a new group shows up `invisibleCalls` calls later.
    const invisible = this.calls.length < (this.fresh.get(id) ?? 0);
    if (!g || invisible) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  }

  private toGroup(g: MutableGroup): SecurityGroup {
    return { ...g, tags: { ...g.tags }, ingress: g.ingress.map(copyRule), egress: g.egress.map(copyRule) };
  }

  private toDb(d: MutableDb): RdsDatabase {
    const cluster = d.base.kind === 'instance' && d.base.clusterId ? this.dbs.get(`cluster:${d.base.clusterId}`) : undefined;
    return { ...d.base, securityGroupIds: [...(cluster ?? d).groupIds] };
  }
}

/** The LinkApi method a step calls. */
function methodOf(step: PlanStep): Method {
  switch (step.kind) {
    case 'createGroup':
      return 'createSecurityGroup';
    case 'revokeDefaultEgress':
    case 'revokeRule':
      return 'revokeRules';
    case 'authorizeRule':
      return 'authorizeRules';
    case 'setInterfaceGroups':
      return 'setInterfaceGroups';
    case 'setDatabaseGroups':
      return 'setDatabaseGroups';
    case 'deleteGroup':
      return 'deleteSecurityGroup';
  }
}
