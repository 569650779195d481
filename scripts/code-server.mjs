// code-server 4.96.4 (VS Code 1.96 in a browser, with a real Node extension host) for the e2e and
// vscode-host test layers and `npm start`.
//
//   node scripts/code-server.mjs install            install into the cache (once) and print entry.js
//   node scripts/code-server.mjs start [folder]     code-server with the build in dist/; prints the URL
//                                                   (port: $RDS_LINK_PORT, else a free one)
//
// The install follows the recipe verified in PRODUCT.md. It goes into
// $RDS_LINK_CACHE/code-server-4.96.4 (default ~/.cache/rds-link/code-server-4.96.4), and a
// marker file is written only once every step has finished, so an interrupted install is redone.
// npm here does not run install scripts (and code-server's postinstall would fetch a git
// dependency), so every native module is rebuilt explicitly.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.96.4';
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages the install and the tests need: headers for the native modules, rg, a browser. */
const DEBIAN_PACKAGES = ['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'libsecret-1-dev', 'libx11-dev', 'libxkbfile-dev', 'ripgrep', 'chromium'];
/** Native modules of VS Code's server that npm's skipped install scripts would have built. */
const VSCODE_NATIVE_MODULES = ['node-pty', '@vscode/spdlog', 'kerberos', '@parcel/watcher', 'native-watchdog', '@vscode/deviceid'];
const MARKER = '.rds-link-install-complete.json';

/** User settings that keep the workbench quiet: no welcome page, walkthroughs, tips or prompts. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

export function cacheDir() {
  const base = process.env.RDS_LINK_CACHE || path.join(os.homedir(), '.cache', 'rds-link');
  return path.join(base, `code-server-${CODE_SERVER_VERSION}`);
}

function entryPath(dir) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function log(msg) {
  process.stderr.write(`[code-server] ${msg}\n`);
}

/** Runs a command, streaming nothing unless it fails; then its output is part of the error. */
function run(cmd, args, cwd, extraEnv = {}) {
  const t0 = Date.now();
  // npm and node-gyp must use the Node that will run code-server (same native ABI).
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, ...extraEnv };
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}`);
  }
  log(`${cmd} ${args.join(' ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return r.stdout;
}

function onPath(name) {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The Debian packages code-server's install needs (headers, rg), and the tests' browser when asked. */
export function codeServerDebianPackages({ browser = true } = {}) {
  return DEBIAN_PACKAGES.filter((p) => browser || p !== 'chromium');
}

/** Which of these Debian packages are not installed ([] where there is no dpkg: not Debian). */
export function missingDebianPackages(packages) {
  if (!onPath('dpkg-query')) return [];
  return packages.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

let aptUpdated = false;
/** Installs the Debian packages that are missing (apt-get update once per process). */
export function ensureDebianPackages(packages = DEBIAN_PACKAGES) {
  if (!onPath('dpkg-query') || !onPath('apt-get')) return; // not Debian: the caller's own setup applies
  const missing = missingDebianPackages(packages);
  if (missing.length === 0) return;
  const apt = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', '-n', 'apt-get'];
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) {
      run(apt[0], [...apt.slice(1), 'update'], os.tmpdir(), env);
      aptUpdated = true;
    }
    run(apt[0], [...apt.slice(1), 'install', '-y', '--no-install-recommends', ...missing], os.tmpdir(), env);
  } catch (err) {
    if (apt[0] !== 'sudo') throw err;
    // Not root, and sudo wants a password (or is not there): say what to run.
    throw new Error(`These Debian packages are missing: ${missing.join(' ')}. Install them (sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}), or run this as root.\n${err.message}`);
  }
}

function markerOk(dir) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
    // Native modules are built for one Node ABI; another Node needs a fresh install.
    return m.version === CODE_SERVER_VERSION && m.nodeAbi === process.versions.modules && fs.existsSync(entryPath(dir));
  } catch {
    return false;
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** A lock directory so that two test runs don't install into the same folder at once. */
async function withInstallLock(dir, fn) {
  const lock = `${dir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      // A dead holder, or one that died between making the lock and writing its pid.
      const orphaned = pid ? !pidAlive(pid) : Date.now() - fs.statSync(lock).mtimeMs > 60_000;
      if (orphaned) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`waited 15 minutes for the install lock ${lock} (held by pid ${pid})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function install(dir, { browser = true } = {}) {
  const t0 = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true }); // whatever is there is a half install
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'rds-link-code-server', private: true }, null, 2)}\n`);
  ensureDebianPackages(codeServerDebianPackages({ browser }));
  const npmFlags = ['--no-audit', '--no-fund', '--loglevel=error'];
  run('npm', ['install', '--ignore-scripts', ...npmFlags, `code-server@${CODE_SERVER_VERSION}`], dir);

  const vscode = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  // The shrinkwrap pins a git dependency that cannot be fetched; the ranges in package.json work.
  fs.rmSync(path.join(vscode, 'npm-shrinkwrap.json'), { force: true });
  run('npm', ['install', '--omit=dev', '--ignore-scripts', ...npmFlags], vscode);
  run('npm', ['rebuild', ...VSCODE_NATIVE_MODULES], vscode);
  // @vscode/ripgrep's install script downloads rg from GitHub; Debian's rg does the same job.
  const rg = onPath('rg');
  if (!rg) throw new Error('ripgrep (rg) is not on PATH; install the Debian package ripgrep');
  const rgDir = path.join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  fs.rmSync(path.join(rgDir, 'rg'), { force: true });
  fs.symlinkSync(rg, path.join(rgDir, 'rg'));
  // What code-server's postinstall does: VS Code looks for some files in node_modules.asar.
  fs.rmSync(path.join(vscode, 'node_modules.asar'), { recursive: true, force: true });
  fs.symlinkSync('node_modules', path.join(vscode, 'node_modules.asar'));
  run('npm', ['rebuild', 'argon2'], dir);

  const version = run(process.execPath, [entryPath(dir), '--version'], dir, { VSCODE_IPC_HOOK_CLI: '' });
  if (!version.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed: ${version}`);
  fs.writeFileSync(path.join(dir, MARKER), `${JSON.stringify({ version: CODE_SERVER_VERSION, nodeAbi: process.versions.modules, node: process.version, installedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 }, null, 2)}\n`);
  log(`installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** True when code-server is installed in the cache for this Node (nothing to do for ensureCodeServer but the browser). */
export function codeServerInstalled() {
  return markerOk(cacheDir());
}

/**
 * Installs code-server into the cache the first time; returns the path of its entry.js.
 * browser: also make sure the tests' Chromium is there (default); `npm start` uses your own browser.
 */
export async function ensureCodeServer({ browser = true } = {}) {
  const dir = cacheDir();
  if (markerOk(dir)) {
    if (browser) ensureDebianPackages(['chromium']); // the browser the tests drive; cheap to check
    return entryPath(dir);
  }
  await withInstallLock(dir, async () => {
    if (!markerOk(dir)) install(dir, { browser }); // another process may have finished it while we waited
  });
  return entryPath(dir);
}

/**
 * Lays out an extension folder unpacked, as the editor expects it in an extensions dir:
 * <extensionsDir>/<publisher>.<name>-<version>/. Copies (not links) what the extension ships, so
 * that a runtime require of something left out of the bundle fails here as it would in a .vsix.
 */
/** The walkthrough `npm start` opens: `<publisher>.<name>#<id>`, as workbench.action.openWalkthrough takes it. */
export const startWalkthrough = 'rds-link.rds-link#fromNothing';

/**
 * Has the first window that connects open a command (the walkthrough, for `npm start`). A server
 * cannot run a workbench command itself, so the test-only command runner (test/e2e/command-runner)
 * is laid out beside the extension: it runs the request it finds in `dir` once, then waits for
 * more. Returns what to add to startCodeServer's extensionDirs and env.
 */
export function runAtFirstWindow(dir, command, args = []) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'request.json'), JSON.stringify({ command, args }));
  return { extensionDir: path.join(repoRoot, 'test', 'e2e', 'command-runner'), env: { RDS_LINK_E2E_COMMANDS: dir } };
}

