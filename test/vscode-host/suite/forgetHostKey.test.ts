// rdsLink.forgetHostKey in the extension host: automation names an instance; one with no
// remembered key is reported as such (false), not treated as a failure.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './extensionUnderTest';

describe('forget SSH host key', function () {
  this.timeout(30_000);

  before(async function () {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('answers false for an instance whose key is not remembered', async function () {
    const forgot = await vscode.commands.executeCommand<boolean | undefined>('rdsLink.forgetHostKey', { instanceId: 'i-0nothingremembered' });
    // undefined would mean the command wrapper caught a failure.
    assert.equal(forgot, false);
  });
});
