import * as assert from 'node:assert/strict';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { classifyAwsError } from '../../../src/core/aws/awsErrors';
import { describeImageNames, listInstances } from '../../../src/core/aws/ec2';
import { guessOsUser } from '../../../src/core/instance/osUser';
import { listDatabases } from '../../../src/core/aws/rds';
import { allSettled, startSessionLoad } from '../../../src/core/aws/regionLoad';
import { AwsSession, type CallInfo } from '../../../src/core/aws/session';
import { startMoto, type MotoServer } from '../support';
import { startDelayProxy } from './delayProxy';
import { clientConfig, seedSandbox, type SandboxIds } from './sandbox';

const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });

describe('listing EC2 and RDS through the real SDK against moto', function () {
  let moto: MotoServer;
  let ids: SandboxIds;

  before(async () => {
    moto = await startMoto();
    ids = await seedSandbox(moto.endpoint);
  });
  after(async () => moto?.stop());

  function session(calls: CallInfo[] = [], endpointUrl = moto.endpoint): AwsSession {
    return new AwsSession({ endpointUrl, credentials, onCall: (c) => calls.push(c), maxAttempts: 1 });
  }

  it('lists instances in mixed states in two regions, with names and network details', async () => {
    const s = session();
    const us = await listInstances(s.ec2('us-east-1'), 'us-east-1');
    const eu = await listInstances(s.ec2('eu-west-1'), 'eu-west-1');
    s.dispose();
    assert.deepEqual(us.map((i) => [i.name, i.state]), [['goapp-2', 'running'], ['goapp-3', 'running'], ['goapp-web', 'running'], ['goapp-worker', 'stopped'], ['old-batch', 'terminated']]);
    assert.deepEqual(eu.map((i) => i.name), ['eu-web']);
    const web = us.find((i) => i.name === 'goapp-web');
    assert.ok(web);
    assert.equal(web.id, ids.instances['goapp-web']);
    assert.equal(web.vpcId, ids.vpcId);
    assert.equal(web.networkInterfaces[0].deviceIndex, 0);
    assert.ok(web.privateIp?.startsWith('10.20.1.'));
  });

  it('lists DB instances and the Aurora cluster with its member, secret and VPC', async () => {
    const s = session();
    const dbs = await listDatabases(s.rds('us-east-1'), 'us-east-1');
    s.dispose();
    const byId = new Map(dbs.map((d) => [`${d.kind}:${d.id}`, d]));
    assert.deepEqual([...byId.keys()].sort(), ['cluster:reports-aurora', 'instance:billing-postgres', 'instance:goapp-db', 'instance:legacy-mysql', 'instance:reports-aurora-1']);
    const app = byId.get('instance:goapp-db');
    assert.match(app?.masterUserSecretArn ?? '', /^arn:aws:secretsmanager:/);
    assert.equal(app?.vpcId, ids.vpcId);
    assert.equal(app?.endpoint?.port, 3306);
    assert.equal(byId.get('instance:legacy-mysql')?.masterUserSecretArn, undefined);
    assert.equal(byId.get('instance:reports-aurora-1')?.clusterId, 'reports-aurora');
    assert.deepEqual(byId.get('cluster:reports-aurora')?.memberIds, ['reports-aurora-1']);
    assert.equal(byId.get('instance:billing-postgres')?.engine, 'postgres');
  });

  it('pages with the paginators: N items cost ceil(N / page) calls', async () => {
    const ec2 = new EC2Client(clientConfig(moto.endpoint, 'ap-south-1'));
    const rds = new RDSClient(clientConfig(moto.endpoint, 'ap-south-1'));
    // moto pages DescribeInstances by reservation, so make one reservation per instance.
    for (let n = 0; n < 12; n++) await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    for (let n = 0; n < 45; n++) {
      await rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: `page-db-${String(n).padStart(2, '0')}`, Engine: 'mysql', DBInstanceClass: 'db.t3.micro', MasterUsername: 'admin', MasterUserPassword: 'password-123', AllocatedStorage: 20 }));
    }
    ec2.destroy();
    rds.destroy();
    const calls: CallInfo[] = [];
    const s = session(calls);
    const instances = await listInstances(s.ec2('ap-south-1'), 'ap-south-1', 5);
    const dbs = await listDatabases(s.rds('ap-south-1'), 'ap-south-1', 20);
    s.dispose();
    assert.equal(instances.length, 12);
    assert.equal(new Set(instances.map((i) => i.id)).size, 12);
    assert.equal(dbs.length, 45);
    const count = (op: string): number => calls.filter((c) => c.operation === op).length;
    assert.equal(count('DescribeInstances'), 3);
    assert.equal(count('DescribeDBInstances'), 3);
    assert.equal(count('DescribeDBClusters'), 1);
  });

  it('keeps the other regions when one region fails, and says why it failed', async () => {
    const proxy = await startDelayProxy(moto.endpoint, 0, ['eu-west-1']);
    try {
      const s = session([], proxy.endpoint);
      const results = await Promise.allSettled(['us-east-1', 'eu-west-1'].map((r) => listInstances(s.ec2(r), r)));
      s.dispose();
      assert.equal(results[0].status, 'fulfilled');
      assert.equal(results[0].status === 'fulfilled' && results[0].value.length, 5);
      assert.equal(results[1].status, 'rejected');
      const problem = classifyAwsError(results[1].status === 'rejected' ? results[1].reason : undefined, 'ec2:DescribeInstances', 'default');
      assert.equal(problem.kind, 'unreachable', problem.message);
    } finally {
      await proxy.stop();
    }
  });

  it('asks for the whole first load of four regions in one round: every call is out before any answer', async () => {
    // 1 identity call + per region: instances, target groups (no group here: no health call after it), DB instances, clusters, Blue/Green, link groups.
    const regions = ['us-east-1', 'eu-west-1', 'eu-west-2', 'eu-north-1'];
    const expected = 1 + regions.length * 6;
    const proxy = await startDelayProxy(moto.endpoint, 0, [], { holdUntil: expected, holdMs: 3000 });
    try {
      const calls: CallInfo[] = [];
      const s = session(calls, proxy.endpoint);
      const load = startSessionLoad(s, regions);
      await allSettled(load);
      s.dispose();
      assert.equal(calls.length, expected);
      assert.ok(calls.every((c) => c.ok), calls.filter((c) => !c.ok).map((c) => `${c.operation}: ${c.errorName}`).join(', '));
      assert.equal(proxy.maxHeld(), expected, 'some call waited for the answer to another');
      const first = await load.regions[0].load.instances;
      assert.equal(first?.ok && first.value.length, 5);
    } finally {
      await proxy.stop();
    }
  });

  it('honours the endpoint setting over AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL without it', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    try {
      process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
      const viaSetting = session();
      assert.equal((await viaSetting.callerIdentity('us-east-1')).account, '123456789012');
      viaSetting.dispose();
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
      const viaEnv = new AwsSession({ credentials, maxAttempts: 1 });
      assert.equal((await listInstances(viaEnv.ec2('eu-west-1'), 'eu-west-1')).length, 1);
      viaEnv.dispose();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('reads each instance\'s CPU architecture as EC2 names it (what a deploy builds for)', async () => {
    const s = session();
    const us = await listInstances(s.ec2('us-east-1'), 'us-east-1');
    s.dispose();
    assert.ok(us.length > 0);
    for (const i of us) assert.ok(i.architecture === 'x86_64' || i.architecture === 'arm64', `${i.id}: ${String(i.architecture)}`);
  });

  it('reads the AMI names, so the OS user is guessed from them (ubuntu, ec2-user)', async () => {
    const s = session();
    const us = await listInstances(s.ec2('us-east-1'), 'us-east-1');
    const names = await describeImageNames(s.ec2('us-east-1'), us.map((i) => i.imageId ?? ''));
    s.dispose();
    const user = (name: string): string => {
      const i = us.find((x) => x.name === name);
      assert.ok(i?.imageId);
      return guessOsUser(i, names.get(i.imageId)).user;
    };
    assert.equal(user('goapp-worker'), 'ubuntu');
    assert.equal(user('goapp-web'), 'ec2-user');
  });
});
