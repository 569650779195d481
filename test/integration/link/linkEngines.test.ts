// Linking is engine-agnostic, as the console's "Set up EC2 connection" is: the pair is two
// security groups on the DB's port. Against moto with the real SDK.
import * as assert from 'node:assert/strict';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { dbRefusal, pairRefusal } from '../../../src/core/aws/capabilities';
import { listInstances } from '../../../src/core/aws/ec2';
import { applyPlan, createSdkLinkApi, prepareLink } from '../../../src/core/aws/link';
import { listDatabases } from '../../../src/core/aws/rds';
import { clientConfig, seedSandbox, type SandboxIds } from '../aws/sandbox';
import { startMoto, type MotoServer } from '../support';

describe('link against moto: every engine links, on its own port', function () {
  let moto: MotoServer;
  let ids: SandboxIds;
  let ec2: EC2Client;
  let rds: RDSClient;

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

  it('links billing-postgres to goapp-web with a pair on 5432, and the pickers offer it', async () => {
    const listed = await listDatabases(rds, 'us-east-1');
    const postgres = listed.find((d) => d.id === 'billing-postgres');
    assert.ok(postgres);
    assert.equal(postgres.endpoint?.port, 5432);
    const web = (await listInstances(ec2, 'us-east-1')).find((i) => i.id === ids.instances['goapp-web']);
    assert.ok(web);
    // The rule the tree, the pickers and the planner share.
    assert.equal(dbRefusal(postgres, 'link'), undefined);
    assert.equal(pairRefusal(web, postgres, postgres.vpcId, false), undefined);
    assert.equal(dbRefusal(postgres, 'schema')?.code, 'notMysql');

    const api = createSdkLinkApi(ec2, rds);
    const { plan } = await prepareLink(api, { instanceId: web.id, db: { kind: 'instance', id: 'billing-postgres' } });
    assert.equal(plan.status, 'ready', plan.refusal?.message);
    const result = await applyPlan(plan, api, { deleteRetryDelaysMs: [50], consistencyRetryDelaysMs: [50] });
    assert.equal(result.status, 'applied');
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['ec2-rds-*', 'rds-ec2-*'] }] }))).SecurityGroups ?? [];
    const ec2Side = groups.find((g) => g.GroupName === 'ec2-rds-1');
    const rdsSide = groups.find((g) => g.GroupName === 'rds-ec2-1');
    assert.deepEqual(ec2Side?.IpPermissionsEgress?.map((p) => [p.FromPort, p.ToPort]), [[5432, 5432]]);
    assert.deepEqual(rdsSide?.IpPermissions?.map((p) => [p.FromPort, p.ToPort, p.UserIdGroupPairs?.[0]?.GroupId]), [[5432, 5432, ec2Side?.GroupId]]);
  });
});
