// The walkthrough "From nothing to a running app on RDS" as the manifest declares it, resolved in
// each language the way VS Code resolves a manifest (every "%key%" string from package.nls*.json):
// the steps in the course's order, a button per step that runs a command we contribute, completion
// on a real event, and markdown media that exists, in that language, and ships in the .vsix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import type { Ec2Instance } from '../../src/core/aws/types';
import { ContextKeys } from '../../src/ids';
import { trackRunningInstance } from '../../src/state/runningInstanceKey';
import { EventEmitter } from './support/vscodeModule';

const root = path.resolve(__dirname, '../../..');
const readJson = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as Record<string, unknown>;

interface Step { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }
interface Walkthrough { id: string; title: string; description: string; steps: Step[] }
interface Manifest {
  name: string;
  publisher: string;
  contributes: { commands: Array<{ command: string }>; views: Record<string, Array<{ id: string }>>; walkthroughs?: Walkthrough[] };
}

const manifest = readJson('package.json') as unknown as Manifest;
const languages = { en: readJson('package.nls.json') as Record<string, string>, id: readJson('package.nls.id.json') as Record<string, string> };
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));

/** The manifest value with every "%key%" string replaced from `nls`; a missing key throws. */
function resolve<T>(value: T, nls: Record<string, string>): T {
  if (typeof value === 'string') {
    const key = /^%([\w.-]+)%$/.exec(value)?.[1];
    if (!key) return value;
    assert.ok(typeof nls[key] === 'string' && nls[key] !== '', `no string for %${key}%`);
    return nls[key] as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, nls)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, nls)])) as T;
  return value;
}

/** A command a button may run: one we contribute, or the focus command of one of our views. */
function runnable(command: string): boolean {
  return commands.has(command) || (command.endsWith('.focus') && views.has(command.slice(0, -'.focus'.length)));
}

const commandLinks = (text: string): string[] => [...text.matchAll(/\]\(command:([\w.-]+)[^)]*\)/g)].map((m) => m[1]);
const shipped = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());

describe('walkthrough: from nothing to a running app on RDS', () => {
  const declared = manifest.contributes.walkthroughs ?? [];

  it('is declared once, with the steps in the course\'s order', () => {
    assert.deepEqual(declared.map((w) => w.id), ['fromNothing']);
    assert.deepEqual(declared[0].steps.map((s) => s.id), ['profile', 'instance', 'database', 'link', 'schema', 'config', 'deploy', 'diagnose']);
  });

  it('npm start opens this walkthrough by its full id', () => {
    const script = fs.readFileSync(path.join(root, 'scripts', 'code-server.mjs'), 'utf8');
    assert.match(script, new RegExp(`startWalkthrough = '${manifest.publisher}\\.${manifest.name}#${declared[0]?.id}'`));
    assert.match(fs.readFileSync(path.join(root, 'scripts', 'start.mjs'), 'utf8'), /runAtFirstWindow\(.*'workbench\.action\.openWalkthrough', \[startWalkthrough/);
  });

  it('every step completes on an event of a command, view or context key we contribute', () => {
    const keys = new Set<string>(Object.values(ContextKeys));
    for (const step of declared[0].steps) {
      const events = step.completionEvents ?? [];
      assert.ok(events.length > 0, `${step.id} has no completionEvents`);
      for (const e of events) {
        const [, kind, id] = /^(onCommand|onView|onContext):(.+)$/.exec(e) ?? [];
        const ours = kind === 'onCommand' ? commands.has(id) : kind === 'onView' ? views.has(id) : kind === 'onContext' && keys.has(id);
        assert.ok(ours, `${step.id}: ${e} names nothing we contribute`);
      }
    }
  });

  it('the instance step is done when an instance runs (created or there to pick), not when the command merely ran or the view opened', () => {
    const step = declared[0].steps.find((s) => s.id === 'instance');
    assert.deepEqual(step?.completionEvents, [`onContext:${ContextKeys.hasRunningInstance}`]);
    assert.deepEqual(commandLinks(resolve(step, languages.en)?.description ?? ''), ['rdsLink.createInstance']);
    const changed = new EventEmitter<unknown>();
    let instances: Ec2Instance[] = [];
    const set: Array<[string, boolean]> = [];
    const tracking = trackRunningInstance({ onDidChange: changed.event as never, allInstances: () => instances }, (key, value) => set.push([key, value]));
    const one = (state: Ec2Instance['state']): Ec2Instance => ({ region: 'us-east-1', id: 'i-1', state, tags: {}, networkInterfaces: [], securityGroupIds: [] });
    instances = [one('pending')];
    changed.fire(undefined);
    instances = [one('running')];
    changed.fire(undefined);
    changed.fire(undefined);
    instances = [one('terminated')];
    changed.fire(undefined);
    tracking.dispose();
    changed.fire(undefined);
    assert.deepEqual(set, [[ContextKeys.hasRunningInstance, false], [ContextKeys.hasRunningInstance, true], [ContextKeys.hasRunningInstance, false]]);
  });

  for (const [language, nls] of Object.entries(languages)) {
    describe(`in ${language}`, () => {
      const walkthrough = (): Walkthrough => resolve(declared[0], nls);

      it('every string has an entry', () => {
        const w = walkthrough();
        for (const text of [w.title, w.description, ...w.steps.flatMap((s) => [s.title, s.description])]) assert.doesNotMatch(text, /^%.*%$/);
      });

      it('every step has a button, and each button runs a command we contribute', () => {
        for (const step of walkthrough().steps) {
          const links = commandLinks(step.description);
          assert.ok(links.length > 0, `${step.id}: no command button in "${step.description}"`);
          for (const c of links) assert.ok(runnable(c), `${step.id}: the button runs ${c}, which is not contributed`);
          // A button on its own line is drawn as a button, not as a link inside the text.
          for (const line of step.description.split('\n').filter((l) => commandLinks(l).length > 0)) assert.match(line, /^\[[^\]]+\]\(command:[^)]+\)$/);
        }
      });

      it('every step shows markdown of this language that exists, whose pictures exist, and that the .vsix ships', () => {
        for (const step of walkthrough().steps) {
          const md = step.media.markdown;
          assert.ok(md, `${step.id} has no markdown media`);
          assert.ok(md.startsWith(`media/walkthrough/${language}/`), `${step.id}: ${md} is not the ${language} media`);
          const file = path.join(root, md);
          assert.ok(fs.existsSync(file), `${md} is missing`);
          const pictures = [...fs.readFileSync(file, 'utf8').matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => path.relative(root, path.resolve(path.dirname(file), m[1])));
          for (const shown of [md, ...pictures]) {
            assert.ok(fs.existsSync(path.join(root, shown)), `${md} shows ${shown}, which is missing`);
            assert.ok(shipped.some((pattern) => minimatch(shown, pattern)), `${shown} is not in the .vscodeignore allowlist`);
          }
        }
      });
    });
  }

  it('both languages have the same buttons, and the Indonesian is a translation', () => {
    const [en, id] = [resolve(declared[0], languages.en), resolve(declared[0], languages.id)];
    en.steps.forEach((step, i) => {
      assert.deepEqual(commandLinks(id.steps[i].description), commandLinks(step.description), step.id);
      assert.notEqual(id.steps[i].description, step.description, `${step.id}: the Indonesian description is the English one`);
      assert.notEqual(fs.readFileSync(path.join(root, id.steps[i].media.markdown ?? ''), 'utf8'), fs.readFileSync(path.join(root, step.media.markdown ?? ''), 'utf8'));
    });
  });
});
