// The fleet transport's calls as Deploy… makes them through SSM (commands/deploy/ssmTransport.ts
// calls these core functions with the session's clients), against moto over HTTP with the real
// SDK and the product's own AwsSession (its s3(region) client included): the preflight, the build
// in S3, the env file as a SecureString, SendCommand by tag with MaxConcurrency and MaxErrors,
// and the progress read back. moto 5.2.1 lacks DescribeInstanceInformation and
// ListCommandInvocations: support/ssmShim.ts answers those two and forwards every other call to
// moto. moto records SendCommand as Success and runs nothing, so its invocations print no result
// line: the deploy must read that as a failure, never as deployed. The script itself runs in a
// real shell on test hosts in ssmDeploy.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateInstanceProfileCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetParameterCommand, ListCommandsCommand } from '@aws-sdk/client-ssm';
import { AwsSession } from '../../../src/core/aws/session';
import { releaseName } from '../../../src/core/deploy/build';
import { ReleaseLayout } from '../../../src/core/deploy/releases';
import { preflightSsm, readSecretCommandFor, runSsmDeploy, shipArtifacts, storeEnvParameter } from '../../../src/core/deploy/ssmFleet';
import { planDeploy } from '../../../src/core/deploy/strategy';
import { startMoto, type MotoServer } from '../support';
import { startSsmShim, type SsmShim } from '../support/ssmShim';

const REGION = 'us-east-1';
const PASSWORD = 'moto-Fleet_pw3';
const BUCKET = 'rds-link-fleet';

describe('deploys through SSM: the calls against moto (with a shim for DescribeInstanceInformation and ListCommandInvocations)', function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let shim: SsmShim;
  let session: AwsSession;
  let ids: string[];
  let binary: string;

  before(async () => {
    moto = await startMoto();
    const direct = new AwsSession({ endpointUrl: moto.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) });
    await direct.iam(REGION).send(new CreateInstanceProfileCommand({ InstanceProfileName: 'web' }));
    const run = await direct.ec2(REGION).send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 3, MaxCount: 3, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'App', Value: 'goapp' }] }] }));
    ids = (run.Instances ?? []).map((i) => i.InstanceId ?? '');
    const profiled = await direct.ec2(REGION).send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, IamInstanceProfile: { Name: 'web' } }));
    ids.push(profiled.Instances?.[0]?.InstanceId ?? '');
    direct.dispose();
    // 0 and 1 are managed and online, 2 lost its agent, 3 has a profile but no agent registered.
    shim = await startSsmShim({ moto: moto.endpoint, instances: ids.map((id, i) => ({ id, ...(i < 2 ? { pingStatus: 'Online' } : i === 2 ? { pingStatus: 'ConnectionLost' } : {}), ...(i < 3 ? { tags: { App: 'goapp' } } : {}) })) });
    session = new AwsSession({ endpointUrl: shim.endpoint, credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) });
    await session.s3(REGION).send(new CreateBucketCommand({ Bucket: BUCKET }));
    binary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-ssmmoto-')), 'goapp');
    fs.writeFileSync(binary, Buffer.alloc(64 * 1024, 7));
  });
  after(async () => {
    session?.dispose();
    await shim?.stop();
    await moto?.stop();
  });

  it('the preflight names what each instance lacks: the agent online, and an instance profile', async () => {
    const problems = await preflightSsm(session.ssm(REGION), session.ec2(REGION), ids);
    // Online is all SSM needs (0, 1); 2's agent lost its connection; 3 has a profile but SSM does not know it.
    assert.deepEqual(problems.map((p) => `${p.instanceId}:${p.missing}`), [`${ids[2]}:online`, `${ids[3]}:registration`]);
    assert.match(problems[1]?.message ?? '', /arn:aws:iam::\d+:instance-profile\/web\) needs AmazonSSMManagedInstanceCore/);
    assert.ok(shim.answered.includes('DescribeInstanceInformation'));
  });

  it('SendCommand by tag with MaxConcurrency and MaxErrors 0, the build in S3, the env a SecureString; moto\'s silent Success is read as a failure', async () => {
    const release = releaseName('v1');
    const s3 = session.s3(REGION);
    const ssm = session.ssm(REGION);
    const stored = await shipArtifacts({ s3, bucket: BUCKET, service: 'goapp', release, binary, binaryName: 'goapp', files: [] });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'rds-link/goapp/' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), [`rds-link/goapp/${release}/goapp.gz`]);
    const parameter = await storeEnvParameter(ssm, 'goapp', { DB_PASSWORD: PASSWORD });
    assert.equal((await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }))).Parameter?.Type, 'SecureString');
    const logged: string[] = [];
    const fleet = ids.slice(0, 2);
    const outcome = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' }, fleet), {
      ssm,
      presignS3: s3,
      bucket: BUCKET,
      stored,
      layout: new ReleaseLayout({ service: 'goapp' }),
      release,
      readSecretCommand: readSecretCommandFor(REGION, parameter),
      restartCommand: 'systemctl restart {service}',
      statusCommand: 'systemctl is-active {service}',
      port: 8080,
      health: { path: '/healthz', timeoutSeconds: 5, retries: 3, intervalSeconds: 1 },
      keepReleases: 5,
      tag: { key: 'App', value: 'goapp' },
      log: (id, line) => logged.push(`[${id}] ${line}`),
      pollMs: 100,
    });
    assert.equal(outcome.sendCommandCalls, 1, 'a tag-wide rolling deploy is one SendCommand');
    const recorded = (await ssm.send(new ListCommandsCommand({}))).Commands ?? [];
    assert.equal(recorded.length, 1);
    assert.deepEqual([recorded[0]?.DocumentName, recorded[0]?.Targets, recorded[0]?.MaxConcurrency, recorded[0]?.MaxErrors], ['AWS-RunShellScript', [{ Key: 'tag:App', Values: ['goapp'] }], '1', '0']);
    assert.equal(JSON.stringify(recorded).includes(PASSWORD), false, 'the password is in no command');
    assert.ok(shim.answered.includes('ListCommandInvocations'));
    assert.equal(outcome.result, 'failed');
    assert.match(outcome.failure ?? '', /SSM reports Success and the script printed no result line/);
    assert.equal(logged.some((l) => l.includes(PASSWORD)), false);
  });
});
