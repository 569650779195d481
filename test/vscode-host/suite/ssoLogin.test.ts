// `aws sso login` in a real extension host: the CLI is the terminal's own process, its
// arguments given as a list, so no shell ever parses the profile name.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './extensionUnderTest';

describe('aws sso login terminal', function () {
  this.timeout(30_000);

  it('starts aws with its arguments, not a command line typed into a shell', async function () {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const before = new Set(vscode.window.terminals);
    await vscode.commands.executeCommand('rdsLink.ssoLogin');
    const terminal = vscode.window.terminals.find((t) => !before.has(t) && t.name === 'AWS SSO login');
    assert.ok(terminal, `no "AWS SSO login" terminal among: ${vscode.window.terminals.map((t) => t.name).join(', ')}`);
    try {
      const options = terminal.creationOptions as vscode.TerminalOptions;
      assert.equal(options.shellPath, 'aws');
      assert.ok(Array.isArray(options.shellArgs), 'arguments as a list');
      const args = options.shellArgs as string[];
      assert.deepEqual(args.slice(0, 3), ['sso', 'login', '--profile']);
      assert.equal(args.length, 4);
      assert.ok(args[3].length > 0, 'a profile name');
    } finally {
      terminal.dispose();
    }
  });
});
