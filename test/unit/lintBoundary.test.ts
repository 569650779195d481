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

  /** Writes a small tree of files made for the test to a temporary folder, runs `check` in it, removes it. */
  function inTree<T>(prefix: string, files: Record<string, string>, check: (dir: string) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    try {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      return check(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Runs the layer rules (.dependency-cruiser.cjs) over a small tree of files made for the test. */
  function cruise(files: Record<string, string>): { status: number | null; out: string } {
    const tsconfig = '{ "compilerOptions": { "module": "commonjs", "strict": true } }';
    return inTree('rds-link-layers-', { ...files, 'tsconfig.json': tsconfig }, (dir) => {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', path.join(root, '.dependency-cruiser.cjs')], { cwd: dir, encoding: 'utf8' });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    });
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

  /** A function of `lines` lines, every line of it counted by the rule (blank and comment lines too). */
  function functionOf(lines: number): string {
    const body = Array.from({ length: lines - 4 }, (_, k) => (k % 3 === 1 ? '' : k % 3 === 2 ? `  // step ${k}` : `  x += ${k};`));
    return ['export function long(): number {', '  let x = 0;', ...body, '  return x;', '}', ''].join('\n');
  }

  it('refuses a function of 81 lines in src/, counting blank and comment lines; 80 pass', async () => {
    const long = await lint('src/core/db/long.lint-probe.ts', functionOf(81));
    assert.ok(long.some((m) => m.startsWith('max-lines-per-function') && /\(81\)/.test(m)), long.join('\n'));
    assert.deepEqual(await lint('src/core/db/ok.lint-probe.ts', functionOf(80)), []);
    // The VS Code layer is held to it too.
    const ui = await lint('src/ui/long.lint-probe.ts', functionOf(81));
    assert.ok(ui.some((m) => m.startsWith('max-lines-per-function')), ui.join('\n'));
  });

  it('takes an exception to the 80 lines only with a reason after `--`', async () => {
    const because = `// eslint-disable-next-line max-lines-per-function -- a tokenizer loop reads best whole\n${functionOf(81)}`;
    assert.deepEqual(await lint('src/core/db/why.lint-probe.ts', because), []);
    const silent = await lint('src/core/db/silent.lint-probe.ts', `// eslint-disable-next-line max-lines-per-function\n${functionOf(81)}`);
    assert.ok(silent.some((m) => m.startsWith('rds-link/exception-says-why')), silent.join('\n'));
    // An exception the function no longer needs is an error, so exceptions do not outlive their reason.
    const stale = await lint('src/core/db/stale.lint-probe.ts', `// eslint-disable-next-line max-lines-per-function -- was long\n${functionOf(20)}`);
    assert.ok(stale.some((m) => /Unused eslint-disable directive/.test(m)), stale.join('\n'));
  });

  /** Runs the copy-paste check (.jscpd.json) over files made for the test; `args` override the config's. */
  function copyPasteCheck(files: Record<string, string>, args: string[] = []): { status: number | null; out: string } {
    return inTree('rds-link-jscpd-', files, (dir) => {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules/jscpd/run-jscpd.js'), '--config', path.join(root, '.jscpd.json'), '--no-colors', ...args, path.join(dir, 'src')], { cwd: dir, encoding: 'utf8' });
      assert.deepEqual(fs.readdirSync(dir), ['src'], 'the check writes no report files');
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    });
  }

  /** A block of `lines` lines, each dense enough that the line count, not the token count, decides. */
  function block(lines: number): string {
    const body = Array.from({ length: lines - 4 }, (_, k) => `  a = Math.round((a * ${k + 2} + (w - h) * ${k + 3}) / (h + ${k + 1})) || Math.max(a, w, h);`);
    return ['export function size(w: number, h: number): number {', '  let a = w * h;', ...body, '  return a;', '}', ''].join('\n');
  }

  it('refuses a block of 6 lines copied in src/; 5 lines pass', () => {
    // Files that differ right before and after the copy, so the copy is exactly the block.
    const copied = (n: number) => ({ 'src/a.ts': `export const one = 1\n${block(n)}`, 'src/b.ts': `export const two = 2\n\n${block(n)}let other = 3\nother++\n` });
    const six = copyPasteCheck(copied(6));
    assert.notEqual(six.status, 0, six.out);
    assert.match(six.out, /Clone found \(typescript\)\s*\n\s*- a\.ts \[2:1 - 7:2\] \(6 lines/, six.out);
    const five = copyPasteCheck(copied(5));
    assert.equal(five.status, 0, five.out);
    // One line less as the limit finds the same five lines (jscpd asks last − first line ≥ minLines,
    // see README): they pass by their length, not for having too few tokens.
    assert.notEqual(copyPasteCheck(copied(5), ['--min-lines', '4']).status, 0);
  });

  it('passes the layers of this repository', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', '.dependency-cruiser.cjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});
