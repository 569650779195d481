import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const readJson = (p: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));

describe('localization', () => {
  it('every %key% in package.json is in package.nls.json', () => {
    const manifest = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const used = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    const nls = readJson('package.nls.json');
    assert.ok(used.length > 10);
    assert.deepEqual(used.filter((k) => !(k in nls)), []);
  });

  it('package.nls.id.json has exactly the keys of package.nls.json, none left empty', () => {
    const en = readJson('package.nls.json');
    const id = readJson('package.nls.id.json');
    assert.deepEqual(Object.keys(id).sort(), Object.keys(en).sort());
    assert.deepEqual(Object.entries(id).filter(([, v]) => typeof v !== 'string' || v.trim() === ''), []);
  });

  it('l10n/bundle.l10n.json is up to date with the strings in src/', () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/l10n.mjs'), '--check'], { cwd: root });
  });

  it('the Indonesian bundle translates every message, with the same placeholders', () => {
    const en = readJson('l10n/bundle.l10n.json');
    const id = readJson('l10n/bundle.l10n.id.json');
    assert.deepEqual(Object.keys(en).filter((k) => !(k in id)), [], 'untranslated');
    assert.deepEqual(Object.keys(id).filter((k) => !(k in en)), [], 'stale');
    const placeholders = (s: string): string => [...s.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort().join(',');
    const mismatched = Object.entries(id).filter(([k, v]) => placeholders(k) !== placeholders(String(v)));
    assert.deepEqual(mismatched, []);
  });
});
