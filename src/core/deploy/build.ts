/**
 * Building the Go app for its instances with the user's own toolchain: one static Linux binary
 * per CPU architecture the instances have (`CGO_ENABLED=0 GOOS=linux GOARCH=…`, `-trimpath`),
 * stamped with the version from `git describe` through `-ldflags -X`.
 *
 * The command is built as an argv and an environment, never as a shell line. A failed build
 * hands back the compiler's `file:line:col: message` lines as diagnostics for the Problems view.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError } from '../errors';
import { isCancelled, type Cancellation } from '../lifetime';
import { t } from '../l10n';

export type GoArch = 'amd64' | 'arm64';

/** EC2's `Architecture` (DescribeInstances) → GOARCH; undefined for what Go-on-Linux here does not cover. */
export function goArchOf(ec2Architecture: string | undefined): GoArch | undefined {
  switch (ec2Architecture) {
    case 'x86_64':
      return 'amd64';
    case 'arm64':
      return 'arm64';
    default:
      return undefined;
  }
}

export interface BuildTarget {
  readonly instanceId: string;
  /** EC2's `Architecture`: x86_64, arm64, i386, x86_64_mac, arm64_mac. */
  readonly architecture?: string;
}

export type ArchitecturePlan =
  | { readonly ok: true; readonly byArch: ReadonlyMap<GoArch, readonly string[]> }
  | { readonly ok: false; readonly message: string };

/** Which binaries to build (one per architecture) and which instance gets which. */
export function planArchitectures(targets: readonly BuildTarget[]): ArchitecturePlan {
  const byArch = new Map<GoArch, string[]>();
  const unsupported: string[] = [];
  for (const target of targets) {
    const arch = goArchOf(target.architecture);
    if (!arch) {
      unsupported.push(`${target.instanceId} (${target.architecture ?? '?'})`);
      continue;
    }
    byArch.set(arch, [...(byArch.get(arch) ?? []), target.instanceId]);
  }
  if (unsupported.length) return { ok: false, message: t('These instances have an architecture the deploy cannot build for (only x86_64 and arm64): {0}.', unsupported.join(', ')) };
  return { ok: true, byArch };
}

/** `git describe --tags --always --dirty`: a tag and commits since, or the short commit. */
export const GIT_DESCRIBE_ARGS = ['describe', '--tags', '--always', '--dirty'] as const;

/** The version stamped into the binary: git describe's answer, or "dev" outside git. */
export function versionFrom(describeOutput: string | undefined): string {
  const v = (describeOutput ?? '').trim().split('\n')[0].replace(/[^A-Za-z0-9._+-]/g, '-');
  return v || 'dev';
}

/**
 * The release folder's name: UTC time first, so names sort in deploy order, then the version
 * (two deploys of one commit stay apart). Only [A-Za-z0-9._+-]: safe in a path and a shell.
 */
