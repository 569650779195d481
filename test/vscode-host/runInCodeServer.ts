// Runs the vscode-host suites inside code-server's extension host (the vscode-host layer of
// scripts/test.mjs). code-server gets the built extension and the test-runner extension
// (runner-extension/) in a temp extensions dir; headless Chromium connects, which starts the
// extension host; the runner runs suite/index.js there and writes a results file, which this
// process waits for, prints, and turns into {passes, failures, pending} in $RDS_LINK_RESULTS.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, openWorkbench, type Workbench } from '../support/browser';
import { ensureCodeServer, isolatedAwsEnv, makeGoWorkspace, repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';
import type { SuiteResults } from './suite';

const resultsTimeoutMs = Number(process.env.RDS_LINK_VSCODE_HOST_TIMEOUT_MS ?? 300_000);

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function waitForResults(file: string, server: CodeServer, timeoutMs: number): Promise<SuiteResults> {
  const deadline = Date.now() + timeoutMs;
  let exited: unknown;
  void server.exited.then((e) => (exited = e));
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
    if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}) before the suites reported`);
    if (Date.now() > deadline) throw new Error(`the suites wrote no results within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The logs that explain a run that never reported: code-server's and the extension host's. */
function diagnostics(server: CodeServer | undefined, wb: Workbench | undefined): string {
  const parts: string[] = [];
  if (server) {
    parts.push(`--- code-server log (${server.logFile}) ---\n${tail(server.logFile, 40)}`);
    const logs = path.join(server.userDataDir, 'logs');
    const found = fs.existsSync(logs) ? (fs.readdirSync(logs, { recursive: true }) as string[]).filter((f) => /exthost.*\.log$/.test(f)) : [];
    for (const f of found) parts.push(`--- ${f} ---\n${tail(path.join(logs, f), 40)}`);
  }
  if (wb?.errors.length) parts.push(`--- browser errors ---\n${wb.errors.slice(-20).join('\n')}`);
  return parts.join('\n');
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const workspace = makeGoWorkspace();
  const resultsFile = path.join(workspace.scratch, 'vscode-host-results.json');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;
  let counts = { passes: 0, failures: 1, pending: 0 };
  try {
    await ensureCodeServer();
    const tStart = Date.now();
    const runner = path.join(repoRoot, 'test', 'vscode-host', 'runner-extension');
    // RDS_LINK_EXTENSIONS_DIR: an extensions dir used as it is, e.g. one that the .vsix and the test
    // runner were installed into with `entry.js --extensions-dir DIR --install-extension FILE`
    // (scripts/check-vsix.mjs). The editor drops folders that its extensions.json does not list, so
    // the runner must be installed there too. Else RDS_LINK_EXTENSION_DIR: another unpacked build
    // than this repository's, laid out in a fresh extensions dir.
    const installedIn = process.env.RDS_LINK_EXTENSIONS_DIR;
    if (installedIn && !fs.readdirSync(installedIn).some((n) => n.startsWith('rds-link-test.rds-link-test-runner-'))) {
      throw new Error(`RDS_LINK_EXTENSIONS_DIR=${installedIn} holds no installed test runner (rds-link-test.rds-link-test-runner-*)`);
    }
    server = await startCodeServer({
      workspace: workspace.folder,
      ...(installedIn ? { extensionsDir: installedIn } : { extensionDirs: [process.env.RDS_LINK_EXTENSION_DIR ?? repoRoot, runner] }),
      env: {
        ...isolatedAwsEnv(workspace.scratch),
        RDS_LINK_REPO: repoRoot,
        RDS_LINK_VSCODE_HOST_SUITE: path.join(__dirname, 'suite', 'index.js'),
        RDS_LINK_VSCODE_HOST_RESULTS: resultsFile,
      },
    });
    console.log(`code-server answered in ${seconds(tStart)} (${server.url})`);
    browser = await launchBrowser();
    // The extension host starts when a client connects; the page stays open until the end.
    wb = await openWorkbench(browser, server.url);
    console.log(`workbench loaded in ${seconds(tStart)}`);
    const results = await waitForResults(resultsFile, server, resultsTimeoutMs);
    console.log(results.output);
    // The spec output already lists the failures; without it (suites that failed to load) say why.
    if (!results.output) for (const f of results.failed) console.error(`\nFAILED ${f.title}\n${f.error}`);
    counts = { passes: results.passes, failures: results.failures, pending: results.pending };
    if (counts.failures > 0 && !results.output) console.error(diagnostics(server, wb));
  } catch (e) {
    console.error(`vscode-host: ${e instanceof Error ? e.message : String(e)}`);
    console.error(diagnostics(server, wb));
  } finally {
    await closeBrowser(browser);
    await server?.stop();
    workspace.dispose();
  }
  if (process.env.RDS_LINK_RESULTS) fs.writeFileSync(process.env.RDS_LINK_RESULTS, JSON.stringify(counts));
  console.log(`vscode-host (code-server): ${counts.passes} passed, ${counts.failures} failed, ${counts.pending} pending in ${seconds(t0)}`);
  return counts.failures > 0 || counts.pending > 0 || counts.passes === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
