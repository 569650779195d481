// Runs the vscode-host suites in desktop VS Code 1.96 through @vscode/test-electron
// (`npm run test:electron`). It downloads VS Code into .vscode-test/ the first time, so it needs
// the internet: use it on a laptop or in GitHub Actions (under xvfb-run on Linux). Where there is
// no internet the same suites run inside code-server (runInCodeServer.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeGoWorkspace, repoRoot } from '../support/codeServer';
import type { SuiteResults } from './suite';

async function main(): Promise<number> {
  const workspace = makeGoWorkspace();
  const resultsFile = path.join(workspace.scratch, 'results.json');
  let exitCode = 1;
  try {
    exitCode = await runTests({
      version: '1.96.0',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      extensionTestsEnv: { RDS_LINK_REPO: repoRoot, RDS_LINK_VSCODE_HOST_RESULTS: resultsFile },
      // Other installed extensions stay out; a fresh profile keeps the user's settings out.
      launchArgs: [workspace.folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', `--user-data-dir=${path.join(workspace.scratch, 'user-data')}`],
    });
  } catch (e) {
    // runTests rejects when the editor exits non-zero (a failed test included).
    console.error('vscode-host (test-electron):', e instanceof Error ? e.message : e);
  }
  try {
    if (process.env.RDS_LINK_RESULTS) {
      let counts = { passes: 0, failures: 1, pending: 0 };
      if (fs.existsSync(resultsFile)) {
        const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
        counts = { passes: r.passes, failures: r.failures, pending: r.pending };
      }
      fs.writeFileSync(process.env.RDS_LINK_RESULTS, JSON.stringify(counts));
    }
  } finally {
    workspace.dispose();
  }
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error('vscode-host (test-electron) failed:', e);
    process.exitCode = 1;
  },
);
