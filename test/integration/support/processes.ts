// Child processes and temp dirs owned by the test servers. Everything started here is killed
// (and every temp dir removed) when the Node process exits or gets SIGINT/SIGTERM, so a failing
// test or an interrupted run never leaves a server behind.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

function cleanupNow(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
  for (const dir of tempDirs) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  tempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupNow();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  // Someone else (e.g. a start script) handles the signal: let them. Otherwise die of it as usual.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** A fresh temp dir (mode 0700) that is removed at process exit unless removed earlier. */
export function makeTempDir(prefix: string): string {
  installHooks();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Runs a command to completion; rejects with its output when it fails. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const output = tail(`${stdout}\n${stderr}`, 30);
        const how = error.killed ? `was killed (${error.signal ?? 'timeout'})` : `exited with ${String(error.code)}`;
        const err = new Error(`${file} ${args.join(' ')} ${how}:\n${output}`) as Error & { exitCode?: unknown; output?: string };
        err.exitCode = error.code;
        err.output = `${stdout}\n${stderr}`;
        reject(err);
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** The last `lines` non-empty lines of a text. */
export function tail(text: string, lines = 40): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}

/** A long-running server process, with the tail of its combined output kept for error messages. */
export class ManagedProcess {
  readonly child: ChildProcess;
  private output = '';
  private exitInfo: string | undefined;
  private readonly exitPromise: Promise<void>;

  constructor(
    readonly name: string,
    file: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
    /** A pipe on its stdin that this process holds (closed when this Node process dies): for children that stop at EOF. */
    options: { readonly stdinPipe?: boolean; readonly cwd?: string } = {},
  ) {
    installHooks();
    this.child = spawn(file, args, { env, stdio: [options.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe'], ...(options.cwd ? { cwd: options.cwd } : {}) });
    running.add(this.child);
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      if (this.output.length > 128 * 1024) this.output = this.output.slice(-64 * 1024);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.exitInfo ??= `could not be started: ${err.message}`;
        running.delete(this.child);
        resolve();
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo ??= signal ? `was killed by ${signal}` : `exited with code ${code}`;
        running.delete(this.child);
        resolve();
      });
    });
  }

  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** The last lines the process printed (stdout and stderr together). */
  outputTail(lines = 40): string {
    return tail(this.output, lines);
  }

  /**
   * Polls `check` until it returns true. Rejects (and stops the process) when the process exits
   * first or after timeoutMs, with the server's output tail in the message.
   */
  async waitUntilReady(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    for (;;) {
      if (this.exited) {
        throw new Error(`${this.name} ${this.exitInfo} before it was ready.${lastError}\n--- ${this.name} output ---\n${this.outputTail()}`);
      }
      try {
        // A check that hangs (e.g. on a port another program holds) must not hide an early exit.
        const exitedFirst = this.exitPromise.then(() => false);
        if ((await Promise.race([check(), exitedFirst])) && !this.exited) return;
      } catch (err) {
        lastError = `\nlast readiness check: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (Date.now() >= deadline) {
        await this.stop(1000);
        throw new Error(`${this.name} was not ready within ${(timeoutMs / 1000).toFixed(1)} s.${lastError}\n--- ${this.name} output ---\n${this.outputTail()}`);
      }
      await Promise.race([new Promise((r) => setTimeout(r, 100)), this.exitPromise]);
    }
  }

  /** SIGTERM, then SIGKILL after graceMs. Resolves once the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (!this.exited) this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exitPromise, killed]);
    clearTimeout(timer);
    await this.exitPromise;
  }
}

/** True when an error message says the port was taken (the free-port race lost). */
export function isPortInUse(err: unknown): boolean {
  return /address already in use|EADDRINUSE|errno 98|bind.*(failed|error)|Can't start server: Bind/i.test(
    err instanceof Error ? err.message : String(err),
  );
}
