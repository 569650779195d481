import * as assert from 'node:assert/strict';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateDBInstanceCommand, DeleteDBInstanceCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  applyCreateInstance,
  applyDeleteDb,
  applyDeleteInstance,
  createSdkDbCreateApi,
  createSdkDbDeleteApi,
  createSdkInstanceCreateApi,
  createdByTags,
  finalSnapshotId,
  planCreateInstance,
  planDeleteDb,
  prepareCreateInstance,
} from '../../../src/core/aws/create';
import { createSdkLinkApi } from '../../../src/core/aws/link';
import { listDatabases } from '../../../src/core/aws/rds';
import { clientConfig } from '../aws/sandbox';
import { useSandbox } from './sandboxHooks';

describe('Delete… against moto: a DB with deletion protection, an instance and the group made for it', function () {
  const region = 'us-east-1';
  const wait = { minDelaySeconds: 1, maxWaitSeconds: 30 };
  const box = useSandbox(region);

  it('refuses a protected DB until protection is turned off in the flow, then deletes it after a final snapshot', async () => {
    await box.rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'made-here', Engine: 'mysql', DBInstanceClass: 'db.t4g.micro', AllocatedStorage: 20, MasterUsername: 'admin',
      ManageMasterUserPassword: true, DeletionProtection: true, Tags: Object.entries(createdByTags()).map(([Key, Value]) => ({ Key, Value })),
    }));
    // The listing carries what the tree and the plan need: the tags and the protection.
    const db = (await listDatabases(box.rds, region)).find((d) => d.id === 'made-here');
    assert.equal(db?.deletionProtection, true);
    assert.deepEqual(db?.tags, createdByTags());
    const described = await createSdkDbCreateApi(box.rds, box.ec2, region).describeDbInstance('made-here');
    assert.equal(described?.deletionProtection, true);

    // RDS itself refuses while the protection is on (what the plan's refusal stands for).
    await assert.rejects(box.rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'made-here', SkipFinalSnapshot: true })));
    const refused = planDeleteDb(described!, { turnOffProtection: false, finalSnapshotId: 'x' });
    assert.equal(refused.status, 'refused');
    assert.match(refused.refusal ?? '', /deletion protection on/);

    const snapshotId = finalSnapshotId('made-here', new Date('2026-12-02T07:30:00Z'));
    assert.equal(snapshotId, 'made-here-final-20261202-0730');
    const plan = planDeleteDb(described!, { turnOffProtection: true, finalSnapshotId: snapshotId });
    const api = createSdkDbDeleteApi(box.rds);
    const steps: string[] = [];
    await applyDeleteDb(plan, api, (m) => steps.push(m));
    assert.equal(steps.length, 2);
    await api.waitDeleted('made-here', wait);
    await assert.rejects(box.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'made-here' })), (err: unknown) => /DBInstanceNotFound/.test((err as Error).name));
    const snaps = await box.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId }));
    assert.equal(snaps.DBSnapshots?.[0]?.DBInstanceIdentifier, 'made-here');
  });

  it('terminates an instance made here and deletes the group made for it, leaving other groups alone', async () => {
    const ssm = new SSMClient(clientConfig(box.moto.endpoint, region));
    const iam = new IAMClient(clientConfig(box.moto.endpoint, region));
    try {
      const api = createSdkInstanceCreateApi(box.ec2, ssm, iam);
      const context = await prepareCreateInstance(api, createSdkDbCreateApi(box.rds, box.ec2, region), region, { vpcId: box.ids.vpcId, architecture: 'x86_64', ssmProfile: false });
      const plan = planCreateInstance(context, { name: 'short-lived', os: 'al2023', architecture: 'x86_64', inbound: { kind: 'none' }, ssmProfile: false });
      const made = await applyCreateInstance(plan, api, { wait });
      const linkApi = createSdkLinkApi(box.ec2, box.rds);
      const instance = await linkApi.describeInstance(made.instanceId);
      assert.ok(instance);
      const result = await applyDeleteInstance(instance, { ...linkApi, ...api }, { wait });
      assert.deepEqual(result, { deletedGroups: [`${plan.securityGroup.name} (${made.securityGroupId})`], keptGroups: [] });
      const i = (await box.ec2.send(new DescribeInstancesCommand({ InstanceIds: [made.instanceId] }))).Reservations?.[0]?.Instances?.[0];
      assert.equal(i?.State?.Name, 'terminated');
      const left = await box.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [plan.securityGroup.name] }] }));
      assert.deepEqual(left.SecurityGroups, []);
      // The sandbox's own instances and groups are untouched.
      const web = box.ids.instances['goapp-web'];
      const webState = (await box.ec2.send(new DescribeInstancesCommand({ InstanceIds: [web] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;
      assert.equal(webState, 'running');
    } finally {
      ssm.destroy();
      iam.destroy();
    }
  });
});
