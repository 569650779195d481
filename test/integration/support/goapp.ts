// The sandbox Go app (sandbox/goapp), built by the real Go compiler with the recipe verified on
// these machines: Debian's golang-go and packaged libraries in GOPATH mode (no module proxy is
// reachable here). The packages are installed when missing; the binary is cached per
// architecture and per content of the app's sources, in .cache/goapp/.
//
// The build goes through the product's own goBuildCommand and runGoBuild; only the environment
// (GOPATH mode) is the test's. Users build with their own toolchain and modules.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goBuildCommand, runGoBuild, type GoArch } from '../../../src/core/deploy/build';
import { ensureCommand, installDebianPackage } from './debian';

const repoRoot = path.resolve(__dirname, '../../../..');
export const GOAPP_DIR = path.join(repoRoot, 'sandbox/goapp');
const GOPATH = '/usr/share/gocode';

/** Debian's packages behind the build: the compiler and the app's libraries (import path → package). */
export const GO_LIBRARIES: Readonly<Record<string, string>> = {
  'github.com/gin-gonic/gin': 'golang-github-gin-gonic-gin-dev',
  'github.com/go-sql-driver/mysql': 'golang-github-go-sql-driver-mysql-dev',
  'github.com/joho/godotenv': 'golang-github-joho-godotenv-dev',
  'github.com/spf13/viper': 'golang-github-spf13-viper-dev',
};

/** `go`, installing golang-go and the libraries when missing. */
export async function ensureGoToolchain(): Promise<string> {
  const go = await ensureCommand('go', 'golang-go');
  for (const [importPath, debianPackage] of Object.entries(GO_LIBRARIES)) {
    if (!fs.existsSync(path.join(GOPATH, 'src', importPath))) await installDebianPackage(debianPackage);
  }
  return go;
}

function sourcesHash(): string {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(GOAPP_DIR).filter((n) => n.endsWith('.go')).sort()) h.update(f).update(fs.readFileSync(path.join(GOAPP_DIR, f)));
  return h.digest('hex').slice(0, 16);
}

const building = new Map<string, Promise<string>>();

/** The path of the sandbox app's static Linux binary for `arch`, stamped with `version`. */
export function buildSandboxApp(arch: GoArch, version = 'test'): Promise<string> {
  const key = `${sourcesHash()}-${arch}-${version.replace(/[^\w.-]/g, '_')}`;
  let pending = building.get(key);
  if (!pending) {
    pending = build(arch, version, key);
    building.set(key, pending);
    pending.catch(() => building.delete(key));
  }
  return pending;
}

async function build(arch: GoArch, version: string, key: string): Promise<string> {
  const cacheDir = path.join(repoRoot, '.cache/goapp');
  const out = path.join(cacheDir, key, 'goapp');
  if (fs.existsSync(out)) return out;
  const go = await ensureGoToolchain();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cmd = goBuildCommand({
    go,
    cwd: GOAPP_DIR,
    package: '.',
    arch,
    outFile: tmp,
    version,
    versionVariable: 'main.version',
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: path.join(cacheDir, 'gocache'), GOFLAGS: '' },
  });
  const log: string[] = [];
  const result = await runGoBuild(cmd, tmp, { log: (l) => log.push(l) });
  if (!result.ok) throw new Error(`Building sandbox/goapp for ${arch} failed: ${result.message}\n${log.join('\n')}`);
  fs.renameSync(tmp, out);
  return out;
}
