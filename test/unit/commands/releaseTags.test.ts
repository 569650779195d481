// After a deploy: the instances it reached are tagged with the release they run now, one call per
// region and release; untouched instances are not tagged; the tags are merged into the store's
// listing (no reload); a failed call is logged, not thrown, and merges nothing.
import * as assert from 'node:assert/strict';
import * as aws from '../../../src/core/aws/index';
import { releaseOf, ReleaseTags } from '../../../src/core/aws/releaseTags';
import type { Ec2Instance } from '../../../src/core/aws/types';
import { tagTouched } from '../../../src/commands/deploy/releaseTags';
import { FakeStore, fakeDeps } from '../support/fakeDeps';

const instance = (id: string, region: string): Ec2Instance => ({ id, region, state: 'running', tags: {} }) as unknown as Ec2Instance;

describe('commands: deploy release tags', () => {
  it('tags per region and release, skips untouched instances, merges the tags into the listing without reloading it', async () => {
    const calls: Array<{ client: unknown; ids: readonly string[]; release: string; service: string }> = [];
    const listed = [instance('i-1', 'us-east-1'), instance('i-2', 'us-east-1'), instance('i-3', 'eu-west-1'), instance('i-4', 'us-east-1')].map((i) => ({ ...i, tags: { Name: `web-${i.id}`, [ReleaseTags.release]: 'r1' } }));
    const store = new FakeStore({ instances: listed, session: { state: 'ready', profile: 'p', regions: ['us-east-1', 'eu-west-1'], identity: { account: '1', arn: 'a' } } });
    (store as unknown as { getSession: () => unknown }).getSession = () => ({ ec2: (region: string) => `ec2:${region}` });
    const deps = fakeDeps({
      store,
      core: { aws: () => ({ ...aws, tagReleases: async (client: unknown, ids: readonly string[], t: { release: string; service: string }) => void calls.push({ client, ids, release: t.release, service: t.service }) }) as typeof aws, db: () => { throw new Error('no'); }, goconfig: () => { throw new Error('no'); }, deploy: () => { throw new Error('no'); } } as never,
    });
    const hosts = [instance('i-1', 'us-east-1'), instance('i-2', 'us-east-1'), instance('i-3', 'eu-west-1'), instance('i-4', 'us-east-1')];
    await tagTouched(deps, 'goapp', hosts, [
      { instanceId: 'i-1', state: 'deployed', release: 'r2' },
      { instanceId: 'i-2', state: 'rolledBack', release: 'r1' },
      { instanceId: 'i-3', state: 'deployed', release: 'r2' },
      { instanceId: 'i-4', state: 'untouched', release: 'r1' },
    ]);
    assert.deepEqual(calls.map((c) => [c.client, [...c.ids], c.release, c.service]).sort(), [
      ['ec2:eu-west-1', ['i-3'], 'r2', 'goapp'],
      ['ec2:us-east-1', ['i-1'], 'r2', 'goapp'],
      ['ec2:us-east-1', ['i-2'], 'r1', 'goapp'],
    ]);
    assert.deepEqual(store.reloads, [], 'no listing is reloaded');
    assert.equal(store.updates.length, 3, 'one update per tag call');
    const now = new Map(store.allInstances().map((i) => [i.id, i]));
    assert.deepEqual(['i-1', 'i-2', 'i-3', 'i-4'].map((id) => [releaseOf(now.get(id) ?? { tags: {} }).service, releaseOf(now.get(id) ?? { tags: {} }).release]), [['goapp', 'r2'], ['goapp', 'r1'], ['goapp', 'r2'], [undefined, 'r1']]);
    assert.equal(now.get('i-1')?.tags.Name, 'web-i-1', 'the other tags stay');
    assert.ok(releaseOf(now.get('i-1') ?? { tags: {} }).releasedAt instanceof Date);
  });

  it('a failed tag call is logged and nothing is merged into the listing', async () => {
    const store = new FakeStore();
    (store as unknown as { getSession: () => unknown }).getSession = () => ({ ec2: () => 'client' });
    const deps = fakeDeps({ store, core: { aws: () => ({ ...aws, tagReleases: async () => { throw new Error('UnauthorizedOperation'); } }) as typeof aws } as never });
    await tagTouched(deps, 'goapp', [instance('i-1', 'us-east-1')], [{ instanceId: 'i-1', state: 'deployed', release: 'r2' }]);
    assert.ok(deps.log.lines.some((line) => /warn Tagging i-1 with release r2 failed.*UnauthorizedOperation/.test(line)), deps.log.lines.join('\n'));
    assert.deepEqual(store.reloads, []);
    assert.deepEqual(store.updates, []);
  });
});