export function releaseName(version: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${versionFrom(version)}`;
}

export interface GoBuildRequest {
  /** The `go` executable (see findGo). */
  readonly go: string;
  /** The folder the deploy file lives in: the build runs there. */
  readonly cwd: string;
  /** The package, as the deploy file gives it (`.`, `./cmd/server`). */
  readonly package: string;
  readonly arch: GoArch;
  readonly outFile: string;
  readonly version: string;
  /** The variable -X sets, e.g. main.version. */
  readonly versionVariable: string;
  /** The environment to start from; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface GoBuildCommand {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function goBuildCommand(req: GoBuildRequest): GoBuildCommand {
  const pkg = req.package === '.' || req.package.startsWith('./') ? req.package : `./${req.package}`;
  return {
    file: req.go,
    args: ['build', '-trimpath', '-ldflags', `-s -w -X ${req.versionVariable}=${req.version}`, '-o', req.outFile, pkg],
    cwd: req.cwd,
    env: { ...(req.env ?? process.env), CGO_ENABLED: '0', GOOS: 'linux', GOARCH: req.arch },
  };
}

/** One line of the compiler's output that names a place. */
export interface BuildDiagnostic {
  /** Absolute. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based; undefined when the compiler gave none. */
  readonly column?: number;
  readonly message: string;
}

// `./main.go:12:5: undefined: foo`, `main.go:12: …` (no column), `C:\x\main.go:3:1: …`.
const DIAGNOSTIC = /^((?:[A-Za-z]:)?[^:\s][^:]*\.go):(\d+)(?::(\d+))?: (.+)$/;

/** The `file:line:col: message` lines of `go build`'s stderr; a tab-indented line continues the one before. */
export function parseGoErrors(output: string, cwd: string): BuildDiagnostic[] {
  const out: BuildDiagnostic[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = DIAGNOSTIC.exec(raw.trimEnd());
    if (m) {
      out.push({ file: path.resolve(cwd, m[1]), line: Number(m[2]), ...(m[3] ? { column: Number(m[3]) } : {}), message: m[4] });
    } else if (/^\t/.test(raw) && out.length) {
      const last = out[out.length - 1];
      out[out.length - 1] = { ...last, message: `${last.message}\n${raw.trim()}` };
    }
  }
  return out;
}

export const goMissingMessage = (): string =>
  t('Go is not installed, or not on PATH: the deploy builds the app with your own Go toolchain. Install Go from https://go.dev/dl/ (or with your package manager: apt-get install golang-go, brew install go, winget install GoLang.Go), make sure `go version` works in a terminal, then restart VS Code.');

function answers(file: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => execFile(file, ['version'], { timeout: 10_000, env }, (err, stdout) => resolve(err ? undefined : stdout.trim())));
}

/** The `go` on PATH (or in GOROOT/bin) that answers `go version`, with that answer. */
export async function findGo(env: NodeJS.ProcessEnv = process.env): Promise<{ readonly path: string; readonly version: string } | undefined> {
  const exe = process.platform === 'win32' ? 'go.exe' : 'go';
  const dirs = [...(env.PATH ?? env.Path ?? '').split(path.delimiter), ...(env.GOROOT ? [path.join(env.GOROOT, 'bin')] : [])].filter(Boolean);
  for (const file of dirs.map((d) => path.join(d, exe)).filter((f) => fs.existsSync(f))) {
    const version = await answers(file, env);
    if (version) return { path: file, version };
  }
  return undefined;
}

export type GoBuildResult =
  | { readonly ok: true; readonly outFile: string; readonly bytes: number }
  | { readonly ok: false; readonly message: string; readonly diagnostics: readonly BuildDiagnostic[] };

/** Runs one build; each line of its output goes to `log` as it comes. */
export function runGoBuild(cmd: GoBuildCommand, outFile: string, options: { readonly log?: (line: string) => void; readonly signal?: Cancellation } = {}): Promise<GoBuildResult> {
  return new Promise((resolve, reject) => {
    options.log?.(`GOOS=${cmd.env.GOOS} GOARCH=${cmd.env.GOARCH} CGO_ENABLED=${cmd.env.CGO_ENABLED} ${[cmd.file, ...cmd.args].join(' ')}`);
    const child = spawn(cmd.file, [...cmd.args], { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      const s = chunk.toString('utf8');
      output += s;
      for (const line of s.split('\n').filter(Boolean)) options.log?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const poll = options.signal ? setInterval(() => isCancelled(options.signal) && child.kill('SIGTERM'), 100) : undefined;
    child.once('error', (err) => {
      clearInterval(poll);
      reject(new Error(t('go build could not start: {0}', err.message), { cause: err }));
    });
    child.once('close', (code) => {
      clearInterval(poll);
      if (isCancelled(options.signal)) return reject(new CancelledError());
      if (code === 0) return resolve({ ok: true, outFile, bytes: fs.statSync(outFile).size });
      const diagnostics = parseGoErrors(output, cmd.cwd);
      const first = output.trim().split('\n').find((l) => l && !l.startsWith('#')) ?? '';
      resolve({ ok: false, diagnostics, message: t('go build for {0} failed (exit {1}): {2}', String(cmd.env.GOARCH), String(code), first) });
    });
  });
}
