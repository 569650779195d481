// Every contributed command has exactly one handler file, src/commands/<area>/<name>.ts, that
// exports a function of that name, and the one command table registers exactly those ids.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandTable } from '../../../src/commands/table';
import { Commands } from '../../../src/ids';

const root = path.resolve(__dirname, '../../../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('commands: one command, one file', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const files = filesUnder(path.join(root, 'src', 'commands')).map((f) => path.relative(path.join(root, 'src', 'commands'), f));

  it('every contributed id has exactly one handler file that exports the handler', () => {
    for (const id of contributed) {
      const name = id.replace(/^rdsLink\./, '');
      const matches = files.filter((f) => path.basename(f) === `${name}.ts`);
      assert.equal(matches.length, 1, `${id}: expected exactly one src/commands/<area>/${name}.ts, found ${matches.join(', ') || 'none'}`);
      assert.equal(path.dirname(matches[0]) === '.', false, `${id}: the file belongs in an area folder`);
      const text = fs.readFileSync(path.join(root, 'src', 'commands', matches[0]), 'utf8');
      assert.match(text, new RegExp(`export (async )?function ${name}\\(`), `${matches[0]} must export function ${name}`);
    }
  });

  it('the table registers exactly the contributed ids, each with its own file\'s handler', () => {
    assert.deepEqual(Object.keys(commandTable).sort(), contributed);
    assert.deepEqual(Object.values(Commands).sort(), contributed);
    for (const [id, handler] of Object.entries(commandTable)) {
      assert.equal(handler.name, id.replace(/^rdsLink\./, ''), `${id} is registered with ${handler.name}`);
    }
  });
});
