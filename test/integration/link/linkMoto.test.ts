import * as assert from 'node:assert/strict';
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { applyPlan, createSdkLinkApi, listLinks, prepareLink, prepareUnlink } from '../../../src/core/aws/link';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { clientConfig, seedSandbox, type SandboxIds } from '../aws/sandbox';
import { startMoto, type MotoServer } from '../support';

describe('link against moto: link → link again → unlink', function () {
  let moto: MotoServer;
  let ids: SandboxIds;
  let ec2: EC2Client;
  let rds: RDSClient;
  const fast = { deleteRetryDelaysMs: [50, 100], consistencyRetryDelaysMs: [50] };

  before(async () => {
    moto = await startMoto();
    ids = await seedSandbox(moto.endpoint);
    ec2 = new EC2Client(clientConfig(moto.endpoint, 'us-east-1'));
    rds = new RDSClient(clientConfig(moto.endpoint, 'us-east-1'));
  });
  after(async () => {
    ec2?.destroy();
    rds?.destroy();
    await moto?.stop();
  });

  async function groupsNamed(prefix: string) {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [`${prefix}*`] }] }));
    return out.SecurityGroups ?? [];
  }
  async function dbGroups(id: string): Promise<string[]> {
    const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return (out.DBInstances?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '');
  }
  async function primaryEniGroups(instanceId: string): Promise<string[]> {
    const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }));
    const eni = (out.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
    return (eni?.Groups ?? []).map((g) => g.GroupId ?? '');
  }

  it('creates the console pair, keeps existing groups, and the tree finds the link', async () => {
    const api = createSdkLinkApi(ec2, rds);
    const web = ids.instances['goapp-web'];
    const dbBefore = await dbGroups('goapp-db');
    const eniBefore = await primaryEniGroups(web);
    const { plan } = await prepareLink(api, { instanceId: web, db: { kind: 'instance', id: 'goapp-db' } });
    assert.equal(plan.status, 'ready', plan.refusal?.message);
    assert.deepEqual([plan.ec2Group?.name, plan.rdsGroup?.name], ['ec2-rds-1', 'rds-ec2-1']);
    const result = await applyPlan(plan, api, fast);
    assert.equal(result.status, 'applied');

    const [ec2Side] = await groupsNamed('ec2-rds-');
    const [rdsSide] = await groupsNamed('rds-ec2-');
    assert.equal(ec2Side.GroupName, 'ec2-rds-1');
    assert.equal(ec2Side.VpcId, ids.vpcId);
    // One outbound rule to the peer on 3306, the default allow-all egress gone; no inbound rule.
    assert.deepEqual(ec2Side.IpPermissionsEgress?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.UserIdGroupPairs?.map((u) => u.GroupId)]), [['tcp', 3306, 3306, [rdsSide.GroupId]]]);
    assert.deepEqual(ec2Side.IpPermissions, []);
    assert.deepEqual(rdsSide.IpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.UserIdGroupPairs?.map((u) => u.GroupId)]), [['tcp', 3306, 3306, [ec2Side.GroupId]]]);
    assert.deepEqual(rdsSide.IpPermissionsEgress, []);
    assert.match(rdsSide.IpPermissions?.[0].UserIdGroupPairs?.[0].Description ?? '', new RegExp(`Rule to allow connections from EC2 instances with ${ec2Side.GroupId} attached`));
    assert.ok(ec2Side.Tags?.some((t) => t.Key === 'rds-link:created-by'));

    assert.deepEqual((await dbGroups('goapp-db')).sort(), [...dbBefore, rdsSide.GroupId].sort());
    assert.deepEqual((await primaryEniGroups(web)).sort(), [...eniBefore, ec2Side.GroupId].sort());

    const links = await listLinks(api, await listInstances(ec2, 'us-east-1'), await listDatabases(rds, 'us-east-1'));
    assert.deepEqual(links.map((l) => [l.instance.id, l.dbTarget.id, l.createdBy]), [[web, 'goapp-db', 'rds-link']]);
  });

  it('says "already linked" the second time and changes nothing', async () => {
    const api = createSdkLinkApi(ec2, rds);
    const { plan } = await prepareLink(api, { instanceId: ids.instances['goapp-web'], db: { kind: 'instance', id: 'goapp-db' } });
    assert.equal(plan.status, 'alreadyLinked');
    const result = await applyPlan(plan, api, fast);
    assert.equal(result.status, 'unchanged');
    assert.equal(result.calls, 0);
    assert.equal((await groupsNamed('ec2-rds-')).length, 1);
  });

  it('unlinks: detaches both groups and deletes them, leaving AWS as before the link', async () => {
    const api = createSdkLinkApi(ec2, rds);
    const web = ids.instances['goapp-web'];
    const [link] = await listLinks(api, await listInstances(ec2, 'us-east-1'), await listDatabases(rds, 'us-east-1'));
    const { plan } = await prepareUnlink(api, link);
    assert.equal(plan.status, 'ready', plan.refusal?.message);
    await applyPlan(plan, api, fast);
    assert.deepEqual(await groupsNamed('ec2-rds-'), []);
    assert.deepEqual(await groupsNamed('rds-ec2-'), []);
    assert.ok(!(await dbGroups('goapp-db')).includes(link.rdsGroup.id));
    assert.ok(!(await primaryEniGroups(web)).includes(link.ec2Group.id));
  });

  it('refuses an instance in another VPC, and a terminated one, with messages that say so', async () => {
    const api = createSdkLinkApi(ec2, rds);
    // No subnet: moto puts the instance in the region's default VPC, not the sandbox VPC.
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    const other = run.Instances?.[0]?.InstanceId ?? '';
    const { plan: otherVpc } = await prepareLink(api, { instanceId: other, db: { kind: 'instance', id: 'goapp-db' } });
    assert.equal(otherVpc.status, 'refused');
    assert.equal(otherVpc.refusal?.code, 'differentVpc');
    assert.match(otherVpc.refusal?.message ?? '', /VPC/);
    const { plan: terminated } = await prepareLink(api, { instanceId: ids.instances['old-batch'], db: { kind: 'instance', id: 'legacy-mysql' } });
    assert.equal(terminated.status, 'refused');
    assert.equal(terminated.refusal?.code, 'instanceGone');
    assert.equal((await groupsNamed('ec2-rds-')).length, 0, 'a refused plan changes nothing');
  });
  it('two instances share one pair: unlinking one leaves the other linked, the pair kept', async () => {
    const api = createSdkLinkApi(ec2, rds);
    const [web, worker] = [ids.instances['goapp-web'], ids.instances['goapp-worker']];
    const DB = { kind: 'instance' as const, id: 'goapp-db' };
    const first = await prepareLink(api, { instanceId: web, db: DB });
    await applyPlan(first.plan, api, fast);
    const second = await prepareLink(api, { instanceId: worker, db: DB });
    assert.deepEqual([second.plan.ec2Group?.action, second.plan.rdsGroup?.action], ['reuse', 'reuse'], 'the second link reuses the pair');
    await applyPlan(second.plan, api, fast);
    const links = await listLinks(api, await listInstances(ec2, 'us-east-1'), await listDatabases(rds, 'us-east-1'));
    assert.deepEqual(links.map((l) => l.instance.id).sort(), [web, worker].sort());
    assert.equal(new Set(links.map((l) => l.ec2Group.id)).size, 1, 'one ec2-rds-N for both');

    const webLink = links.find((l) => l.instance.id === web);
    assert.ok(webLink);
    const { plan } = await prepareUnlink(api, webLink);
    assert.equal(plan.status, 'ready', plan.refusal?.message);
    assert.deepEqual(plan.deletesGroupIds, [], 'nothing deleted while the worker uses the pair');
    await applyPlan(plan, api, fast);

    const after = await listLinks(api, await listInstances(ec2, 'us-east-1'), await listDatabases(rds, 'us-east-1'));
    assert.deepEqual(after.map((l) => l.instance.id), [worker]);
    assert.ok(!(await primaryEniGroups(web)).includes(webLink.ec2Group.id), 'the web instance no longer holds ec2-rds-N');
    assert.ok((await primaryEniGroups(worker)).includes(webLink.ec2Group.id));
    assert.ok((await dbGroups('goapp-db')).includes(webLink.rdsGroup.id));
    assert.equal((await groupsNamed('ec2-rds-')).length, 1);
    assert.equal((await groupsNamed('rds-ec2-')).length, 1);
  });
});
