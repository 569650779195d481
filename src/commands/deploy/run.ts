/**
 * The deploy run, without the editor: look at the instances (architecture, current release),
 * build once per architecture, install the systemd unit where asked, then carry the plan out with
 * the SSH executor. The handlers (deploy.ts, rollbackDeployment.ts) ask the person in between;
 * the integration test drives these functions to real test hosts. No `vscode` here: log lines
 * are for the output channel, the person's words come from the handlers.
 *
 * The DB settings (the password among them) reach the instance only as the env file's content,
 * on the SSH session's stdin (SshDeployExecutor): never a log line, an argument or a file here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Ec2Instance } from '../../core/aws/types';
import type * as DeployModule from '../../core/deploy/index';
import type { BatchTraffic, BuildDiagnostic, DeployEvent, DeployFile, DeployOutcome, DeployPlan, LayoutOptions, ShippedFiles, SshDeployExecutor } from '../../core/deploy/index';
import type { SshSession } from '../../core/instance/sshSession';
import type { Cancellation } from '../../core/lifetime';

export interface Hosts {
  readonly core: typeof DeployModule;
  readonly file: DeployFile;
  readonly instances: readonly Ec2Instance[];
  readonly openSession: (instance: Ec2Instance) => Promise<SshSession>;
  readonly log: (line: string) => void;
  /** Paths under a root and the way to root, per instance (tests); default the real layout with `sudo -n`. */
  readonly layout?: (instanceId: string) => Omit<LayoutOptions, 'service'>;
  /** The restart command per instance; default the deploy file's. */
  readonly restartCommand?: (instanceId: string) => string;
  /** The status command per instance (exits 0 while the service runs); default the deploy file's. */
  readonly statusCommand?: (instanceId: string) => string;
  /** Drains each batch from the deploy file's load balancer and brings it back (commands/deploy/loadBalancer.ts). */
  readonly traffic?: BatchTraffic;
}

/** What the instances said before anything changed. */
export interface Survey {
  /** EC2's name of each reachable instance's CPU architecture (x86_64, arm64). */
  readonly architectures: ReadonlyMap<string, string>;
  /** The release each instance runs now (absent: a first deploy there). */
  readonly current: ReadonlyMap<string, string>;
  /** Why an instance could not be reached; it then fails its batch with this reason. */
  readonly unreachable: ReadonlyMap<string, string>;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One SSH session per instance for the whole run; a failed open stays failed (its batch fails with the reason). */
export class SessionPool {
  private readonly sessions = new Map<string, Promise<SshSession>>();
  constructor(private readonly h: Pick<Hosts, 'instances' | 'openSession'>) {}

  get(instanceId: string): Promise<SshSession> {
    let s = this.sessions.get(instanceId);
    if (!s) {
      const instance = this.h.instances.find((i) => i.id === instanceId);
      s = instance ? this.h.openSession(instance) : Promise.reject(new Error(`${instanceId} is not among the deploy's instances`));
      s.catch(() => undefined);
      this.sessions.set(instanceId, s);
    }
    return s;
  }

