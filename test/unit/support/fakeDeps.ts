/**
 * Deps for unit tests of command handlers: a scripted person (TestUserInput), a log that keeps
 * its lines, settings, mementos and secrets in memory, a store holding the resources a test
 * gives, and the real core modules (they need no editor). Anything a test needs beyond that it
 * passes in `overrides`.
 */
import type * as vscode from 'vscode';
import * as aws from '../../../src/core/aws/index';
import * as db from '../../../src/core/db/index';
import * as deploy from '../../../src/core/deploy/index';
import * as goconfig from '../../../src/core/goconfig/index';
import type { Ec2Instance, RdsDatabase, TargetHealth } from '../../../src/core/aws/types';
import type { BlueGreenDeployment, LinkApi, LinkedPair } from '../../../src/core/aws/index';
import type { Deps } from '../../../src/commands/deps';
import { HostKeyMemento } from '../../../src/state/hostKeys';
import { PasswordStore } from '../../../src/state/passwords';
import type { RegionResult, ResourceStore, Service, SessionState } from '../../../src/state/resourceStore';
import type { EiceTunnelSettings, SettingsAccess, SsmDeploySettings } from '../../../src/state/settings';
import type { WorkspaceFiles } from '../../../src/services/workspaceFiles';
import { leftWorkIn } from '../../../src/state/leftWork';
import { TargetStore } from '../../../src/state/targets';
import { TestUserInput } from './testUserInput';
import { EventEmitter, Uri } from './vscodeModule';

export class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
  setKeysForSync(): void {}
}

export class MemorySecrets {
  readonly values = new Map<string, string>();
  private readonly changed = new EventEmitter<{ key: string }>();
  readonly onDidChange = this.changed.event;
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
  async keys(): Promise<string[]> {
    return [...this.values.keys()];
  }
}

export class MemoryLog {
  readonly lines: string[] = [];
  shown = false;
  info(m: string): void { this.lines.push(`info ${m}`); }
  warn(m: string): void { this.lines.push(`warn ${m}`); }
  error(m: string | Error): void { this.lines.push(`error ${String(m)}`); }
  debug(m: string): void { this.lines.push(`debug ${m}`); }
  trace(m: string): void { this.lines.push(`trace ${m}`); }
  show(): void { this.shown = true; }
}

