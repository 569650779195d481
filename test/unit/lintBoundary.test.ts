import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
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
    const messages = await lint('src/core/aws/bad.lint-probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-imports')), messages.join('\n'));
  });

  it('refuses a require of vscode under src/core', async () => {
    const messages = await lint('src/core/db/bad.lint-probe.ts', "export const v = require('vscode');\n");
    assert.ok(messages.some((m) => m.startsWith('no-restricted-syntax')), messages.join('\n'));
  });

  it('allows vscode in the VS Code layer', async () => {
    const messages = await lint('src/tree/ok.lint-probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    assert.deepEqual(messages, []);
  });

  /** Runs the layer rules (.dependency-cruiser.cjs) over a small tree of files made for the test. */
  function cruise(files: Record<string, string>): { status: number | null; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-layers-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "module": "commonjs", "strict": true } }');
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', path.join(root, '.dependency-cruiser.cjs')], { cwd: dir, encoding: 'utf8' });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('refuses an import that runs back up the layers (core → ui), and a cycle', () => {
    const up = cruise({ 'src/core/aws/x.ts': "import { log } from '../../ui/log';\nexport const x = log;\n", 'src/ui/log.ts': 'export const log = 1;\n' });
    assert.notEqual(up.status, 0, up.out);
    assert.match(up.out, /core-is-editor-free: src\/core\/aws\/x\.ts → src\/ui\/log\.ts/);
    const state = cruise({ 'src/state/s.ts': "import { t } from '../tree/t';\nexport const s = t;\n", 'src/tree/t.ts': 'export const t = 1;\n' });
    assert.match(state.out, /state-below-the-ui/);
    const cycle = cruise({ 'src/core/a.ts': "import { b } from './b';\nexport const a = (): number => b();\n", 'src/core/b.ts': "import { a } from './a';\nexport const b = (): number => a();\n" });
    assert.match(cycle.out, /no-cycles/);
  });

  it('passes the layers of this repository', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});
