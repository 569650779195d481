// The deploy file's JSON schema is contributed for every name the deploy file may have: VS Code's
// JSON language service reads `jsonValidation`, the Red Hat YAML extension `yamlValidation`. The
// schema must be in the .vsix: vsce's own listing (the .vscodeignore allowlist) is asked.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEPLOY_FILE_NAMES } from '../../../src/core/deploy/deployFile';

const root = path.resolve(__dirname, '../../../..');

interface Validation {
  readonly fileMatch: string | readonly string[];
  readonly url: string;
}

function validations(kind: 'jsonValidation' | 'yamlValidation'): readonly Validation[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: Partial<Record<typeof kind, Validation[]>> };
  return pkg.contributes[kind] ?? [];
}

/** The contributions whose fileMatch names this file (by its name, or a "**\/name" glob). */
function schemasFor(kind: 'jsonValidation' | 'yamlValidation', fileName: string): string[] {
  return validations(kind)
    .filter((v) => ([] as string[]).concat(v.fileMatch).some((m) => m.replace(/^\*\*\//, '') === fileName))
    .map((v) => v.url);
}

describe('deploy file: the JSON schema is contributed', () => {
  for (const name of DEPLOY_FILE_NAMES) {
    const kind = name.endsWith('.json') ? 'jsonValidation' : 'yamlValidation';
    it(`${name}: one ${kind} entry, pointing at the schema file in the extension`, () => {
      const urls = schemasFor(kind, name);
      assert.deepEqual(urls, ['./schemas/deploy.schema.json']);
      const file = path.join(root, urls[0]);
      assert.ok(fs.existsSync(file), `${urls[0]} does not exist`);
      const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { $schema?: string; properties?: Record<string, unknown> };
      assert.match(schema.$schema ?? '', /json-schema\.org/);
      assert.ok(schema.properties?.service && schema.properties.strategy, 'the deploy schema describes service and strategy');
    });
  }

  it('every contributed schema url is a file of the package, so nothing is fetched', () => {
    const urls = [...validations('jsonValidation'), ...validations('yamlValidation')].map((v) => v.url);
    assert.ok(urls.length >= 2);
    for (const url of urls) assert.match(url, /^\.\/schemas\/[\w.-]+\.json$/);
  });

  it('the .vsix holds the schema (vsce ls, by the .vscodeignore allowlist)', function () {
    this.timeout(60_000);
    const listed = execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' }).split(/\r?\n/);
    assert.ok(listed.includes('package.json'), `vsce ls gave: ${listed.join(', ')}`);
    assert.ok(listed.includes('schemas/deploy.schema.json'), `schemas/deploy.schema.json is not packaged: ${listed.join(', ')}`);
  });
});
