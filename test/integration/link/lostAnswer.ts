/**
 * The lost-answer suite, shared by the integration test and the benchmark: every mutating step of
 * a link and of an unlink, each tripped in turn by the proxy (answer lost, connection reset, HTTP
 * 500) while the real SDK retries, against moto. After each case the outcome is judged by
 * describing AWS: the run completed and the link (or its absence) is exactly as a clean run
 * leaves it, or the run failed and AWS is exactly as before, and the message says which.
 */
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ApplyFailedError, applyPlan, createSdkLinkApi, listLinks, prepareLink, prepareUnlink, type LinkApi } from '../../../src/core/aws/link';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession } from '../../../src/core/aws/session';
import { clientConfig, seedSandbox, type SandboxIds } from '../aws/sandbox';
import { startMoto, type MotoServer } from '../support';
import { startCancelProxy, type CancelProxy, type Fault } from './cancelProxy';

const REGION = 'us-east-1';
const DB = { kind: 'instance' as const, id: 'goapp-db' };
const fast = { deleteRetryDelaysMs: [50, 100], consistencyRetryDelaysMs: [50] };

export const FAULTS: readonly Fault[] = ['answerLost', 'connectionReset', 'http500'];
export const LINK_ACTIONS = ['CreateSecurityGroup', 'CreateSecurityGroup', 'RevokeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'AuthorizeSecurityGroupEgress', 'AuthorizeSecurityGroupIngress', 'ModifyNetworkInterfaceAttribute', 'ModifyDBInstance'];
export const UNLINK_ACTIONS = ['ModifyNetworkInterfaceAttribute', 'ModifyDBInstance', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'DeleteSecurityGroup', 'DeleteSecurityGroup'];

export interface LostAnswerCase {
  readonly op: 'link' | 'unlink';
  /** 0-based index of the mutating call that is tripped. */
  readonly index: number;
  readonly fault: Fault;
}

export interface LostAnswerOutcome {
  /** complete: the run finished; asItWas: it failed and said AWS is as it was; leftBehind: it failed and said what is left. */
  readonly outcome: 'complete' | 'asItWas' | 'leftBehind';
  /** What the user reads: the failure's message, or '' for a run that completed. */
  readonly message: string;
  /** Differences between AWS and the state the outcome claims (must be 0). */
  readonly leftovers: number;
  /** The proxy's log of the run's calls, the tripped one marked "(held)". */
  readonly actions: readonly string[];
}

/** A VPC's groups (by name, rules with peers by name), the instance's and the DB's groups by name. */
type Shape = Map<string, Set<string>>;

function differences(a: Shape, b: Shape): number {
  let n = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (!x || !y) {
      n++;
      continue;
    }
    n += [...x].filter((v) => !y.has(v)).length + [...y].filter((v) => !x.has(v)).length;
  }
  return n;
}

export class LostAnswerSuite {
  private constructor(
    private readonly moto: MotoServer,
    private readonly proxy: CancelProxy,
    private readonly ids: SandboxIds,
    private readonly ec2: EC2Client,
    private readonly rds: RDSClient,
    private readonly direct: LinkApi,
    private readonly unlinked: Shape,
    private readonly linked: Shape,
  ) {}

  static async start(): Promise<LostAnswerSuite> {
    const moto = await startMoto();
    const ids = await seedSandbox(moto.endpoint);
    const proxy = await startCancelProxy(moto.endpoint);
    // Straight to moto: setting up and judging a case is not part of what the proxy trips.
    const ec2 = new EC2Client(clientConfig(moto.endpoint, REGION));
    const rds = new RDSClient(clientConfig(moto.endpoint, REGION));
    const direct = createSdkLinkApi(ec2, rds);
    const probe = new LostAnswerSuite(moto, proxy, ids, ec2, rds, direct, new Map(), new Map());
    const unlinked = await probe.shape();
    await probe.link(direct);
    const linked = await probe.shape();
    await probe.unlinkAll();
    return new LostAnswerSuite(moto, proxy, ids, ec2, rds, direct, unlinked, linked);
  }

  async stop(): Promise<void> {
    this.ec2.destroy();
    this.rds.destroy();
    await this.proxy.stop();
    await this.moto.stop();
  }