export function layoutExtension(extensionsDir, source = repoRoot, entries) {
  const pkg = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase());
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const names = entries ?? fs.readdirSync(source).filter((n) => /^package(\.nls(\.[\w-]+)?)?\.json$/.test(n) || ['dist', 'media', 'l10n', 'schemas', 'extension.js', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(n));
  for (const n of names) {
    const from = path.join(source, n);
    if (!fs.existsSync(from)) continue;
    // Source maps are left out: they are large and only matter to a debugger.
    fs.cpSync(from, path.join(target, n), { recursive: true, filter: (f) => !f.endsWith('.map') });
  }
  if (pkg.main && !fs.existsSync(path.join(target, pkg.main)) && !fs.existsSync(path.join(target, `${pkg.main}.js`))) {
    throw new Error(`${pkg.name}: ${pkg.main} is missing from ${source}; build first (node scripts/build.mjs)`);
  }
  return target;
}

/** Asks the OS for a free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Live processes of a process group, from /proc (none where there is no /proc). Zombies are left
 * out: they have ended, and init reaps them (here it takes it a second or two).
 */
export function groupMembers(pgid) {
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // gone meanwhile
    }
  }).map(Number);
}

/** The environment for code-server: the caller's, without what would make it act as a client. */
function serverEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    // VSCODE_IPC_HOOK_CLI (set in VS Code's terminals) makes entry.js open the folder in that
    // editor instead of starting a server; the other VSCODE_* values belong to that editor too.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'CODE_SERVER_SESSION_SOCKET' || k === 'PASSWORD' || k === 'HASHED_PASSWORD' || k === 'PORT') delete env[k];
  }
  // An undefined value in extra removes that variable.
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Starts code-server on a free loopback port and waits until it answers.
 *   workspace       folder to open
 *   extensionsDir   an extensions dir to use as it is, or
 *   extensionDirs   extension source folders to lay out in a fresh temp extensions dir
 *   env             added to the server's environment, which reaches the extension host
 *                   (a key with the value undefined is removed from it)
 *   userDataDir     default: a fresh temp dir with quiet user settings
 *   settings        more user settings
 *   port            default: a free one
 * Returns { url, port, pid, userDataDir, extensionsDir, logFile, exited, stop() }; stop() ends the
 * whole process group (server, extension host, ...) and removes the temp dirs it made.
 */
