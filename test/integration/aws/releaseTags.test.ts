// Release tags through the real SDK against moto: tagReleases writes them with CreateTags, a new
// listing reads them back, and releaseOf (what the EC2 view shows) makes sense of them.
import * as assert from 'node:assert/strict';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { listInstances, tagReleases } from '../../../src/core/aws/ec2';
import { releaseOf, ReleaseTags } from '../../../src/core/aws/releaseTags';
import { AwsSession, type CallInfo } from '../../../src/core/aws/session';
import { startMoto, type MotoServer } from '../support';
import { startDelayProxy } from './delayProxy';
import { clientConfig } from './sandbox';

const REGION = 'eu-central-1';

describe('release tags on EC2 instances, against moto', function () {
  let moto: MotoServer;
  let ids: string[];

  before(async () => {
    moto = await startMoto();
    const ec2 = new EC2Client(clientConfig(moto.endpoint, REGION));
    const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 3, MaxCount: 3, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'goapp' }] }] }));
    ec2.destroy();
    ids = (out.Instances ?? []).map((i) => i.InstanceId ?? '');
    assert.equal(ids.filter(Boolean).length, 3);
  });
  after(async () => moto?.stop());

  function session(calls: CallInfo[] = [], endpointUrl = moto.endpoint): AwsSession {
    return new AwsSession({ endpointUrl, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), onCall: (c) => calls.push(c), maxAttempts: 1 });
  }

  async function listed(s: AwsSession) {
    return new Map((await listInstances(s.ec2(REGION), REGION)).map((i) => [i.id, i]));
  }

  it('tags the instances in one call, and a new listing reads service, release and time back', async () => {
    const calls: CallInfo[] = [];
    const s = session(calls);
    const releasedAt = new Date('2026-12-02T02:40:00.000Z');
    await tagReleases(s.ec2(REGION), [ids[0], ids[1], ids[0]], { service: 'goapp', release: 'v1.2.0-3-gabc1234', releasedAt });
    const byId = await listed(s);
    s.dispose();
    assert.deepEqual(calls.map((c) => [c.operation, c.ok]), [['CreateTags', true], ['DescribeInstances', true]]);
    for (const id of [ids[0], ids[1]]) {
      const i = byId.get(id);
      assert.equal(i?.tags[ReleaseTags.releasedAt], '2026-12-02T02:40:00.000Z');
      assert.deepEqual(releaseOf(i ?? { tags: {} }), { service: 'goapp', release: 'v1.2.0-3-gabc1234', releasedAt });
      assert.equal(i?.name, 'goapp', 'the Name tag stays');
    }
    assert.deepEqual(releaseOf(byId.get(ids[2]) ?? { tags: {} }), {}, 'an instance the deploy did not touch has no release');
  });

  it('a later release replaces the earlier one on the instances it touches, and only there', async () => {
    const s = session();
    const releasedAt = new Date('2026-12-02T03:00:00.000Z');
    await tagReleases(s.ec2(REGION), [ids[1], ids[2]], { service: 'goapp', release: 'v1.3.0', releasedAt });
    const byId = await listed(s);
    s.dispose();
    assert.deepEqual([ids[0], ids[1], ids[2]].map((id) => releaseOf(byId.get(id) ?? { tags: {} }).release), ['v1.2.0-3-gabc1234', 'v1.3.0', 'v1.3.0']);
    assert.deepEqual(releaseOf(byId.get(ids[2]) ?? { tags: {} }).releasedAt, releasedAt);
  });

  it('refuses a value EC2 would refuse before any call, and says which tag', async () => {
    const calls: CallInfo[] = [];
    const s = session(calls);
    await assert.rejects(tagReleases(s.ec2(REGION), [ids[0]], { service: 'goapp', release: 'x'.repeat(257), releasedAt: new Date() }), /rds-link:release/);
    await assert.rejects(tagReleases(s.ec2(REGION), [ids[0]], { service: ' ', release: 'v1', releasedAt: new Date() }), /rds-link:service/);
    await assert.rejects(tagReleases(s.ec2(REGION), [ids[0]], { service: 'goapp', release: 'v1', releasedAt: new Date('not a date') }), /rds-link:released-at/);
    await tagReleases(s.ec2(REGION), [], { service: 'goapp', release: 'v1', releasedAt: new Date() });
    s.dispose();
    assert.deepEqual(calls, []);
  });

  it('a failed call names the instances and the release, and keeps the AWS error as its cause', async () => {
    const proxy = await startDelayProxy(moto.endpoint, 0, [REGION]);
    try {
      const s = session([], proxy.endpoint);
      const err = await tagReleases(s.ec2(REGION), [ids[0]], { service: 'goapp', release: 'v9', releasedAt: new Date() }).then(() => undefined, (e: unknown) => e);
      s.dispose();
      assert.ok(err instanceof Error, 'an unreachable endpoint fails the call');
      assert.match(err.message, new RegExp(`^Tagging ${ids[0]} with release v9 failed: .+`));
      assert.ok(err.cause instanceof Error);
    } finally {
      await proxy.stop();
    }
  });
});
