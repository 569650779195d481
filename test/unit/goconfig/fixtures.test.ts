import * as assert from 'node:assert/strict';
import {
  ConfigParseError,
  applyEdits,
  configFormatOf,
  detectConfig,
  effectiveConnections,
  environmentBlocks,
  patchConfigText,
  planPatch,
  settingsOffTarget,
  type ConfigFormat,
  type DbTarget,
  type EffectiveConnection,
} from '../../../src/core/goconfig';
import { loadFixtures, patchCase } from './fixtures';

const cases = loadFixtures();

describe('goconfig fixtures (before → after, byte for byte)', () => {
  it('has at least 70 cases and covers every format', () => {
    assert.ok(cases.length >= 70, `only ${cases.length} fixture cases`);
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
      const result = patchCase(c);
      const got = Buffer.from(result.text, 'utf8');
      assert.equal(result.text, c.after.toString('utf8'));
      assert.ok(got.equals(c.after), 'same text but different bytes');
      if (c.expect.warnings) assert.deepEqual(result.plan.warnings.map((w) => w.code), c.expect.warnings);
      if (c.expect.added) assert.deepEqual(result.plan.added.map((a) => a.key), c.expect.added);

      // Patching the result again changes nothing: every value now reads back as the target.
      const again = planPatch(detectConfig(c.fileName, result.text, undefined, { keyMap: c.keyMap })!, c.target, { groups: result.groups });
      assert.ok(again.ok);
      assert.deepEqual(again.edits, []);
      assert.equal(applyEdits(result.text, again.edits), result.text);
      assert.equal(result.verdict.kind, c.expect.verdict, `${c.name}/expect.json must say the verdict: ${JSON.stringify(result.verdict)}`);
    });
  }

  describe('no fixture claims success while its effective connection points elsewhere', () => {
    const pointsAt = (e: EffectiveConnection, t: DbTarget): boolean =>
      e.host?.toLowerCase() === t.host.toLowerCase() && (e.port === undefined || e.port === t.port)
      && (e.user === undefined || e.user === t.user) && (e.database === undefined || e.database === t.database);
    for (const c of cases.filter((x) => x.after)) {
      it(c.name, () => {
        const { text, verdict } = patchCase(c);
        const after = detectConfig(c.fileName, text, undefined, { keyMap: c.keyMap })!;
        // Only the block that was patched: the others are meant to stay.
        const scope = c.expect.block ? environmentBlocks(after, text).find((b) => b.name === c.expect.block)?.groups : undefined;
        const connections = effectiveConnections(after, scope);
        if (verdict.kind === 'onTarget') {
          assert.ok(connections.length > 0, 'success with no connection at all');
          for (const e of connections) assert.ok(pointsAt(e, c.target), `claims success, but ${e.label} makes ${JSON.stringify(e)}`);
          assert.deepEqual(settingsOffTarget(after, c.target).filter((s) => !scope || scope.includes(s.group)).map((s) => s.key), []);
        } else if (verdict.kind === 'partial') {
          assert.ok(verdict.elsewhere.length > 0);
          for (const e of verdict.elsewhere) assert.ok(verdict.message.includes(e.message));
        } else {
          assert.notEqual(verdict.message, 'No MySQL settings were found in this file.');
          if (verdict.key) assert.ok(verdict.message.includes(verdict.key), `the reason names the key: ${verdict.message}`);
          assert.equal(text, c.before.toString('utf8'), 'nothing was patched, so nothing changed');
        }
      });
    }
  });
});
