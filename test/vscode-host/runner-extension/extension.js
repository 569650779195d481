// Test-runner extension for code-server (see ../runInCodeServer.ts). code-server has no
// --extensionTestsPath, so this extension, activated once the workbench has started, runs the
// suites named by RDS_LINK_VSCODE_HOST_SUITE (a compiled suite/index.js) in this extension host
// and writes {passes, failures, pending, output, failed} to RDS_LINK_VSCODE_HOST_RESULTS.
// Both variables come from code-server's environment, which the extension host inherits.
/* eslint-disable @typescript-eslint/no-require-imports -- an extension's entry is CommonJS */
'use strict';
const fs = require('node:fs');

function writeResults(file, results) {
  // Written whole and then renamed, so that the waiting side never reads half a file.
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 2));
  fs.renameSync(tmp, file);
}

async function runAndReport(suite, resultsFile) {
  let results;
  try {
    results = await require(suite).runSuites();
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    results = { passes: 0, failures: 1, pending: 0, output: '', failed: [{ title: `loading ${suite}`, error }] };
  }
  writeResults(resultsFile, results);
}

exports.activate = function activate() {
  const suite = process.env.RDS_LINK_VSCODE_HOST_SUITE;
  const resultsFile = process.env.RDS_LINK_VSCODE_HOST_RESULTS;
  if (!suite || !resultsFile) return;
  // Not awaited: the suites activate other extensions, which must not wait on this activation.
  void runAndReport(suite, resultsFile).catch((e) => console.error('rds-link test runner:', e));
};

exports.deactivate = function deactivate() {};
