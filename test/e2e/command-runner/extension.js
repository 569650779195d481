// Test-only extension for the e2e layer: the workbench UI cannot call a command with arguments,
// an automation caller (another extension, a task) can. When RDS_LINK_E2E_COMMANDS names a folder
// (from code-server's environment), this polls it for request.json ({ command, args }), runs
// vscode.commands.executeCommand(command, ...args) once, and writes response.json ({ result } or
// { error }). It touches nothing else, so a window where it runs is otherwise a fresh one.
/* eslint-disable @typescript-eslint/no-require-imports -- an extension's entry is CommonJS */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

function write(file, value) {
  // Written whole and then renamed, so that the waiting side never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

exports.activate = function activate(context) {
  const dir = process.env.RDS_LINK_E2E_COMMANDS;
  if (!dir) return;
  const request = path.join(dir, 'request.json');
  const timer = setInterval(() => {
    if (!fs.existsSync(request)) return;
    const taken = path.join(dir, 'request.taken.json');
    fs.renameSync(request, taken);
    const { command, args } = JSON.parse(fs.readFileSync(taken, 'utf8'));
    Promise.resolve(vscode.commands.executeCommand(command, ...(args ?? []))).then(
      (result) => write(path.join(dir, 'response.json'), { result: result ?? null }),
      (e) => write(path.join(dir, 'response.json'), { error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  }, 200);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
};

exports.deactivate = function deactivate() {};
