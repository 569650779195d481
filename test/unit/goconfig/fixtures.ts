/** Reading the before/after fixtures under test/fixtures/goconfig/<case>/. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DbTarget } from '../../../src/core/goconfig';

/** out/test/unit/goconfig → repo root. */
export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/goconfig');

export interface FixtureCase {
  readonly name: string;
  readonly fileName: string;
  readonly before: Buffer;
  /** Undefined for a file that must be refused. */
  readonly after?: Buffer;
  readonly target: DbTarget;
  /** `verdict`: what the patch may claim once the patched text is read again (required for every patched case). */
  readonly expect: { refused?: boolean; warnings?: string[]; added?: string[]; verdict?: 'onTarget' | 'partial' | 'nothing' };
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
        expect: fs.existsSync(expectFile) ? readJson(expectFile) : {},
      };
    });
}
