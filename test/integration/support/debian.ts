// Installs a missing server binary from Debian's archive (CI machines may not have it yet).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCommand } from './processes';

let aptUpdated: Promise<void> | undefined;
/** apt/dpkg hold a lock: run one install at a time. */
let aptQueue: Promise<unknown> = Promise.resolve();
const installs = new Map<string, Promise<void>>();

const aptEnv = (): NodeJS.ProcessEnv => ({ ...process.env, DEBIAN_FRONTEND: 'noninteractive' });

/** The full path of an executable: `binary` itself when it contains a slash, else the first match on PATH. */
export function findExecutable(binary: string): string | undefined {
  const isExecutable = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (binary.includes('/')) return isExecutable(binary) ? binary : undefined;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/local/sbin', '/usr/sbin', '/sbin']) {
    const p = path.join(dir, binary);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** `apt-get install -y pkg` (after one `apt-get update` per process). Installs each package once. */
export function installDebianPackage(debianPackage: string): Promise<void> {
  let pending = installs.get(debianPackage);
  if (!pending) {
    pending = (aptQueue = aptQueue.catch(() => undefined).then(() => doInstall(debianPackage))) as Promise<void>;
    installs.set(debianPackage, pending);
    // A failed install may be retried by a later call.
    pending.catch(() => installs.delete(debianPackage));
  }
  return pending;
}

async function doInstall(debianPackage: string): Promise<void> {
  const how = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${debianPackage}`;
  if (!findExecutable('apt-get')) {
    throw new Error(`The Debian package "${debianPackage}" is needed but apt-get is not available here; install it by hand (${how}).`);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    // Not root: apt-get would fail on its lock files. Say what to run instead.
    throw new Error(`The Debian package "${debianPackage}" is missing. Install it (sudo apt-get update && sudo apt-get install -y ${debianPackage}), or run this as root, which installs it.`);
  }
  try {
    aptUpdated ??= runCommand('apt-get', ['update'], { env: aptEnv(), timeoutMs: 300_000 }).then(() => undefined);
    await aptUpdated;
  } catch (err) {
    aptUpdated = undefined;
    throw new Error(`Could not install the Debian package "${debianPackage}": apt-get update failed.\n${(err as Error).message}`);
  }
  try {
    await runCommand('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { env: aptEnv(), timeoutMs: 600_000 });
  } catch (err) {
    throw new Error(`Could not install the Debian package "${debianPackage}" (${how}).\n${(err as Error).message}`);
  }
}

/**
 * Makes sure `binary` (a path like /usr/sbin/sshd, or a name looked up on PATH) exists,
 * installing `debianPackage` once when it does not. Returns the binary's full path.
 */
export async function ensureCommand(binary: string, debianPackage: string): Promise<string> {
  const found = findExecutable(binary);
  if (found) return found;
  await installDebianPackage(debianPackage);
  const after = findExecutable(binary);
  if (!after) {
    throw new Error(`The Debian package "${debianPackage}" was installed but ${binary} is still missing.`);
  }
  return after;
}
