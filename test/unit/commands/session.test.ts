// The session commands' handlers with a scripted person and in-memory settings: what they ask,
// what they write, and that a cancel writes nothing.
import * as assert from 'node:assert/strict';
import { selectRegions } from '../../../src/commands/session/selectRegions';
import { selectProfile } from '../../../src/commands/session/selectProfile';
import { retry } from '../../../src/commands/session/retry';
import { isCancellation } from '../../../src/core/errors';
import { ErrorNode } from '../../../src/tree/nodes';
import { fakeDeps } from '../support/fakeDeps';
import { escape, pick, pickMany, TestUserInput } from '../support/testUserInput';

describe('commands: session handlers (fake deps, scripted answers)', () => {
  it('selectRegions writes the picked regions, the current ones offered as picked', async () => {
    const ui = new TestUserInput([pickMany('us-east-1', 'eu-west-1')]);
    const deps = fakeDeps({ ui });
    const result = await selectRegions(deps);
    assert.deepEqual(result, ['us-east-1', 'eu-west-1']);
    assert.deepEqual(deps.settings.values.get('regions'), ['us-east-1', 'eu-west-1']);
    assert.equal(ui.shown[0].items?.[0], 'us-east-1', 'the current region comes first');
    ui.assertDone();
  });

  it('selectRegions refuses an empty choice and writes nothing; Escape cancels', async () => {
    const deps = fakeDeps({ ui: new TestUserInput([pickMany(), escape]) });
    await assert.rejects(selectRegions(deps), /Select at least one region/);
    await assert.rejects(selectRegions(deps), (e: unknown) => isCancellation(e));
    assert.equal(deps.settings.values.has('regions'), false);
  });

  it('selectProfile offers the default chain first and writes an empty profile for it', async () => {
    const ui = new TestUserInput([pick(/Default credential chain/)]);
    const deps = fakeDeps({ ui });
    assert.equal(await selectProfile(deps), '');
    assert.equal(deps.settings.values.get('profile'), '');
    assert.match(ui.shown[0].items?.[0] ?? '', /Default credential chain/);
  });

  it('retry on an error node reloads only that service of that region', async () => {
    const deps = fakeDeps();
    await retry(deps, new ErrorNode('rds', 'us-east-1', { kind: 'other', message: 'boom', operation: 'rds:DescribeDBInstances' } as never));
    assert.deepEqual(deps.fakeStore.reloads, [{ region: 'us-east-1', services: ['rds'] }]);
    await retry(deps, undefined);
    assert.deepEqual(deps.fakeStore.reloads.at(-1), 'all');
  });
});
