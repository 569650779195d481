/**
 * What the two views show, loaded per region and kept between renders. Regions load
 * concurrently; each region's result is independent, so one failing region shows an error node
 * while the others stay visible. The AWS bundle is loaded on the first load, not at activation.
 */
import * as vscode from 'vscode';
import type { AwsProblem, AwsSession, BlueGreenDeployment, CallerIdentity, LinkApi, LinkedPair, RegionLoad, Settled } from '../core/aws/index';
import type { Ec2Instance, RdsDatabase, SecurityGroup, TargetHealth } from '../core/aws/types';
import { describeError } from '../core/errors';
import { ContextKeys } from '../ids';
import { loadAws } from '../lazy';
import { readSessionSettings, type SessionSettings } from './settings';

export type RegionResult<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly items: readonly T[] }
  | { readonly state: 'error'; readonly problem: AwsProblem };

export type Service = 'ec2' | 'rds';

export type SessionState =
  | { readonly state: 'idle'; readonly profile: string; readonly regions: readonly string[] }
  | { readonly state: 'loading'; readonly profile: string; readonly regions: readonly string[] }
  | { readonly state: 'noCredentials'; readonly profile: string; readonly regions: readonly string[]; readonly problem: AwsProblem }
  | { readonly state: 'ready'; readonly profile: string; readonly regions: readonly string[]; readonly identity: CallerIdentity }
  | { readonly state: 'error'; readonly profile: string; readonly regions: readonly string[]; readonly problem: AwsProblem };

/**
 * What changed: one service of one region (a listing arrived, an instance was described again),
 * one region's links, or everything (a reload, a new session state) when both are absent.
 */
export interface StoreChange {
  readonly service?: Service;
  readonly region?: string;
}

