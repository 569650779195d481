/**
 * What the two views show, loaded per region and kept between renders. Regions load
 * concurrently; each region's result is independent, so one failing region shows an error node
 * while the others stay visible. The AWS bundle is loaded on the first load, not at activation.
 */
import * as vscode from 'vscode';
import type { AwsProblem, AwsSession, BlueGreenDeployment, CallerIdentity, LinkApi, LinkedPair } from '../core/aws/index';
import type { Ec2Instance, RdsDatabase } from '../core/aws/types';
import { describeError } from '../core/errors';
import { ContextKeys } from '../ids';
import { loadAws } from '../lazy';
import { readSessionSettings, type SessionSettings } from '../ui/settings';

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

export class ResourceStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Service | undefined>();
  readonly onDidChange = this.changed.event;
  private awsSession: AwsSession | undefined;
  private settings: SessionSettings = readSessionSettings();
  private generation = 0;
  /** Aborts the calls of the load in progress when a newer load replaces it (or on dispose). */
  private loadAbort = new AbortController();
  private inFlight: Promise<void> | undefined;
  /** The account of the last session that answered, for keys that must not change during a reload. */
  lastAccount: string | undefined;
  session: SessionState = { state: 'idle', profile: '', regions: [] };
  readonly ec2 = new Map<string, RegionResult<Ec2Instance>>();
  readonly rds = new Map<string, RegionResult<RdsDatabase>>();
  /** Links found by the console's rules among a region's listed instances and DBs. */
  readonly links = new Map<string, readonly LinkedPair[]>();
  /** Blue/Green deployments per region (loaded with the region's DBs). */
  readonly blueGreen = new Map<string, readonly BlueGreenDeployment[]>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get regions(): readonly string[] {
    return this.session.regions;
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
    const signal = this.loadAbort.signal;
    // The old session is not destroyed: a command may still be using its clients, and destroying
    // a client mid-request makes the SDK send that request again. Idle sockets close on their own.
    this.awsSession = undefined;
    this.settings = readSessionSettings();
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
    this.ec2.clear();
    this.rds.clear();
    this.links.clear();
    this.blueGreen.clear();
    this.changed.fire(undefined);

    const session = this.getSession();
    try {
      const identity = await session.callerIdentity(regions[0], signal);
      if (gen !== this.generation) return;
      this.lastAccount = identity.account;
      this.setSession({ state: 'ready', profile, regions, identity });
      this.log.info(`Session: profile ${profile}, account ${identity.account}, regions ${regions.join(', ')}`);
    } catch (err) {
      if (gen !== this.generation) return;
      const problem = aws.classifyAwsError(err, 'sts:GetCallerIdentity', profile);
      this.log.error(`Session for profile ${profile} failed: ${describeError(err)}`);
      this.setSession(problem.kind === 'noCredentials' || problem.kind === 'ssoExpired'
        ? { state: 'noCredentials', profile, regions, problem }
        : { state: 'error', profile, regions, problem });
      this.changed.fire(undefined);
      return;
    }
    await Promise.all(regions.map(async (r) => {
      await Promise.all([this.loadRegion('ec2', r, gen), this.loadRegion('rds', r, gen)]);
      await this.loadLinks(r, gen);
    }));
  }

  /** The EC2/RDS calls a link or unlink makes in one region (a command passes its cancel to the calls). */
  linkApi(region: string, signal?: AbortSignal): LinkApi {
    const clients = this.getSession().withSignal(signal);
    return loadAws().createSdkLinkApi(clients.ec2(region), clients.rds(region));
  }

  private async loadLinks(region: string, gen: number): Promise<void> {
    const ec2 = this.ec2.get(region);
    const rds = this.rds.get(region);
    if (ec2?.state !== 'ok' || rds?.state !== 'ok') return;
    try {
      const links = await loadAws().listLinks(this.linkApi(region, this.loadAbort.signal), ec2.items, rds.items);
      if (gen !== this.generation) return;
      this.links.set(region, links);
      this.changed.fire(undefined);
    } catch (err) {
      // The views stay useful without links; the log says why they are missing.
      this.log.warn(`Finding links in ${region} failed: ${describeError(err)}`);
    }
  }

  private async loadBlueGreen(region: string, gen: number): Promise<void> {
    try {
      const list = await loadAws().listBlueGreenDeployments(this.getSession().withSignal(this.loadAbort.signal).rds(region), region);
      if (gen === this.generation) this.blueGreen.set(region, list);
    } catch (err) {
      // Without the permission the tree just shows no deployments; the log says why.
      this.log.warn(`Listing Blue/Green deployments in ${region} failed: ${describeError(err)}`);
    }
  }

  allLinks(): LinkedPair[] {
    return [...this.links.values()].flat();
  }

  /**
   * Reloads services of one region, then the region's links: after a link, unlink, start, stop
   * or Blue/Green change, or the retry on an error node.
   */
  async reloadRegion(region: string, services: readonly Service[] = ['ec2', 'rds']): Promise<void> {
    const gen = this.generation;
    await Promise.all(services.map((s) => this.loadRegion(s, region, gen)));
    await this.loadLinks(region, gen);
  }

  private async loadRegion(service: Service, region: string, gen: number): Promise<void> {
    const aws = loadAws();
    const session = this.getSession().withSignal(this.loadAbort.signal);
    const target = service === 'ec2' ? this.ec2 : this.rds;
    target.set(region, { state: 'loading' });
    this.changed.fire(service);
    const started = performance.now();
    try {
      const items = service === 'ec2'
        ? await aws.listInstances(session.ec2(region), region)
        : await aws.listDatabases(session.rds(region), region);
      if (service === 'rds') await this.loadBlueGreen(region, gen);
      if (gen !== this.generation) return;
      (target as Map<string, RegionResult<unknown>>).set(region, { state: 'ok', items });
      this.log.info(`Listed ${items.length} ${service === 'ec2' ? 'instances' : 'databases'} in ${region} in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      if (gen !== this.generation) return;
      const operation = service === 'ec2' ? 'ec2:DescribeInstances' : 'rds:DescribeDBInstances';
      const problem = aws.classifyAwsError(err, operation, this.session.profile);
      target.set(region, { state: 'error', problem });
      this.log.error(`Listing ${service} in ${region} failed: ${describeError(err)}`);
    }
    this.changed.fire(service);
  }

  /** Replaces one instance after a describe (the transitional-state refresh). */
  updateInstance(instance: Ec2Instance): void {
    const r = this.ec2.get(instance.region);
    if (r?.state !== 'ok') return;
    this.ec2.set(instance.region, { state: 'ok', items: r.items.map((i) => (i.id === instance.id ? instance : i)) });
    this.changed.fire('ec2');
  }

  allInstances(): Ec2Instance[] {
    return [...this.ec2.values()].flatMap((r) => (r.state === 'ok' ? r.items : []));
  }

  allDatabases(): RdsDatabase[] {
    return [...this.rds.values()].flatMap((r) => (r.state === 'ok' ? r.items : []));
  }

  private setSession(s: SessionState): void {
    this.session = s;
    void vscode.commands.executeCommand('setContext', ContextKeys.session, s.state);
    void vscode.commands.executeCommand('setContext', ContextKeys.ssoExpired, s.state === 'noCredentials' && s.problem.kind === 'ssoExpired');
  }

  dispose(): void {
    this.loadAbort.abort();
    this.awsSession?.dispose();
    this.changed.dispose();
  }
}
