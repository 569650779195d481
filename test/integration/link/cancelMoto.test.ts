import * as assert from 'node:assert/strict';
import { DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ApplyCancelledError, applyPlan, createSdkLinkApi, listLinks, prepareLink, prepareUnlink, type LinkApi } from '../../../src/core/aws/link';
import { listInstances } from '../../../src/core/aws/ec2';
import { listDatabases } from '../../../src/core/aws/rds';
import { AwsSession } from '../../../src/core/aws/session';
import { isCancellation } from '../../../src/core/errors';
import { clientConfig, seedSandbox, type SandboxIds } from '../aws/sandbox';
import { startMoto, type MotoServer } from '../support';
import { startCancelProxy, type CancelProxy } from './cancelProxy';

const REGION = 'us-east-1';
const DB = { kind: 'instance' as const, id: 'goapp-db' };
const fast = { deleteRetryDelaysMs: [50, 100], consistencyRetryDelaysMs: [50] };
const LINK_STEPS = ['CreateSecurityGroup', 'CreateSecurityGroup', 'RevokeSecurityGroupEgress', 'RevokeSecurityGroupEgress', 'AuthorizeSecurityGroupEgress', 'AuthorizeSecurityGroupIngress', 'ModifyNetworkInterfaceAttribute', 'ModifyDBInstance'];
const UNLINK_STEPS = ['ModifyNetworkInterfaceAttribute', 'ModifyDBInstance', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress'];

describe('link and unlink against moto, cancelled in the middle of each call (real SDK, session clients)', function () {
  let moto: MotoServer;
  let proxy: CancelProxy;
  let ids: SandboxIds;
  let session: AwsSession;
  let api: LinkApi;
  let ec2: EC2Client;
  let rds: RDSClient;

  before(async () => {
    moto = await startMoto();
    ids = await seedSandbox(moto.endpoint);
    proxy = await startCancelProxy(moto.endpoint);
    session = new AwsSession({ endpointUrl: proxy.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }), maxAttempts: 1 });
    api = createSdkLinkApi(session.ec2(REGION), session.rds(REGION));
    // Straight to moto: what the test reads is not part of what it cancels.
    ec2 = new EC2Client(clientConfig(moto.endpoint, REGION));
    rds = new RDSClient(clientConfig(moto.endpoint, REGION));
  });
  after(async () => {
    session?.dispose();
    ec2?.destroy();
    rds?.destroy();
    await proxy?.stop();
    await moto?.stop();
  });

  /** The VPC's groups with their rules, the instance's interface groups and the DB's groups. */
  async function awsState(): Promise<unknown> {
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [ids.vpcId] }] }))).SecurityGroups ?? [];
    const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [ids.instances['goapp-web']] }] }))).NetworkInterfaces ?? [];
    const dbs = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DB.id }))).DBInstances ?? [];
    const rules = (ps: { IpProtocol?: string; FromPort?: number; ToPort?: number; UserIdGroupPairs?: { GroupId?: string }[]; IpRanges?: { CidrIp?: string }[] }[] = []) =>
      ps.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, (p.UserIdGroupPairs ?? []).map((u) => u.GroupId).sort(), (p.IpRanges ?? []).map((r) => r.CidrIp).sort()]);
    return {
      groups: groups.map((g) => ({ id: g.GroupId, name: g.GroupName, ingress: rules(g.IpPermissions), egress: rules(g.IpPermissionsEgress) })).sort((a, b) => String(a.id).localeCompare(String(b.id))),
      interfaces: enis.map((n) => [n.NetworkInterfaceId, (n.Groups ?? []).map((g) => g.GroupId).sort()]),
      db: dbs.map((d) => (d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId).sort()),
    };
  }

  async function cancelledRun(promise: Promise<unknown>): Promise<ApplyCancelledError> {
    const err = await promise.then(() => assert.fail('the run should have been cancelled'), (e: unknown) => e);
    assert.ok(isCancellation(err), `expected a cancel (never shown as a failure), got ${String(err)}`);
    assert.ok(err instanceof ApplyCancelledError, `expected "cancelled, rolled back", got ${String(err)}`);
    return err;
  }

  for (const forward of [true, false]) {
    const when = forward ? 'after moto did it' : 'before moto saw it';
    for (const [index, action] of LINK_STEPS.entries()) {
      it(`link cancelled during step ${index + 1} (${action}), ${when}: AWS as it was`, async () => {
        const before = await awsState();
        const { plan } = await prepareLink(api, { instanceId: ids.instances['goapp-web'], db: DB });
        assert.equal(plan.status, 'ready', plan.refusal?.message);
        const ac = new AbortController();
        proxy.arm({ nth: index + 1, forward, onHeld: () => ac.abort() });
        const err = await cancelledRun(applyPlan(plan, api, { ...fast, signal: ac.signal }));
        assert.ok(proxy.actions.includes(`${action} (held)`), proxy.actions.join(', '));
        assert.equal(err.stepIndex, index);
        assert.match(err.message, new RegExp(`^Cancelled during step ${index + 1} of 8 .*(AWS is as it was|Nothing had been changed)\\.$`));
        assert.deepEqual(await awsState(), before);
      });
    }
  }

  describe('an existing link', () => {
    let linked: unknown;
    before(async () => {
      const { plan } = await prepareLink(api, { instanceId: ids.instances['goapp-web'], db: DB });
      await applyPlan(plan, api, fast);
      linked = await awsState();
    });

    async function theLink() {
      const links = await listLinks(api, await listInstances(session.ec2(REGION), REGION), await listDatabases(session.rds(REGION), REGION));
      const found = links.find((l) => l.instance.id === ids.instances['goapp-web'] && l.dbTarget.id === DB.id);
      assert.ok(found, 'goapp-web is linked to goapp-db');
      return found;
    }

    for (const [index, action] of UNLINK_STEPS.entries()) {
      it(`unlink cancelled during step ${index + 1} (${action}) after moto did it: still linked as before`, async () => {
        const { plan } = await prepareUnlink(api, await theLink());
        assert.equal(plan.status, 'ready', plan.refusal?.message);
        const ac = new AbortController();
        proxy.arm({ nth: index + 1, forward: true, onHeld: () => ac.abort() });
        const err = await cancelledRun(applyPlan(plan, api, { ...fast, signal: ac.signal }));
        assert.ok(proxy.actions.includes(`${action} (held)`), proxy.actions.join(', '));
        assert.match(err.message, new RegExp(`^Cancelled during step ${index + 1} of 6 .*AWS is as it was\\.$`));
        assert.deepEqual(await awsState(), linked);
      });
    }

    it('a cancel while reading for the unlink ends the read as a cancel', async () => {
      const link = await theLink();
      const ac = new AbortController();
      ac.abort();
      const err = await prepareUnlink(api, link, { signal: ac.signal }).then(() => assert.fail('cancelled'), (e: unknown) => e);
      assert.ok(isCancellation(err), String(err));
      assert.deepEqual(await awsState(), linked);
    });
  });
});
