import * as assert from 'node:assert/strict';
import { CreateSubnetCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, DescribeDBSubnetGroupsCommand, ListTagsForResourceCommand } from '@aws-sdk/client-rds';
import {
  applyCreateDatabase,
  createSdkDbCreateApi,
  describeCreateDatabase,
  listDbClasses,
  planCreateDatabase,
  prepareCreateDatabase,
} from '../../../src/core/aws/create';
import { createSdkLinkApi, listLinks } from '../../../src/core/aws/link';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { useSandbox } from './sandboxHooks';

describe('create a DB against moto: managed password, subnet group, waiter, link', function () {
  const region = 'us-east-1';
  const options = { wait: { minDelaySeconds: 1, maxWaitSeconds: 30 }, link: { deleteRetryDelaysMs: [50], consistencyRetryDelaysMs: [50] } };
  const box = useSandbox(region);

  it('falls back to the built-in class list where moto lists no orderable options for MySQL', async () => {
    const { classes, fallback } = await listDbClasses(createSdkDbCreateApi(box.rds, box.ec2, region), 'mysql', '8.0.39');
    assert.equal(fallback, true);
    assert.ok(classes.includes('db.t4g.micro'));
  });

  it('creates a private, encrypted DB with a managed password in the instance\'s VPC, waits, and links it', async () => {
    const api = createSdkDbCreateApi(box.rds, box.ec2, region);
    const linkApi = createSdkLinkApi(box.ec2, box.rds);
    const web = box.ids.instances['goapp-web'];
    const context = await prepareCreateDatabase(api, linkApi, { region, engine: 'mysql', instanceId: web });
    // moto does not implement DescribeDBEngineVersions: RDS's default version, and the plan says why.
    assert.deepEqual(context.versions, []);
    assert.match(context.versionsProblem ?? '', /could not be listed/);
    assert.deepEqual(context.subnetGroups.usable.map((g) => g.name), ['goapp-private']);
    const plan = planCreateDatabase(context, { identifier: 'goapp-new' });
    assert.equal(plan.status, 'ready', plan.refusals.map((r) => r.message).join(' '));
    assert.equal(plan.link?.status, 'ready');
    assert.match(describeCreateDatabase(plan).join('\n'), /Free tier eligible: db\.t4g\.micro/);

    const phases: string[] = [];
    const outcome = await applyCreateDatabase(plan, api, linkApi, { ...options, onProgress: (p) => phases.push(p.phase) });
    assert.equal(outcome.status, 'ready', JSON.stringify(outcome));
    assert.deepEqual(phases, ['create', 'wait', 'link']);

    const d = (await box.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'goapp-new' }))).DBInstances?.[0];
    assert.ok(d);
    assert.equal(d.DBInstanceStatus, 'available');
    assert.match(d.MasterUserSecret?.SecretArn ?? '', /^arn:aws:secretsmanager:/);
    assert.deepEqual(
      [d.DBInstanceClass, d.StorageType, d.AllocatedStorage, d.StorageEncrypted, d.DeletionProtection, d.BackupRetentionPeriod, d.PubliclyAccessible, d.DBSubnetGroup?.DBSubnetGroupName],
      ['db.t4g.micro', 'gp3', 20, true, true, 7, false, 'goapp-private'],
    );
    const tags = await box.rds.send(new ListTagsForResourceCommand({ ResourceName: d.DBInstanceArn }));
    assert.deepEqual(tags.TagList?.map((tag) => [tag.Key, tag.Value]), [['rds-link:created-by', 'rds-link']]);

    const links = await listLinks(linkApi, await listInstances(box.ec2, region), await listDatabases(box.rds, region));
    assert.deepEqual(links.filter((l) => l.dbTarget.id === 'goapp-new').map((l) => [l.instance.id, l.ec2Group.name, l.rdsGroup.name]), [[web, 'ec2-rds-1', 'rds-ec2-1']]);
  });

  it('creates a DB subnet group from the private subnets of a VPC that has none', async () => {
    const vpcId = (await box.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId ?? '';
    for (const [cidr, az] of [['10.30.1.0/24', 'us-east-1a'], ['10.30.2.0/24', 'us-east-1b']]) {
      await box.ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }));
    }
    const api = createSdkDbCreateApi(box.rds, box.ec2, region);
    const context = await prepareCreateDatabase(api, undefined, { region, engine: 'mysql', vpcId });
    assert.deepEqual(context.subnetGroups.usable, []);
    const plan = planCreateDatabase(context, { identifier: 'fresh-vpc-db' });
    assert.equal(plan.subnetGroup?.kind, 'create');
    const outcome = await applyCreateDatabase(plan, api, undefined, options);
    assert.equal(outcome.status, 'ready');
    assert.deepEqual(outcome.exists, ['DB instance fresh-vpc-db in us-east-1 (available, deletion protection on)', `DB subnet group rds-link-${vpcId} (created for it)`]);
    const group = (await box.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: `rds-link-${vpcId}` }))).DBSubnetGroups?.[0];
    assert.equal(group?.VpcId, vpcId);
    assert.deepEqual(group?.Subnets?.map((s) => s.SubnetAvailabilityZone?.Name).sort(), ['us-east-1a', 'us-east-1b']);
    const d = (await box.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'fresh-vpc-db' }))).DBInstances?.[0];
    assert.equal(d?.DBSubnetGroup?.VpcId, vpcId);
    // No instance was chosen: no link groups in that VPC.
    const pair = await box.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['ec2-rds-*'] }] }));
    assert.deepEqual(pair.SecurityGroups, []);
  });

  it('keeps the DB when the link fails after the DB was created, and says what exists', async () => {
    const api = createSdkDbCreateApi(box.rds, box.ec2, region);
    const linkApi = createSdkLinkApi(box.ec2, box.rds);
    const worker = box.ids.instances['goapp-worker'];
    const plan = planCreateDatabase(await prepareCreateDatabase(api, linkApi, { region, engine: 'mysql', instanceId: worker }), { identifier: 'worker-db' });
    assert.equal(plan.link?.status, 'ready');
    // The fault: the instance goes away while the DB is being made.
    await box.ec2.send(new TerminateInstancesCommand({ InstanceIds: [worker] }));
    const outcome = await applyCreateDatabase(plan, api, linkApi, options);
    assert.equal(outcome.status, 'linkFailed');
    if (outcome.status !== 'linkFailed') return;
    assert.match(outcome.error, /Linking worker-db to instance .* failed: .*terminated.*The database stays as it is/);
    assert.deepEqual(outcome.exists, ['DB instance worker-db in us-east-1 (available, deletion protection on)']);
    const d = (await box.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'worker-db' }))).DBInstances?.[0];
    assert.equal(d?.DBInstanceStatus, 'available');
  });

  it('refuses an identifier already in use before any call that changes AWS', async () => {
    const api = createSdkDbCreateApi(box.rds, box.ec2, region);
    const context = await prepareCreateDatabase(api, undefined, { region, engine: 'mysql', vpcId: box.ids.vpcId });
    const plan = planCreateDatabase(context, { identifier: 'goapp-db' });
    assert.deepEqual(plan.refusals.map((r) => r.code), ['identifierTaken']);
  });
});