export async function startCodeServer({ workspace, extensionsDir, extensionDirs = [], env = {}, userDataDir, settings = {}, port: wantedPort, entry, timeoutMs = 90_000 } = {}) {
  const entryJs = entry ?? (await ensureCodeServer());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-cs-'));
  const userData = userDataDir ?? path.join(tmp, 'user-data');
  const settingsFile = path.join(userData, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  let existing = {};
  try {
    existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  } catch {
    // none yet
  }
  fs.writeFileSync(settingsFile, `${JSON.stringify({ ...quietSettings, ...existing, ...settings }, null, 2)}\n`);
  const extDir = extensionsDir ?? path.join(tmp, 'extensions');
  fs.mkdirSync(extDir, { recursive: true });
  for (const d of extensionDirs) layoutExtension(extDir, d);
  // A config file of our own, so that ~/.config/code-server/config.yaml is neither read nor written.
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');

  const port = wantedPort ?? (await freePort());
  const logFile = path.join(tmp, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const args = [entryJs, '--config', config, '--auth', 'none', '--disable-workspace-trust', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userData, '--extensions-dir', extDir, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override'];
  if (workspace) args.push(workspace);
  // Its own process group, so that stop() also ends the extension host and anything it started.
  const child = spawn(process.execPath, args, { cwd: workspace ?? tmp, env: serverEnv(env), stdio: ['ignore', out, out], detached: true });
  fs.closeSync(out);
  let exitInfo;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    exitInfo = { code, signal };
    resolve(exitInfo);
  }));
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  // If this process ends without stop() (a crash, process.exit), take the server down with it.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    // SIGTERM first: code-server then ends its own children. Whatever still runs after that gets
    // SIGKILL. The wait is for the whole group (extension host, pty hosts), not only its leader.
    const groupGone = async (ms) => {
      const until = Date.now() + ms;
      while (groupMembers(child.pid).length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      return groupMembers(child.pid).length === 0;
    };
    killGroup('SIGTERM');
    if (!(await groupGone(5000))) {
      killGroup('SIGKILL');
      await groupGone(5000);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    if (!process.env.RDS_LINK_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  }

  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitInfo) {
      const text = tail(logFile);
      await stop();
      throw new Error(`code-server exited (${JSON.stringify(exitInfo)}) before it answered:\n${text}`);
    }
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const text = tail(logFile);
      await stop();
      throw new Error(`code-server did not answer on ${base} within ${timeoutMs / 1000} s:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = workspace ? `${base}/?folder=${encodeURIComponent(path.resolve(workspace))}` : base;
  return { url, port, pid: child.pid, userDataDir: userData, extensionsDir: extDir, logFile, exited, stop };
}

async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'install') {
    console.log(await ensureCodeServer());
  } else if (cmd === 'start') {
    const workspace = path.resolve(rest[0] ?? process.cwd());
    const t0 = Date.now();
    const port = process.env.RDS_LINK_PORT ? Number(process.env.RDS_LINK_PORT) : undefined;
    const server = await startCodeServer({ workspace, extensionDirs: [repoRoot], port });
    console.log(`code-server with RDS Link is ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${server.url}`);
    console.log('Ctrl-C stops it.');
    const stop = () => server.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } else {
    console.error('usage: node scripts/code-server.mjs install | start [folder]');
    process.exit(2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
