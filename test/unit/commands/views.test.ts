// The views' filter commands with a fake view: automation's text, the prompt, Escape, clear.
import * as assert from 'node:assert/strict';
import type { Deps } from '../../../src/commands/deps';
import { clearEc2Filter } from '../../../src/commands/views/clearEc2Filter';
import { clearRdsFilter } from '../../../src/commands/views/clearRdsFilter';
import { filterEc2 } from '../../../src/commands/views/filterEc2';
import { filterRds } from '../../../src/commands/views/filterRds';
import { fakeDeps } from '../support/fakeDeps';
import { escape, TestUserInput, type } from '../support/testUserInput';

class FakeView {
  readonly set: string[] = [];
  constructor(readonly service: 'ec2' | 'rds', public filter = '') {}
  setFilter(text: string): void {
    this.set.push(text);
    this.filter = text;
  }
}

function withViews(ui = new TestUserInput()) {
  const ec2 = new FakeView('ec2', 'web');
  const rds = new FakeView('rds', 'shop');
  const deps = fakeDeps({ ui, views: { ec2, rds } as unknown as Deps['views'] });
  return { deps, ui, ec2, rds };
}

describe('commands: view filters (fake views, scripted answers)', () => {
  it('filterEc2 takes automation text as it is, without asking', async () => {
    const { deps, ui, ec2, rds } = withViews();
    await filterEc2(deps, 'running');
    assert.deepEqual(ec2.set, ['running']);
    assert.deepEqual(rds.set, []);
    assert.equal(ui.shown.length, 0);
  });

  it('filterRds asks with the RDS title and the current filter, and sets what is typed', async () => {
    const { deps, ui, ec2, rds } = withViews(new TestUserInput([type('mysql')]));
    await filterRds(deps);
    assert.deepEqual(ui.shown.map((s) => [s.kind, s.text]), [['input', 'Filter RDS databases']]);
    assert.deepEqual(rds.set, ['mysql']);
    assert.deepEqual(ec2.set, []);
    ui.assertDone();
  });

  it('filterEc2 asks with the EC2 title; Escape keeps the filter', async () => {
    const { deps, ui, ec2 } = withViews(new TestUserInput([escape]));
    await filterEc2(deps, { not: 'a string' });
    assert.equal(ui.shown[0].text, 'Filter EC2 instances');
    assert.deepEqual(ec2.set, []);
    assert.equal(ec2.filter, 'web');
  });

  it('clearEc2Filter and clearRdsFilter each empty their own view', () => {
    const { deps, ec2, rds } = withViews();
    clearEc2Filter(deps);
    assert.deepEqual([ec2.set, rds.set], [[''], []]);
    clearRdsFilter(deps);
    assert.deepEqual([ec2.set, rds.set], [[''], ['']]);
  });
});
