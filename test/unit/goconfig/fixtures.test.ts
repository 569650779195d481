import * as assert from 'node:assert/strict';
import {
  ConfigParseError,
  applyEdits,
  configFormatOf,
  detectConfig,
  patchConfigText,
  planPatch,
  type ConfigFormat,
} from '../../../src/core/goconfig';
import { loadFixtures } from './fixtures';

const cases = loadFixtures();

describe('goconfig fixtures (before → after, byte for byte)', () => {
  it('has at least 24 cases and covers every format', () => {
    assert.ok(cases.length >= 24, `only ${cases.length} fixture cases`);
    const formats = new Set(cases.map((c) => configFormatOf(c.fileName)));
    const all: ConfigFormat[] = ['env', 'yaml', 'compose', 'json', 'toml', 'ini', 'go'];
    for (const f of all) assert.ok(formats.has(f), `no fixture for ${f}`);
  });

  for (const c of cases) {
    it(c.name, () => {
      const text = c.before.toString('utf8');
      if (c.expect.refused || !c.after) {
        assert.equal(c.after, undefined, 'a refused case has no after/ file');
        assert.throws(() => patchConfigText(c.fileName, text, c.target), ConfigParseError);
        const plan = planPatch(detectConfig(c.fileName, text)!, c.target);
        assert.equal(plan.ok, false);
        if (!plan.ok) assert.match(plan.error.message, /Nothing was changed/);
        return;
      }
      const result = patchConfigText(c.fileName, text, c.target);
      assert.ok(result, `${c.fileName} is not a config format`);
      const got = Buffer.from(result.text, 'utf8');
      assert.equal(result.text, c.after.toString('utf8'));
      assert.ok(got.equals(c.after), 'same text but different bytes');
      if (c.expect.warnings) assert.deepEqual(result.plan.warnings.map((w) => w.code), c.expect.warnings);
      if (c.expect.added) assert.deepEqual(result.plan.added.map((a) => a.key), c.expect.added);

      // Patching the result again changes nothing: every value now reads back as the target.
      const again = planPatch(detectConfig(c.fileName, result.text)!, c.target);
      assert.ok(again.ok);
      assert.deepEqual(again.edits, []);
      assert.equal(applyEdits(result.text, again.edits), result.text);
    });
  }
});
