// Proves that the packaged .vsix installs and works:
//   1. `npm run package` builds rds-link.vsix (skip with --no-package to check the one there);
//   2. code-server's CLI installs it into a fresh extensions dir — the same
//      `--extensions-dir DIR --install-extension FILE` that desktop `code` takes;
//   3. the installed folder is checked (extensions.json entry, the bundles, byte-equal to the build);
//   4. the vscode-host suites run in code-server's extension host against that installed copy:
//      code-server gets that extensions dir as it is and nothing else of ours, and a suite asserts
//      the extension was loaded from exactly that folder. The suites are started by the test-runner
//      extension, packaged and installed into the same dir the same way (the editor ignores an
//      unpacked folder that its extensions.json does not list).
//
//   node scripts/check-vsix.mjs [--no-package]      (npm run check:vsix)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './code-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (m) => console.log(`[check-vsix] ${m}`);
const t0 = Date.now();
const timings = [];

function step(label, fn) {
  const t = Date.now();
  const result = fn();
  timings.push(`${label} ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return result;
}

/** Runs a command; quiet ones show their output only when they fail. */
function run(label, cmd, args, { quiet = false, ...options } = {}) {
  return step(label, () => {
    const r = spawnSync(cmd, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...options });
    if (r.status !== 0) throw new Error(`${label} failed (${r.error?.message ?? `exit ${r.status}`})${quiet ? `:\n${r.stdout}${r.stderr}` : ''}`);
    return r;
  });
}

/** The environment without what would make entry.js act as a client of another editor. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return { ...env, ...extra };
}

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** sha256 of each file in the .vsix (a zip), by its path inside (extension/dist/db.js, ...). */
function vsixHashes(vsix) {
  const py = 'import hashlib,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({n:hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))';
  const r = spawnSync('python3', ['-c', py, vsix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`reading ${vsix} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const extDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-vsix-ext-'));
const resultsFile = `${extDir}-results.json`;
const runnerVsix = `${extDir}-runner.vsix`;
let code = 1;
try {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.join(root, 'rds-link.vsix');
  if (!process.argv.includes('--no-package')) run('npm run package', 'npm', ['run', 'package']);
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing; run npm run package`);
  run('compile tests', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
  const entry = await ensureCodeServer();

  const install = (file) => {
    const args = [entry, '--extensions-dir', extDir, '--install-extension', file];
    const r = spawnSync(process.execPath, args, { cwd: os.tmpdir(), env: cleanEnv(), encoding: 'utf8' });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.status !== 0 || !/was successfully installed/.test(r.stdout)) throw new Error(`node ${args.join(' ')} did not install it`);
  };
  say(`installing ${path.basename(vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} kB) into ${extDir}`);
  step('install', () => install(vsix));

  const id = `${pkg.publisher}.${pkg.name}`.toLowerCase();
  const folder = path.join(extDir, `${id}-${pkg.version}`);
  const listed = JSON.parse(fs.readFileSync(path.join(extDir, 'extensions.json'), 'utf8'));
  const entryOf = listed.find((e) => e.identifier?.id === id);
  if (!entryOf || entryOf.version !== pkg.version || path.resolve(entryOf.location?.fsPath ?? '') !== folder) {
    throw new Error(`extensions.json does not list ${id} ${pkg.version} at ${folder}: ${JSON.stringify(listed)}`);
  }
  const inVsix = vsixHashes(vsix);
  for (const f of ['package.json', 'package.nls.json', 'package.nls.id.json', 'dist/extension.js', 'dist/aws.js', 'dist/db.js', 'dist/goconfig.js', 'l10n/bundle.l10n.json', 'l10n/bundle.l10n.id.json', 'media/rds-link.svg', 'media/walkthrough/en/profile.md', 'media/walkthrough/id/profile.md', 'media/tour-trees.png', 'media/certs/rds-global-bundle.pem', 'schemas/deploy.schema.json']) {
    if (!fs.existsSync(path.join(folder, f))) throw new Error(`${f} is missing from the installed extension ${folder}`);
    if (f.startsWith('dist/') && sha256(path.join(folder, f)) !== inVsix[`extension/${f}`]) throw new Error(`the installed ${f} differs from the one in the .vsix`);
  }
  if (fs.existsSync(path.join(folder, 'node_modules')) || fs.existsSync(path.join(folder, 'src'))) throw new Error('the .vsix ships node_modules/ or src/');
  say(`installed as ${folder} (listed in extensions.json; bundles byte-equal to those in the .vsix)`);

  // The test runner (test-only, never shipped), packaged and installed the same way.
  run('package the test runner', process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', runnerVsix], {
    cwd: path.join(root, 'test/vscode-host/runner-extension'),
    quiet: true,
  });
  step('install the test runner', () => install(runnerVsix));

  run('vscode-host suites on the installed copy', process.execPath, ['out/test/vscode-host/runInCodeServer.js'], {
    env: cleanEnv({ RDS_LINK_EXTENSIONS_DIR: extDir, RDS_LINK_EXPECT_EXTENSION_PATH: folder, RDS_LINK_RESULTS: resultsFile }),
  });
  const counts = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  // Nothing of ours but the installed copy was in that extensions dir (the runner is the test's).
  const others = fs.readdirSync(extDir).filter((n) => n !== 'extensions.json' && n !== path.basename(folder) && !n.startsWith('rds-link-test.'));
  if (others.length) throw new Error(`unexpected entries in the extensions dir: ${others.join(', ')}`);
  if (counts.failures || counts.pending || !counts.passes) throw new Error(`vscode-host suites: ${counts.passes} passed, ${counts.failures} failed, ${counts.pending} pending`);
  say(`the installed .vsix works: ${counts.passes} vscode-host tests passed against ${folder}`);
  code = 0;
} catch (err) {
  console.error(`[check-vsix] ${err instanceof Error ? err.message : err}`);
} finally {
  fs.rmSync(extDir, { recursive: true, force: true });
  fs.rmSync(resultsFile, { force: true });
  fs.rmSync(runnerVsix, { force: true });
  say(`${timings.join(', ')}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
process.exit(code);
