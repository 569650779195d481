/** Reading the before/after fixtures under test/fixtures/goconfig/<case>/. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KeyMapBuilder, detectConfig, environmentBlocks, patchConfigText, type DbTarget, type KeyMap } from '../../../src/core/goconfig';

/** out/test/unit/goconfig → repo root. */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/goconfig');

export interface FixtureCase {
  readonly name: string;
  readonly fileName: string;
  readonly before: Buffer;
  /** Undefined for a file that must be refused. */
  readonly after?: Buffer;
  readonly target: DbTarget;
  /** Learned from the Go files in `loader/`, when the case has them: the app's own loader decides what the keys mean. */
  readonly keyMap?: KeyMap;
  /** `verdict`: what the patch may claim once the patched text is read again (required for every patched case). */
  /** `block`: patch only that environment block of a multi-environment file, as the source action would after asking. */
  readonly expect: { refused?: boolean; warnings?: string[]; added?: string[]; verdict?: 'onTarget' | 'partial' | 'nothing'; block?: string };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function loadFixtures(): FixtureCase[] {
  const defaultTarget = readJson<DbTarget>(path.join(FIXTURES, 'target.json'));
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const dir = path.join(FIXTURES, name);
      const files = fs.readdirSync(path.join(dir, 'before'));
      if (files.length !== 1) throw new Error(`${name}/before must hold exactly one file`);
      const fileName = files[0];
      const afterFile = path.join(dir, 'after', fileName);
      const targetFile = path.join(dir, 'target.json');
      const expectFile = path.join(dir, 'expect.json');
      return {
        name,
        fileName,
        before: fs.readFileSync(path.join(dir, 'before', fileName)),
        after: fs.existsSync(afterFile) ? fs.readFileSync(afterFile) : undefined,
        target: fs.existsSync(targetFile) ? readJson<DbTarget>(targetFile) : defaultTarget,
        keyMap: loaderMap(path.join(dir, 'loader')),
        expect: fs.existsSync(expectFile) ? readJson(expectFile) : {},
      };
    });
}

function loaderMap(dir: string): KeyMap | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const builder = new KeyMapBuilder();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.go'))) builder.update(f, fs.readFileSync(path.join(dir, f), 'utf8'));
  return builder.map();
}

/** The fixture patched as its expect.json says (the whole file, or one environment block). */
export function patchCase(c: FixtureCase): NonNullable<ReturnType<typeof patchConfigText>> & { groups?: readonly string[] } {
  const text = c.before.toString('utf8');
  let groups: readonly string[] | undefined;
  if (c.expect.block) {
    const block = environmentBlocks(detectConfig(c.fileName, text, undefined, { keyMap: c.keyMap })!, text).find((b) => b.name === c.expect.block);
    if (!block) throw new Error(`${c.name}: no environment block ${c.expect.block}`);
    groups = block.groups;
  }
  const result = patchConfigText(c.fileName, text, c.target, { groups, keyMap: c.keyMap });
  if (!result) throw new Error(`${c.fileName} is not a config format`);
  return { ...result, groups };
}