  /** Runs one case from its clean starting point, and leaves AWS clean for the next. */
  async run(c: LostAnswerCase): Promise<LostAnswerOutcome> {
    if (c.op === 'unlink') await this.link(this.direct);
    const before = c.op === 'link' ? this.unlinked : this.linked;
    const afterSuccess = c.op === 'link' ? this.linked : this.unlinked;
    // A session of its own per case: the SDK's retry quota starts full, as in a fresh window.
    const session = new AwsSession({ endpointUrl: this.proxy.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) });
    const api = createSdkLinkApi(session.ec2(REGION), session.rds(REGION));
    let outcome: LostAnswerOutcome['outcome'] = 'complete';
    let message = '';
    try {
      const plan = c.op === 'link' ? (await prepareLink(api, { instanceId: this.web(), db: DB })).plan : (await prepareUnlink(api, await this.theLink(api))).plan;
      if (plan.status !== 'ready') throw new Error(`the ${c.op} plan is ${plan.status}: ${plan.refusal?.message ?? ''}`);
      this.proxy.arm({ nth: c.index + 1, fault: c.fault });
      const result = await applyPlan(plan, api, fast);
      if (result.status !== 'applied' || result.keptGroups.length) message = `applied with kept groups: ${result.keptGroups.map((k) => `${k.name}: ${k.reason}`).join('; ')}`;
    } catch (err) {
      if (!(err instanceof ApplyFailedError)) throw err;
      message = err.message;
      outcome = /AWS is as it was\.$|Nothing had been changed\./.test(err.message) ? 'asItWas' : 'leftBehind';
    } finally {
      session.dispose();
    }
    const now = await this.shape();
    const leftovers = outcome === 'complete' ? differences(now, afterSuccess) + (message ? 1 : 0) : outcome === 'asItWas' ? differences(now, before) : 0;
    const actions = [...this.proxy.actions];
    await this.unlinkAll();
    return { outcome, message, leftovers, actions };
  }

  private web(): string {
    return this.ids.instances['goapp-web'];
  }

  private async link(api: LinkApi): Promise<void> {
    const { plan } = await prepareLink(api, { instanceId: this.web(), db: DB });
    await applyPlan(plan, api, fast);
  }

  private async theLink(api: LinkApi) {
    const links = await listLinks(api, await listInstances(this.ec2, REGION), await listDatabases(this.rds, REGION));
    const found = links.find((l) => l.instance.id === this.web() && l.dbTarget.id === DB.id);
    if (!found) throw new Error('goapp-web is not linked to goapp-db');
    return found;
  }

  /** Back to the clean state: unlink what is linked, then delete any pair-named group left. */
  private async unlinkAll(): Promise<void> {
    const links = await listLinks(this.direct, await listInstances(this.ec2, REGION), await listDatabases(this.rds, REGION));
    for (const l of links) await applyPlan((await prepareUnlink(this.direct, l)).plan, this.direct, fast);
    const left = (await this.direct.describeSecurityGroups({ vpcId: this.ids.vpcId })).filter((g) => /^(ec2-rds|rds-ec2)-\d+$/.test(g.name));
    for (const g of left) {
      for (const o of await this.direct.describeSecurityGroups({ vpcId: this.ids.vpcId })) {
        for (const dir of ['ingress', 'egress'] as const) {
          const naming = o[dir].filter((r) => r.peerGroupId === g.id);
          if (naming.length) await this.direct.revokeRules(dir, o.id, naming);
        }
      }
    }
    const eni = await this.primaryInterface();
    const db = await this.dbGroupIds();
    const leftIds = new Set(left.map((g) => g.id));
    if (eni && eni.groups.some((id) => leftIds.has(id))) await this.direct.setInterfaceGroups(eni.id, eni.groups.filter((id) => !leftIds.has(id)));
    if (db.some((id) => leftIds.has(id))) await this.direct.setDatabaseGroups(DB, db.filter((id) => !leftIds.has(id)));
    for (const g of left) await this.direct.deleteSecurityGroup(g.id);
  }

  private async primaryInterface(): Promise<{ id: string; groups: string[] } | undefined> {
    const out = await this.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [this.web()] }] }));
    const n = (out.NetworkInterfaces ?? []).find((x) => x.Attachment?.DeviceIndex === 0);
    return n ? { id: n.NetworkInterfaceId ?? '', groups: (n.Groups ?? []).map((g) => g.GroupId ?? '') } : undefined;
  }

  private async dbGroupIds(): Promise<string[]> {
    const out = await this.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DB.id }));
    return (out.DBInstances?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '');
  }

  /** AWS as the case is judged: names, not ids, since a clean run's groups get new ids each time. */
  private async shape(): Promise<Shape> {
    const groups = (await this.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [this.ids.vpcId] }] }))).SecurityGroups ?? [];
    const nameOf = new Map(groups.map((g) => [g.GroupId ?? '', g.GroupName ?? '']));
    const rules = (dir: string, ps: NonNullable<(typeof groups)[number]['IpPermissions']> = []) =>
      ps.flatMap((p) => [
        ...(p.UserIdGroupPairs ?? []).map((u) => `${dir} ${p.IpProtocol} ${p.FromPort} ${p.ToPort} group:${nameOf.get(u.GroupId ?? '') ?? u.GroupId}`),
        ...(p.IpRanges ?? []).map((r) => `${dir} ${p.IpProtocol} ${p.FromPort} ${p.ToPort} ${r.CidrIp}`),
      ]);
    const shape: Shape = new Map();
    for (const g of groups) shape.set(`group ${g.GroupName}`, new Set([...rules('in', g.IpPermissions), ...rules('out', g.IpPermissionsEgress)]));
    const names = (ids: readonly string[]) => new Set(ids.map((id) => nameOf.get(id) ?? id));
    shape.set('instance', names((await this.primaryInterface())?.groups ?? []));
    shape.set('database', names(await this.dbGroupIds()));
    return shape;
  }
}
