// Entry point of the vscode-host suites inside an extension host. Two callers:
//   - @vscode/test-electron loads this file as extensionTestsPath and awaits run();
//   - the test-runner extension in code-server (runner-extension/) calls runSuites() and writes
//     the results to a file for runInCodeServer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';

export interface SuiteResults {
  passes: number;
  failures: number;
  pending: number;
  /** The spec reporter's output. */
  output: string;
  failed: { title: string; error: string }[];
}

/** The repository root: RDS_LINK_REPO, or four levels above out/test/vscode-host/suite/. */
function repoRoot(): string {
  return process.env.RDS_LINK_REPO ?? path.resolve(__dirname, '..', '..', '..', '..');
}

export function runSuites(): Promise<SuiteResults> {
  // The extension host has no node_modules of ours on its path: take mocha from the repository.
  const Mocha = require(path.join(repoRoot(), 'node_modules', 'mocha')) as typeof import('mocha');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  if (process.env.RDS_LINK_GREP) mocha.grep(process.env.RDS_LINK_GREP);
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));

  // The spec reporter prints through Base.consoleLog: keep a copy of what it prints.
  const lines: string[] = [];
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const print = Base.consoleLog;
  Base.consoleLog = (...args: unknown[]) => {
    lines.push(util.format(...args));
    print(...args);
  };
  const failed: SuiteResults['failed'] = [];
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      Base.consoleLog = print;
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      resolve({ passes, failures, pending, output: lines.join('\n'), failed });
    });
    runner.on('fail', (test, err: Error) => failed.push({ title: test.fullTitle(), error: err?.stack ?? String(err) }));
  });
}

/** For @vscode/test-electron: resolves when every test passed, rejects otherwise. */
export async function run(): Promise<void> {
  const r = await runSuites();
  if (process.env.RDS_LINK_VSCODE_HOST_RESULTS) fs.writeFileSync(process.env.RDS_LINK_VSCODE_HOST_RESULTS, JSON.stringify(r));
  console.log(`vscode-host: ${r.passes} passed, ${r.failures} failed, ${r.pending} pending`);
  if (r.failures > 0 || r.pending > 0 || r.passes === 0) {
    throw new Error(`vscode-host suites: ${r.failures} failed, ${r.pending} pending, ${r.passes} passed`);
  }
}
