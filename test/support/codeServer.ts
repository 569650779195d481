// Typed access to scripts/code-server.mjs (code-server for the e2e and vscode-host layers) and the
// temp folders those layers open in it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root: the nearest folder above this file whose package.json is rds-link's. */
export const repoRoot: string = (() => {
  for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).name === 'rds-link') return d;
    } catch {
      // no package.json here
    }
  }
  throw new Error(`no rds-link package.json above ${__dirname}`);
})();

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  workspace?: string;
  /** Used as it is. */
  extensionsDir?: string;
  /** Extension folders laid out unpacked in a fresh temp extensions dir. */
  extensionDirs?: string[];
  /** Added to the server's environment (reaches the extension host); undefined removes a key. */
  env?: Record<string, string | undefined>;
  userDataDir?: string;
  settings?: Record<string, unknown>;
  port?: number;
  timeoutMs?: number;
}

interface CodeServerModule {
  CODE_SERVER_VERSION: string;
  ensureCodeServer(): Promise<string>;
  startCodeServer(options: StartOptions): Promise<CodeServer>;
  layoutExtension(extensionsDir: string, source?: string, entries?: string[]): string;
  startWalkthrough: string;
  runAtFirstWindow(dir: string, command: string, args?: unknown[]): { extensionDir: string; env: Record<string, string> };
}

// tsc (module commonjs) turns import() into require(), which cannot load an ES module in Node 20;
// a function built at run time keeps the real dynamic import.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let loaded: Promise<CodeServerModule> | undefined;
export function codeServerModule(): Promise<CodeServerModule> {
  loaded ??= importEsm(pathToFileURL(path.join(repoRoot, 'scripts', 'code-server.mjs')).href) as Promise<CodeServerModule>;
  return loaded;
}

export async function ensureCodeServer(): Promise<string> {
  return (await codeServerModule()).ensureCodeServer();
}

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  return (await codeServerModule()).startCodeServer(options);
}

export async function layoutExtension(extensionsDir: string, source: string = repoRoot): Promise<string> {
  return (await codeServerModule()).layoutExtension(extensionsDir, source);
}

export interface TempWorkspace {
  /** The folder to open: a small Go module, so that `workspaceContains:**\/go.mod` activates us. */
  folder: string;
  /** A scratch folder beside it for files the test needs (results, AWS config). */
  scratch: string;
  dispose(): void;
}

export function makeGoWorkspace(): TempWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-ws-'));
  const folder = path.join(root, 'shop');
  const scratch = path.join(root, 'scratch');
  fs.mkdirSync(folder);
  fs.mkdirSync(scratch);
  fs.writeFileSync(path.join(folder, 'go.mod'), 'module example.com/shop\n\ngo 1.22\n');
  fs.writeFileSync(path.join(folder, 'main.go'), 'package main\n\nfunc main() {}\n');
  fs.writeFileSync(path.join(folder, '.env'), 'DB_HOST=localhost\nDB_PORT=3306\nDB_USER=shop\nDB_PASSWORD=secret\nDB_NAME=shop\n');
  return { folder, scratch, dispose: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * Environment that keeps the extension away from any real AWS account: no profiles, no keys, no
 * instance metadata. The views then show their no-credentials state.
 */
export function isolatedAwsEnv(scratch: string): Record<string, string | undefined> {
  return {
    AWS_CONFIG_FILE: path.join(scratch, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_DEFAULT_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_ENDPOINT_URL: undefined,
  };
}
