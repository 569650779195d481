import * as assert from 'node:assert/strict';
import { releaseOf, ReleaseTags } from '../../../src/core/aws/releaseTags';

describe('releaseOf: an instance\'s release from its tags', () => {
  it('reads service, release and time', () => {
    const tags = { Name: 'web', [ReleaseTags.service]: 'goapp', [ReleaseTags.release]: 'v1.2.0', [ReleaseTags.releasedAt]: '2026-12-02T02:40:00.000Z' };
    assert.deepEqual(releaseOf({ tags }), { service: 'goapp', release: 'v1.2.0', releasedAt: new Date('2026-12-02T02:40:00.000Z') });
  });

  it('leaves out a missing, blank or unreadable tag, and keeps the others', () => {
    assert.deepEqual(releaseOf({ tags: {} }), {});
    assert.deepEqual(releaseOf({ tags: { [ReleaseTags.service]: '  ', [ReleaseTags.release]: ' v2 ', [ReleaseTags.releasedAt]: 'yesterday' } }), { release: 'v2' });
    assert.deepEqual(releaseOf({ tags: { [ReleaseTags.service]: 'goapp' } }), { service: 'goapp' });
  });
});
