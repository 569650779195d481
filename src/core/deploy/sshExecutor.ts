/**
 * The per-instance steps of a deploy over the instance's SSH session (core/instance): the
 * DeployExecutor that runDeploy drives in the product.
 *
 * upload:   read the current release, SFTP the binary (gzipped once per deploy: a Go binary halves,
 *           and the host unpacks it with the stock gzip) and the shipped files to a staging
 *           folder, install them as releases/<release>, write the env file from stdin;
 * activate: switch `current`, restart, prune old releases (the previous one is kept);
 * each step that runs commands is one exec (one round trip or two, not one per command): on a
 * real link an exec costs a round trip or more, and a rollback is then little more than that.
 * health:   the service is active (the deploy file's statusCommand exits 0), then GET <health
 *           path> on 127.0.0.1:<port> through forwardOut answers 2xx;
 * rollback: switch `current` back, restart.
 *
 * With `rollbackTo`, the run moves instances to an older release they still keep (a rollback
 * deployment, same strategy and health gate): nothing is uploaded, nothing is pruned.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { SshSession } from '../instance/sshSession';
import { t } from '../l10n';
import type { HealthCheck } from './deployFile';
import { checkHealth } from './health';
import { envFileText, shellQuote, type ReleaseLayout } from './releases';
import type { ShippedFiles } from './shipped';
import type { DeployExecutor, HealthResult } from './strategy';

export interface SshExecutorOptions {
  /** The release to run: a new one (uploaded), or with rollbackTo a kept one. */
  readonly release: string;
  /** `release` is already on the instances (a rollback deployment): only switch and restart. */
  readonly rollbackTo?: boolean;
  /** The SSH session to an instance (opened once per instance, closed by close()). */
  readonly openSession: (instanceId: string) => Promise<SshSession>;
  readonly layoutFor: (instanceId: string) => ReleaseLayout;
  /** The local binary built for the instance's architecture. */
  readonly binaryFor: (instanceId: string) => string;
  /** Files shipped beside the binary (collectShippedFiles, read once): the same bytes to every instance. */
  readonly shipped: ShippedFiles;
  /** The env file's variables (the DB password among them); sent on stdin only. */
  readonly env: Readonly<Record<string, string>>;
  /** The deploy file's restartCommand ({service} filled in by the layout), per instance. */
  readonly restartCommand: (instanceId: string) => string;
  /** The deploy file's statusCommand ({service} filled in by the layout): exits 0 while the service runs. */
  readonly statusCommand: (instanceId: string) => string;
  readonly port: number;
  readonly health: HealthCheck;
  readonly keepReleases: number;
  readonly log?: (instanceId: string, line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Shipped files in flight at once on the one SFTP channel. */
const SFTP_LANES = 8;

export class SshDeployExecutor implements DeployExecutor {
  private readonly sessions = new Map<string, Promise<SshSession>>();
  /** The release each instance ran before this deploy: kept by the pruning. */
  private readonly previous = new Map<string, string | undefined>();
  private readonly sleepFn: (ms: number) => Promise<void>;
  /** Local file → its gzipped copy, made once however many instances receive it. */
  private readonly gzipped = new Map<string, Promise<string>>();
  private tmpDir: Promise<string> | undefined;

  constructor(private readonly o: SshExecutorOptions) {
    this.sleepFn = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private session(id: string): Promise<SshSession> {
    let s = this.sessions.get(id);
    if (!s) {
      s = this.o.openSession(id);
      this.sessions.set(id, s);
      s.catch(() => this.sessions.delete(id));
    }
    return s;
  }

  /** Runs a command; a non-zero exit is an error with the command's stderr. */
  private async run(id: string, what: string, command: string, stdin?: string): Promise<string> {
    const s = await this.session(id);
    const r = await s.exec(command, { ...(stdin !== undefined ? { stdin } : {}), timeoutMs: 120_000 });
    this.o.log?.(id, `${what}: exit ${r.code}${r.stderr.trim() ? ` (${r.stderr.trim().split('\n').slice(-3).join(' | ')})` : ''}`);
    if (r.code !== 0) {
      const sudo = /sudo: (a password is required|a terminal is required)/.test(r.stderr);
      throw new Error(sudo ? t('{0} failed: sudo needs a password on this instance (the deploy runs sudo -n).', what) : t('{0} failed (exit {1}): {2}', what, String(r.code), r.stderr.trim().split('\n').pop() ?? ''));
    }
    return r.stdout;
  }

  /**
   * The binary (a local file) and the shipped files (bytes in memory) over one SFTP channel. The
   * shipped files go a few at a time: each costs round trips (open, write, close), and SFTP
   * carries several requests at once on one channel.
   */
  private async put(id: string, binary: { local: string; remote: string }, stagingDir: string): Promise<void> {
    const session = await this.session(id);
    const sftp = await session.sftp();
    const failed = (name: string, err: unknown): Error => new Error(t('Uploading {0} failed: {1}', name, (err as Error).message), { cause: err });
    try {
      await session.guard(new Promise<void>((resolve, reject) => sftp.fastPut(binary.local, binary.remote, { mode: 0o644 }, (e) => (e ? reject(failed(path.basename(binary.local), e)) : resolve()))));
      const queue = [...this.o.shipped.files];
      const lane = async (): Promise<void> => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const { name, data, mode } = f;
          try {
            await session.guard(new Promise<void>((resolve, reject) => sftp.writeFile(`${stagingDir}/${name}`, data, { mode }, (e) => (e ? reject(failed(name, e)) : resolve()))));
          } catch (err) {
            queue.length = 0; // the other lanes stop after their current file
            throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(SFTP_LANES, queue.length) }, lane));
    } finally {
      sftp.end();
    }
  }

  async upload(id: string): Promise<{ previous?: string }> {
    const layout = this.o.layoutFor(id);
    const release = this.o.release;
    if (this.o.rollbackTo) {
      const kept = `test -d ${shellQuote(layout.releaseDir(release))} || { echo ${shellQuote(t('release {0} is not kept on this instance', release))} >&2; exit 3; }`;
      const previous = (await this.run(id, t('reading the current release, checking that {0} is kept', release), `${layout.currentReleaseCommand()}; ${kept}`)).trim() || undefined;
      return previous ? { previous } : {};
    }
    const binary = this.gzip(this.o.binaryFor(id));
    const previous = (await this.run(id, t('reading the current release, preparing the upload'), `${layout.currentReleaseCommand()}; ${layout.prepareStagingCommand(release, this.o.shipped.dirs)}`)).trim() || undefined;
    const staging = layout.stagingDir(release);
    await this.put(id, { local: await binary, remote: `${staging}/${layout.binary}.gz` }, staging);
    // The env file's content (the password) is this command's stdin; only its last step reads it.
    await this.run(id, t('installing the release and the env file'), layout.asRoot(`${layout.installReleaseScript(release, [layout.binary])}\n${layout.writeEnvFileScript()}`), envFileText(this.o.env));
    this.previous.set(id, previous);
    return previous ? { previous } : {};
  }

  async activate(id: string): Promise<void> {
    if (this.o.rollbackTo) return this.switchAndRestart(id, this.o.release);
    // Old releases go once the new one runs; the previous one (a rollback's target) stays.
    const previous = this.previous.get(id);
    const prune = this.o.layoutFor(id).pruneScript(this.o.keepReleases, previous ? [previous] : []);
    await this.switchAndRestart(id, this.o.release, prune);
  }

  /** One exec: switch `current`, restart the service, then (when given) a root script. */
  private async switchAndRestart(id: string, release: string, then?: string): Promise<void> {
    const layout = this.o.layoutFor(id);
    const steps = [layout.asRoot(layout.switchScript(release)), layout.serviceCommand(this.o.restartCommand(id)), ...(then ? [layout.asRoot(then)] : [])];
    await this.run(id, t('switching to {0} and restarting the service', release), steps.join(' && '));
  }

  async health(id: string): Promise<HealthResult> {
    const s = await this.session(id);
    const h = this.o.health;
    return checkHealth({
      port: this.o.port,
      path: h.path,
      retries: h.retries,
      intervalMs: h.intervalSeconds * 1000,
      timeoutMs: h.timeoutSeconds * 1000,
      open: () => s.forwardOut('127.0.0.1', this.o.port),
      serviceActive: async () => {
        const r = await s.exec(this.o.layoutFor(id).serviceCommand(this.o.statusCommand(id)), { timeoutMs: h.timeoutSeconds * 1000 });
        return { active: r.code === 0, detail: (r.stdout.trim() || r.stderr.trim() || `exit ${r.code}`).split('\n').pop() ?? '' };
      },
      sleep: this.sleepFn,
      log: (line) => this.o.log?.(id, line),
    });
  }

  async rollback(id: string, previous: string): Promise<void> {
    await this.switchAndRestart(id, previous);
  }

  /** The gzipped copy of a local file, in a temp folder that close() removes. */
  private gzip(local: string): Promise<string> {
    let packed = this.gzipped.get(local);
    if (!packed) {
      const name = `${this.gzipped.size}-${path.basename(local)}.gz`;
      packed = (async () => {
        this.tmpDir ??= fs.promises.mkdtemp(path.join(os.tmpdir(), 'rds-link-upload-'));
        const out = path.join(await this.tmpDir, name);
        try {
          await pipeline(fs.createReadStream(local), zlib.createGzip({ level: 6 }), fs.createWriteStream(out, { mode: 0o600 }));
        } catch (err) {
          throw new Error(t('Compressing {0} failed: {1}', path.basename(local), (err as Error).message), { cause: err });
        }
        return out;
      })();
      this.gzipped.set(local, packed);
      packed.catch(() => this.gzipped.delete(local));
    }
    return packed;
  }

  sleep(ms: number): Promise<void> {
    return this.sleepFn(ms);
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.then((x) => x.close(), () => undefined)));
    const tmp = this.tmpDir;
    this.tmpDir = undefined;
    this.gzipped.clear();
    if (tmp) await fs.promises.rm(await tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