export class ResourceStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StoreChange>();
  /** Fires after the store changed; views re-render only what the change names. */
  readonly onDidChange = this.changed.event;
  private awsSession: AwsSession | undefined;
  private settings: SessionSettings;
  private generation = 0;
  /** Aborts the calls of the load in progress when a newer load replaces it (or on dispose). */
  private loadAbort = new AbortController();
  private inFlight: Promise<void> | undefined;
  private account: string | undefined;
  private current: SessionState = { state: 'idle', profile: '', regions: [] };
  private readonly instances = new Map<string, RegionResult<Ec2Instance>>();
  private readonly databases = new Map<string, RegionResult<RdsDatabase>>();
  private readonly linkPairs = new Map<string, readonly LinkedPair[]>();
  private readonly deployments = new Map<string, readonly BlueGreenDeployment[]>();
  private readonly targetHealth = new Map<string, readonly TargetHealth[]>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.settings = readSessionSettings(log);
  }

  get regions(): readonly string[] {
    return this.session.regions;
  }

  get session(): SessionState {
    return this.current;
  }

  /** The instances of each region, as listed. */
  get ec2(): ReadonlyMap<string, RegionResult<Ec2Instance>> {
    return this.instances;
  }

  /** The DB instances and clusters of each region, as listed. */
  get rds(): ReadonlyMap<string, RegionResult<RdsDatabase>> {
    return this.databases;
  }

  /** Links found by the console's rules among a region's listed instances and DBs. */
  get links(): ReadonlyMap<string, readonly LinkedPair[]> {
    return this.linkPairs;
  }

  /** Per region, the instances' registrations in target groups and their health (loaded with the region's instances). */
  get targets(): ReadonlyMap<string, readonly TargetHealth[]> {
    return this.targetHealth;
  }

  /** Blue/Green deployments per region (loaded with the region's DBs). */
  get blueGreen(): ReadonlyMap<string, readonly BlueGreenDeployment[]> {
    return this.deployments;
  }

  /**
   * The account of the session when it is ready, else of the last session that answered: keys
   * built from it (a stored password's) do not change while a reload is in progress.
   */
  accountId(): string | undefined {
    return this.current.state === 'ready' ? this.current.identity.account : this.account;
  }

  /** The live SDK session; created on first use. */
  getSession(): AwsSession {
    if (!this.awsSession) {
      const aws = loadAws();
      const log = this.log;
      this.awsSession = new aws.AwsSession({
        profile: this.settings.profile || undefined,
        endpointUrl: this.settings.endpointUrl || undefined,
        onCall: (c) => log.trace(`${c.service}:${c.operation} ${c.region} ${Math.round(c.ms)} ms${c.ok ? '' : ` failed (${c.errorName})`}`),
      });
    }
    return this.awsSession;
  }

  /** Reloads everything: settings, session, identity and every region of both services. */
  reload(): Promise<void> {
    const run = this.load().finally(() => {
      if (this.inFlight === run) this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  /** Loads once when nothing has been loaded yet; waits for a load in flight. Pickers call it. */
  async ensureLoaded(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.session.state === 'idle') return this.reload();
  }

  private async load(): Promise<void> {
    const gen = ++this.generation;
    // A reload replaces the load in flight: its calls would only be thrown away.
    this.loadAbort.abort();
    this.loadAbort = new AbortController();
    // The old session is not destroyed: a command may still be using its clients, and destroying
    // a client mid-request makes the SDK send that request again. Idle sockets close on their own.
    this.awsSession = undefined;
    this.settings = readSessionSettings(this.log);
    const aws = loadAws();
    const profile = aws.effectiveProfileName(this.settings.profile);
    let profileRegion: string | undefined;
    try {
      profileRegion = (await aws.listProfiles()).find((p) => p.name === profile)?.region;
    } catch (err) {
      this.log.warn(`Reading the AWS config files failed: ${describeError(err)}`);
    }
    if (gen !== this.generation) return;
    const regions = aws.resolveRegions(this.settings.regions, profileRegion);
    this.setSession({ state: 'loading', profile, regions });
    this.instances.clear();
    this.databases.clear();
    this.linkPairs.clear();
    this.deployments.clear();
    this.targetHealth.clear();
    this.changed.fire({});

    const session = this.getSession();
    // The account id and every region's calls go out together: a region's listing does not wait
    // for the identity's answer, only its display does (a failed identity shows the welcome view).
    const started = aws.startSessionLoad(session, regions, this.loadAbort.signal);
    const identity = await started.identity;
    if (gen !== this.generation) return;
    if (!identity.ok) {
      const err = identity.error;
      const problem = aws.classifyAwsError(err, 'sts:GetCallerIdentity', profile);
      this.log.error(`Session for profile ${profile} failed: ${describeError(err)}`);
      this.setSession(problem.kind === 'noCredentials' || problem.kind === 'ssoExpired'
        ? { state: 'noCredentials', profile, regions, problem }
        : { state: 'error', profile, regions, problem });
      this.changed.fire({});
      return;
    }
    this.account = identity.value.account;
    this.setSession({ state: 'ready', profile, regions, identity: identity.value });
    this.log.info(`Session: profile ${profile}, account ${identity.value.account}, regions ${regions.join(', ')}`);
    await Promise.all(started.regions.map(({ region, load }) => this.applyRegionLoad(region, load, gen)));
  }

  /** The EC2/RDS calls a link or unlink makes in one region (a command passes its cancel to the calls). */
  linkApi(region: string, signal?: AbortSignal): LinkApi {
    const clients = this.getSession().withSignal(signal);
    return loadAws().createSdkLinkApi(clients.ec2(region), clients.rds(region));
  }

  private async applyLinks(region: string, gen: number, groups: Promise<Settled<SecurityGroup[]>>): Promise<void> {
    const answer = await groups;
    const ec2 = this.instances.get(region);
    const rds = this.databases.get(region);
    if (gen !== this.generation || ec2?.state !== 'ok' || rds?.state !== 'ok') return;
    if (!answer.ok) {
      // The views stay useful without links; the log says why they are missing.
      this.log.warn(`Finding links in ${region} failed: ${describeError(answer.error)}`);
      return;
    }
    this.linkPairs.set(region, loadAws().linksOf(ec2.items, rds.items, answer.value));
    // Links show under both views' nodes of this region.
    this.changed.fire({ region });
  }

  allLinks(): LinkedPair[] {
    return [...this.links.values()].flat();
  }

  /**
   * Reloads services of one region, then the region's links: after a link, unlink, start, stop
   * or Blue/Green change, or the retry on an error node.
   */
  reloadRegion(region: string, services: readonly Service[] = ['ec2', 'rds']): Promise<void> {
    return this.applyRegionLoad(region, loadAws().startRegionLoad(this.getSession(), region, services, this.loadAbort.signal), this.generation);
  }

  /** Shows each service of a region as its answer arrives, then the links among them. */
  private async applyRegionLoad(region: string, load: RegionLoad, gen: number): Promise<void> {
    const listings = Promise.all([
      load.instances && this.applyListing('ec2', region, gen, load.instances),
      load.databases && this.applyListing('rds', region, gen, load.databases, load.blueGreen && this.applyBlueGreen(region, gen, load.blueGreen)),
    ]);
    // Target groups are read at render time, so they need not wait for the listing (nor the links for them).
    await Promise.all([listings.then(() => this.applyLinks(region, gen, load.linkGroups)), load.targets && this.applyTargets(region, gen, load.targets)]);
  }

  /** The instances show at once; their target groups join them when DescribeTargetHealth has answered. */
  private async applyTargets(region: string, gen: number, answer: Promise<Settled<TargetHealth[]>>): Promise<void> {
    const list = await answer;
    if (gen !== this.generation) return;
    // Without ELBv2 permissions (or without load balancers) the view shows no target groups; the log says why.
    if (!list.ok) return void this.log.info(`Reading target groups in ${region} failed (the EC2 view shows none): ${describeError(list.error)}`);
    this.targetHealth.set(region, list.value);
    if (list.value.length) this.changed.fire({ service: 'ec2', region });
  }

  private async applyBlueGreen(region: string, gen: number, answer: Promise<Settled<BlueGreenDeployment[]>>): Promise<void> {
    const list = await answer;
    if (gen !== this.generation) return;
    if (list.ok) this.deployments.set(region, list.value);
    // Without the permission the tree just shows no deployments; the log says why.
    else this.log.warn(`Listing Blue/Green deployments in ${region} failed: ${describeError(list.error)}`);
  }

  /** `alongside` is awaited before the listing shows (the DBs show with their Blue/Green deployments). */
  private async applyListing<T>(service: Service, region: string, gen: number, answer: Promise<Settled<T[]>>, alongside?: Promise<void>): Promise<void> {
    const target = (service === 'ec2' ? this.instances : this.databases) as Map<string, RegionResult<T>>;
    target.set(region, { state: 'loading' });
    this.changed.fire({ service, region });
    const started = performance.now();
    const [result] = await Promise.all([answer, alongside]);
    if (gen !== this.generation) return;
    if (result.ok) {
      target.set(region, { state: 'ok', items: result.value });
      this.log.info(`Listed ${result.value.length} ${service === 'ec2' ? 'instances' : 'databases'} in ${region} in ${Math.round(performance.now() - started)} ms`);
    } else {
      const operation = service === 'ec2' ? 'ec2:DescribeInstances' : 'rds:DescribeDBInstances';
      target.set(region, { state: 'error', problem: loadAws().classifyAwsError(result.error, operation, this.session.profile) });
      this.log.error(`Listing ${service} in ${region} failed: ${describeError(result.error)}`);
    }
    this.changed.fire({ service, region });
  }

  /** Replaces one instance after a describe (the transitional-state refresh). */
  updateInstance(instance: Ec2Instance): void {
    this.updateInstances([instance]);
  }

  /** Replaces listed instances (a deploy's new release tags), with one change per region. */
  updateInstances(instances: readonly Ec2Instance[]): void {
    for (const region of new Set(instances.map((i) => i.region))) {
      const r = this.instances.get(region);
      if (r?.state !== 'ok') continue;
      const byId = new Map(instances.filter((i) => i.region === region).map((i) => [i.id, i]));
      this.instances.set(region, { state: 'ok', items: r.items.map((i) => byId.get(i.id) ?? i) });
      this.changed.fire({ service: 'ec2', region });
    }
  }

  allInstances(): Ec2Instance[] {
    return [...this.ec2.values()].flatMap((r) => (r.state === 'ok' ? r.items : []));
  }

  allDatabases(): RdsDatabase[] {
    return [...this.rds.values()].flatMap((r) => (r.state === 'ok' ? r.items : []));
  }

  private setSession(s: SessionState): void {
    this.current = s;
    void vscode.commands.executeCommand('setContext', ContextKeys.session, s.state);
    void vscode.commands.executeCommand('setContext', ContextKeys.ssoExpired, s.state === 'noCredentials' && s.problem.kind === 'ssoExpired');
  }

  dispose(): void {
    this.loadAbort.abort();
    this.awsSession?.dispose();
    this.changed.dispose();
  }
}