  async close(): Promise<void> {
    const opened = [...this.sessions.values()];
    this.sessions.clear();
    // A session that never opened has nothing to close.
    await Promise.allSettled(opened.map(async (pending) => (await pending).close()));
  }
}

export function layoutOf(h: Pick<Hosts, 'core' | 'file' | 'layout'>, instanceId: string): InstanceType<typeof DeployModule.ReleaseLayout> {
  return new h.core.ReleaseLayout({ ...(h.layout?.(instanceId) ?? {}), service: h.file.service });
}

/**
 * The current release on every instance, in parallel, and its architecture: EC2's Architecture
 * when the listing has it, else what `uname -m` says there.
 */
export async function survey(h: Hosts, pool: SessionPool): Promise<Survey> {
  const architectures = new Map<string, string>();
  const current = new Map<string, string>();
  const unreachable = new Map<string, string>();
  await Promise.all(
    h.instances.map(async (i) => {
      try {
        const s = await pool.get(i.id);
        const layout = layoutOf(h, i.id);
        const r = await s.exec(`uname -m; ${layout.currentReleaseCommand()}`, { timeoutMs: 30_000 });
        const [machine = '', release = ''] = r.stdout.split('\n').map((x) => x.trim());
        const architecture = i.architecture ?? (machine === 'aarch64' ? 'arm64' : machine);
        architectures.set(i.id, architecture);
        if (release) current.set(i.id, release);
        h.log(`[${i.id}] ${architecture}${i.architecture ? ' (EC2)' : ` (uname -m: ${machine})`}, ${release ? `runs ${release}` : 'no release yet'}`);
      } catch (err) {
        unreachable.set(i.id, message(err));
        h.log(`[${i.id}] cannot be reached: ${message(err)}`);
      }
    }),
  );
  return { architectures, current, unreachable };
}

/** The deploy file's files, read once, before anything is built or touched; a ShippedFilesError names each one that cannot go. */
export function collectShipped(h: Pick<Hosts, 'core' | 'file'>, folder: string): Promise<ShippedFiles> {
  const binary = h.file.service;
  return h.core.collectShippedFiles(folder, h.file.files, [binary, `${binary}.gz`]);
}

export type BuildOutcome =
  | { readonly ok: true; readonly binaries: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly message: string; readonly diagnostics: readonly BuildDiagnostic[] };

/** One `go build` per architecture; instance id → its binary. Unreachable instances get the first one (they fail before the upload). */
export async function buildBinaries(
  h: Pick<Hosts, 'core' | 'file' | 'instances' | 'log'>,
  s: Survey,
  o: { readonly go: string; readonly folder: string; readonly outDir: string; readonly version: string; readonly signal?: Cancellation; readonly env?: NodeJS.ProcessEnv },
): Promise<BuildOutcome> {
  const reachable = h.instances.filter((i) => s.architectures.has(i.id));
  const plan = h.core.planArchitectures(reachable.map((i) => ({ instanceId: i.id, architecture: s.architectures.get(i.id) })));
  if (!plan.ok) return { ok: false, message: plan.message, diagnostics: [] };
  fs.mkdirSync(o.outDir, { recursive: true });
  const binaries = new Map<string, string>();
  for (const [arch, ids] of plan.byArch) {
    const outFile = path.join(o.outDir, `${h.file.service}-linux-${arch}`);
    const cmd = h.core.goBuildCommand({ go: o.go, cwd: o.folder, package: h.file.build.package, arch, outFile, version: o.version, versionVariable: h.file.build.versionVariable, ...(o.env ? { env: o.env } : {}) });
    const r = await h.core.runGoBuild(cmd, outFile, { log: h.log, ...(o.signal ? { signal: o.signal } : {}) });
    if (!r.ok) return r;
    h.log(`Built ${outFile} (${r.bytes} bytes) for ${ids.join(', ')}`);
    for (const id of ids) binaries.set(id, outFile);
  }
  const any = [...binaries.values()][0];
  for (const i of h.instances) if (!binaries.has(i.id) && any) binaries.set(i.id, any);
  return { ok: true, binaries };
}

/** Writes the systemd unit (and the service's system user) on these instances; the unit text goes on stdin. */
export async function installUnit(h: Hosts, pool: SessionPool, instanceIds: readonly string[]): Promise<void> {
  await Promise.all(
    instanceIds.map(async (id) => {
      const layout = layoutOf(h, id);
      const s = await pool.get(id);
      for (const [what, command, stdin] of [
        ['the service user', layout.asRoot(layout.ensureServiceUserScript()), undefined],
        ['the systemd unit', layout.installUnitCommand(), h.core.systemdUnitText({ layout })],
      ] as const) {
        const r = await s.exec(command, { ...(stdin !== undefined ? { stdin } : {}), timeoutMs: 60_000 });
        h.log(`[${id}] installing ${what}: exit ${r.code}`);
        if (r.code !== 0) throw new Error(`${id}: installing ${what} failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
      }
    }),
  );
}

/** A deploy made ready before its plan is shown: what either transport (SSH, SSM) carries out. */
export interface PreparedDeploy {
  readonly hosts: Hosts;
  readonly plan: DeployPlan;
  readonly folder: string;
  readonly go: string;
  readonly version: string;
  readonly release: string;
  /** The deploy file's files, read before the plan is shown. */
  readonly shipped: ShippedFiles;
}

export interface Execution {
  readonly executor: SshDeployExecutor;
  readonly outcome: DeployOutcome;
}

/** A runner event as a log line. */
export function eventLine(e: DeployEvent): string {
  if (e.kind === 'batch') return `Batch ${e.batch.index + 1}/${e.of}: ${e.batch.instances.join(', ')}`;
  if (e.kind === 'traffic') return `Traffic: ${e.detail}`;
  return `[${e.instanceId}] ${e.step}${e.detail ? ` ${e.detail}` : ''}`;
}

/** Carries out the plan through the SSH executor; the executor stays open (for a rollback offer) until the caller closes it. */
export async function execute(
  h: Hosts,
  pool: SessionPool,
  plan: DeployPlan,
  o: {
    readonly folder: string;
    readonly release: string;
    readonly rollbackTo?: boolean;
    readonly binaries?: ReadonlyMap<string, string>;
    /** What collectShipped read before the build; NO_SHIPPED_FILES for a rollback (its release has them). */
    readonly shipped: ShippedFiles;
    readonly env: Readonly<Record<string, string>>;
    readonly signal?: Cancellation;
    readonly onEvent?: (e: DeployEvent) => void;
    /** Carries the plan out in place of runDeploy (Blue/Green, weighted Canary: commands/deploy/loadBalancer.ts). */
    readonly runner?: (executor: SshDeployExecutor, options: { readonly release: string; readonly signal?: Cancellation; readonly onEvent: (e: DeployEvent) => void }) => Promise<DeployOutcome>;
  },
): Promise<Execution> {
  const executor = new h.core.SshDeployExecutor({
    release: o.release,
    ...(o.rollbackTo ? { rollbackTo: true } : {}),
    openSession: (id) => pool.get(id),
    layoutFor: (id) => layoutOf(h, id),
    binaryFor: (id) => o.binaries?.get(id) ?? '',
    shipped: o.shipped,
    env: o.env,
    restartCommand: (id) => h.restartCommand?.(id) ?? h.file.restartCommand,
    statusCommand: (id) => h.statusCommand?.(id) ?? h.file.statusCommand,
    port: h.file.port,
    health: h.file.health,
    keepReleases: h.file.keepReleases,
    log: (id, line) => h.log(`[${id}] ${line}`),
  });
  const onEvent = (e: DeployEvent) => {
    h.log(eventLine(e));
    o.onEvent?.(e);
  };
  const base = { release: o.release, ...(o.signal ? { signal: o.signal } : {}), onEvent };
  const outcome = o.runner ? await o.runner(executor, base) : await h.core.runDeploy(plan, executor, { ...base, ...(h.traffic ? { traffic: h.traffic } : {}) });
  for (const i of outcome.instances) h.log(`[${i.instanceId}] ${i.state}${i.release ? `, runs ${i.release}` : ''}${i.error ? `: ${i.error}` : ''}`);
  return { executor, outcome };
}

/** The releases every instance keeps, newest first, without the one each runs now. */
export async function keptReleases(h: Hosts, pool: SessionPool): Promise<{ readonly common: readonly string[]; readonly current: ReadonlyMap<string, string> }> {
  const lists = await Promise.all(
    h.instances.map(async (i) => {
      const layout = layoutOf(h, i.id);
      const s = await pool.get(i.id);
      const r = await s.exec(`${layout.listReleasesCommand()}; echo '--'; ${layout.currentReleaseCommand()}`, { timeoutMs: 30_000 });
      const [list = '', cur = ''] = r.stdout.split('--\n');
      return { id: i.id, releases: list.split('\n').map((x) => x.trim()).filter(Boolean), current: cur.trim() };
    }),
  );
  const current = new Map(lists.filter((l) => l.current).map((l) => [l.id, l.current]));
  const common = (lists[0]?.releases ?? []).filter((r) => lists.every((l) => l.releases.includes(r) && l.current !== r)).reverse();
  return { common, current };
}
