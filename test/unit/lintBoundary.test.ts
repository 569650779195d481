import * as assert from 'node:assert/strict';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

describe('lint boundary', function () {
  this.timeout(60_000);

  async function lint(file: string, text: string): Promise<string[]> {
    const { ESLint } = require('eslint') as typeof import('eslint');
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(text, { filePath: path.join(root, file) });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('refuses an import of vscode under src/core', async () => {
    const messages = await lint('src/core/aws/bad.ts', "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
  });

  it('refuses a require of vscode under src/core', async () => {
    const messages = await lint('src/core/db/bad.ts', "export const v = require('vscode');\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-syntax')), messages.join('\n'));
  });

  it('allows vscode in the VS Code layer', async () => {
    const messages = await lint('src/tree/ok.ts', "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    assert.deepEqual(messages, []);
  });
});