export class MemorySettings implements SettingsAccess {
  readonly values = new Map<string, unknown>();
  user<T>(key: string, fallback: T): T {
    return (this.values.get(key) as T | undefined) ?? fallback;
  }
  async write(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
  configMaxFileSizeKb(): number {
    return (this.values.get('config.maxFileSizeKb') as number | undefined) ?? 1024;
  }
  eiceTunnel(): EiceTunnelSettings {
    return (this.values.get('eiceTunnel') as EiceTunnelSettings | undefined) ?? { maxTunnelDurationSeconds: 3600 };
  }
  ssmDeploy(): SsmDeploySettings {
    return (this.values.get('ssmDeploy') as SsmDeploySettings | undefined) ?? { threshold: 20, bucket: '' };
  }
}

/** Workspace files held in memory (path relative to the folder → text); no folder open when none are given. */
export class MemoryWorkspace implements WorkspaceFiles {
  static readonly ROOT = '/workspace/';
  /** `root`: the folder the paths are under (ends with /). */
  constructor(private readonly files?: Readonly<Record<string, string>>, private readonly root = MemoryWorkspace.ROOT) {}
  hasFolder(): boolean { return this.files !== undefined; }
  async findFiles(): Promise<vscode.Uri[]> { return Object.keys(this.files ?? {}).map((p) => Uri.file(this.root + p) as unknown as vscode.Uri); }
  async readText(uri: vscode.Uri): Promise<string> {
    const text = this.files?.[this.asRelativePath(uri)];
    if (text === undefined) throw new Error(`No such file in the test's workspace: ${uri.fsPath}`);
    return text;
  }
  /** The entries right under `uri`: a file for each path that ends there, a folder for each that goes deeper. */
  async readDirectory(uri: vscode.Uri): Promise<Array<{ name: string; kind: 'file' | 'folder' }>> {
    const under = `${uri.fsPath.replace(/\/+$/, '')}/`;
    const entries = new Map<string, 'file' | 'folder'>();
    for (const p of Object.keys(this.files ?? {}).map((k) => this.root + k).filter((k) => k.startsWith(under))) {
      const [name, ...rest] = p.slice(under.length).split('/');
      entries.set(name, rest.length ? 'folder' : 'file');
    }
    return [...entries].map(([name, kind]) => ({ name, kind }));
  }
  asRelativePath(uri: vscode.Uri): string { return uri.fsPath.replace(this.root, ''); }
}

/** The Problems view's build entries, kept. */
export class MemoryProblems {
  entries: Array<{ file: string; line: number; column?: number; message: string }> = [];
  set(entries: MemoryProblems['entries']): void { this.entries = [...entries]; }
  clear(): void { this.entries = []; }
}

export interface StoreContents {
  readonly session?: SessionState;
  readonly instances?: readonly Ec2Instance[];
  readonly databases?: readonly RdsDatabase[];
  readonly links?: readonly LinkedPair[];
  readonly blueGreen?: readonly BlueGreenDeployment[];
  /** Per region, the instances' target-group registrations (what the region load reads from ELBv2). */
  readonly targets?: Readonly<Record<string, readonly TargetHealth[]>>;
  /** What `linkApi(region)` answers (e.g. test/unit/link/fakeAws.ts); the regions asked are kept in `linkApiRegions`. */
  readonly linkApi?: LinkApi;
}

/** A store over fixed resources: what handlers read of it, and a record of the reloads they ask for. */
export class FakeStore {
  readonly reloads: Array<{ region: string; services: readonly Service[] } | 'all'> = [];
  session: SessionState;
  constructor(private contents: StoreContents = {}) {
    this.session = contents.session ?? { state: 'ready', profile: 'test', regions: ['us-east-1'], identity: { account: '123456789012', arn: 'arn:aws:iam::123456789012:user/test' } };
  }
  get regions(): readonly string[] { return this.session.regions; }
  private byRegion<T extends { region: string }>(items: readonly T[] = []): ReadonlyMap<string, RegionResult<T>> {
    return new Map(this.session.regions.map((r) => [r, { state: 'ok', items: items.filter((i) => i.region === r) }]));
  }
  get ec2(): ReadonlyMap<string, RegionResult<Ec2Instance>> { return this.byRegion(this.contents.instances); }
  get rds(): ReadonlyMap<string, RegionResult<RdsDatabase>> { return this.byRegion(this.contents.databases); }
  get links(): ReadonlyMap<string, readonly LinkedPair[]> { return new Map(this.session.regions.map((r) => [r, (this.contents.links ?? []).filter((l) => l.region === r)])); }
  get targets(): ReadonlyMap<string, readonly TargetHealth[]> { return new Map(this.session.regions.map((r) => [r, this.contents.targets?.[r] ?? []])); }
  get blueGreen(): ReadonlyMap<string, readonly BlueGreenDeployment[]> { return new Map(this.session.regions.map((r) => [r, (this.contents.blueGreen ?? []).filter((d) => d.region === r)])); }
  allInstances(): Ec2Instance[] { return [...(this.contents.instances ?? [])]; }
  allDatabases(): RdsDatabase[] { return [...(this.contents.databases ?? [])]; }
  allLinks(): LinkedPair[] { return [...(this.contents.links ?? [])]; }
  accountId(): string | undefined { return this.session.state === 'ready' ? this.session.identity.account : undefined; }
  async ensureLoaded(): Promise<void> {}
  async reload(): Promise<void> { this.reloads.push('all'); }
  async reloadRegion(region: string, services: readonly Service[] = ['ec2', 'rds']): Promise<void> { this.reloads.push({ region, services }); }
  /** What updateInstances was given, call by call; the listing then holds the new copies. */
  readonly updates: Ec2Instance[][] = [];
  updateInstances(instances: readonly Ec2Instance[]): void {
    this.updates.push([...instances]);
    const byId = new Map(instances.map((i) => [i.id, i]));
    this.contents = { ...this.contents, instances: (this.contents.instances ?? []).map((i) => byId.get(i.id) ?? i) };
  }
  updateInstance(instance: Ec2Instance): void { this.updateInstances([instance]); }
  getSession(): never { throw new Error('This test gave the store no AWS session: pass one in overrides'); }
  readonly linkApiRegions: string[] = [];
  linkApi(region: string): LinkApi {
    if (!this.contents.linkApi) throw new Error('This test gave the store no link API: pass one in its contents (linkApi)');
    this.linkApiRegions.push(region);
    return this.contents.linkApi;
  }
}

export interface FakeDeps extends Deps {
  readonly ui: TestUserInput;
  readonly log: vscode.LogOutputChannel & MemoryLog;
  readonly settings: MemorySettings;
  readonly fakeStore: FakeStore;
  readonly secrets: MemorySecrets;
}

/** Deps with a scripted person and in-memory everything; `overrides` replaces any part. */
export function fakeDeps(options: { ui?: TestUserInput; store?: StoreContents | FakeStore } & Partial<Omit<Deps, 'ui' | 'store'>> = {}): FakeDeps {
  const { ui = new TestUserInput(), store, ...overrides } = options;
  const fakeStore = store instanceof FakeStore ? store : new FakeStore(store);
  const globalState = new MemoryMemento();
  const secrets = new MemorySecrets();
  const log = new MemoryLog() as unknown as vscode.LogOutputChannel & MemoryLog;
  const missing = (what: string) => new Proxy({}, { get: (_t, k) => { throw new Error(`This test gave no ${what} (deps.${what}.${String(k)} was used): pass one in overrides`); } });
  return {
    log,
    ui,
    settings: new MemorySettings(),
    store: fakeStore as unknown as ResourceStore,
    fakeStore,
    secrets,
    targets: new TargetStore(new MemoryMemento()),
    passwords: new PasswordStore(secrets as unknown as vscode.SecretStorage),
    hostKeys: new HostKeyMemento(globalState),
    globalState,
    leftWork: leftWorkIn(globalState),
    connections: missing('connections') as Deps['connections'],
    keyMaps: missing('keyMaps') as Deps['keyMaps'],
    views: missing('views') as Deps['views'],
    documents: missing('documents') as Deps['documents'],
    workspace: missing('workspace') as Deps['workspace'],
    paths: { extension: '/nonexistent/extension', globalStorage: '/nonexistent/storage' },
    subscriptions: [],
    core: { aws: () => aws, db: () => db, goconfig: () => goconfig, deploy: () => deploy },
    instanceSessions: missing('instanceSessions') as Deps['instanceSessions'],
    problems: new MemoryProblems(),
    files: new MemoryWorkspace(),
    ...overrides,
  } as FakeDeps;
}
