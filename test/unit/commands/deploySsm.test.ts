// Deploy… through SSM Run Command (commands/deploy/ssmTransport.ts) with scripted deps: the
// transport decision (threshold, an instance SSH cannot reach), the preflight's messages (no
// bucket setting, an agent offline, no instance profile), and a whole deploy with the SDK
// clients mocked by aws-sdk-client-mock (support/fakeSsm.ts runs every command at once): the
// plan says SSM and why, the build goes to S3, the env to a SecureString, one SendCommand per
// batch, the instances' output to the log and the password nowhere in it, the release tags.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateTagsCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeInstanceInformationCommand, PutParameterCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { deploy } from '../../../src/commands/deploy/deploy';
import { chooseDeployTransport } from '../../../src/commands/deploy/ssmTransport';
import type { Deps } from '../../../src/commands/deps';
import type { Ec2Instance } from '../../../src/core/aws/types';
import * as deployCore from '../../../src/core/deploy/index';
import { endpointPasswordKey } from '../../../src/state/passwords';
import { instance } from '../link/builders';
import { fakeDeps, FakeStore, MemoryWorkspace } from '../support/fakeDeps';
import { fakeSsm, resultLine } from '../support/fakeSsm';
import { press, TestUserInput } from '../support/testUserInput';

const REGION = 'us-east-1';
const PASSWORD = 'Fleet-secret_pw7';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const fleet = Array.from({ length: 4 }, (_, i) => instance({ region: REGION, id: `i-00000000000000${String(i + 1).padStart(3, '0')}`, name: `web${i + 1}`, state: 'running', architecture: 'x86_64', tags: { App: 'goapp' } }));
const FILE = `version: 1\nservice: goapp\nport: 8080\ninstances:\n  - region: ${REGION}\n    tag: App=goapp\nstrategy:\n  kind: rolling\n  batch: 2\n`;

function parsed(text = FILE): deployCore.DeployFile {
  const r = deployCore.parseDeployFile(text);
  assert.ok(r.ok);
  return r.file;
}

interface Aws {
  /** DescribeInstanceInformation's PingStatus per instance (absent: SSM does not know it). */
  readonly ping?: Record<string, string>;
  /** Instances without an instance profile. */
  readonly noProfile?: readonly string[];
}

/** The session's SSM, EC2 and S3 clients, mocked; every command "runs" and deploys. */
function awsOf(o: Aws = {}) {
  const ssm = fakeSsm((_id, script) => resultLine('deployed', /RDS Link: goapp (\S+)/.exec(script)?.[1] ?? '?'), fleet.map((i) => i.id));
  ssm.mock.on(DescribeInstanceInformationCommand).callsFake(({ Filters }: { Filters: Array<{ Values: string[] }> }) => ({
    InstanceInformationList: (Filters[0]?.Values ?? []).flatMap((InstanceId) => {
      const PingStatus = o.ping ? o.ping[InstanceId] : 'Online';
      return PingStatus ? [{ InstanceId, PingStatus }] : [];
    }),
  }));
  ssm.mock.on(PutParameterCommand).resolves({ Version: 1 });
  const ec2 = new EC2Client({ region: REGION, credentials });
  const ec2Mock = mockClient(ec2);
  ec2Mock.on(DescribeInstancesCommand).callsFake(({ InstanceIds }: { InstanceIds: string[] }) => ({
    Reservations: [{ Instances: InstanceIds.map((InstanceId) => ({ InstanceId, ...(o.noProfile?.includes(InstanceId) ? {} : { IamInstanceProfile: { Arn: `arn:aws:iam::123456789012:instance-profile/web` } }) })) }],
  }));
  ec2Mock.on(CreateTagsCommand).resolves({});
  const s3 = new S3Client({ region: REGION, credentials });
  const s3Mock = mockClient(s3);
  s3Mock.on(PutObjectCommand).resolves({});
  const session = { ssm: () => ssm.client, ec2: () => ec2, s3: () => s3 };
  return { ssm, ec2Mock, s3Mock, session };
}

/** Deps for the decision alone: `unreachable` are the instances the reach decision finds no SSH way to. */
function decisionDeps(settings: { threshold: number; bucket: string }, aws = awsOf(), unreachable: readonly string[] = []) {
  const store = Object.assign(new FakeStore({ instances: fleet }), { getSession: () => aws.session });
  const opener = { open: async () => assert.fail('no SSH session is opened to decide'), sshProblem: async (i: Ec2Instance) => (unreachable.includes(i.id) ? `${i.id} has no public IP` : undefined) };
  const deps = fakeDeps({ store, instanceSessions: { ...opener, forInstances: () => opener } as unknown as Deps['instanceSessions'] });
  deps.settings.values.set('ssmDeploy', settings);
  return deps;
}

describe('commands: deploy through SSM Run Command (scripted deps)', () => {
  it('at or below the threshold with every instance reachable, the transport is SSH and SSM is not asked', async () => {
    const aws = awsOf();
    const t = await chooseDeployTransport(decisionDeps({ threshold: 20, bucket: 'b' }, aws), parsed(), fleet);
    assert.equal(t.choice.transport, 'ssh');
    assert.equal(t.bucket, undefined);
    assert.equal(aws.ssm.mock.calls().length, 0);
  });

  it('past the threshold the transport is SSM, the reason names the setting, and the preflight passes', async () => {
    const aws = awsOf();
    const t = await chooseDeployTransport(decisionDeps({ threshold: 3, bucket: 'artifacts' }, aws), parsed(), fleet);
    assert.deepEqual([t.choice.transport, t.bucket], ['ssm', 'artifacts']);
    assert.match(t.choice.reason, /4 instances, more than 3 \(rdsLink\.deploy\.ssmThreshold\)/);
    assert.equal(aws.ssm.mock.commandCalls(DescribeInstanceInformationCommand).length, 1);
  });

  it('an instance SSH cannot reach makes it SSM, naming the instance', async () => {
    const t = await chooseDeployTransport(decisionDeps({ threshold: 20, bucket: 'b' }, awsOf(), [fleet[1].id]), parsed(), fleet);
    assert.equal(t.choice.transport, 'ssm');
    assert.match(t.choice.reason, new RegExp(`^${fleet[1].id} cannot be reached over SSH`));
  });

  it('no bucket setting: a clear error naming rdsLink.deploy.ssmBucket, before SSM is asked', async () => {
    const aws = awsOf();
    await assert.rejects(chooseDeployTransport(decisionDeps({ threshold: 1, bucket: '' }, aws), parsed(), fleet), /set rdsLink\.deploy\.ssmBucket to a bucket of yours/);
    assert.equal(aws.ssm.mock.calls().length, 0);
  });

  it('the preflight names each instance that lacks something, and what to do', async () => {
    const aws = awsOf({ ping: { [fleet[0].id]: 'Online', [fleet[1].id]: 'ConnectionLost', [fleet[3].id]: 'Online' }, noProfile: [fleet[2].id] });
    const err = await chooseDeployTransport(decisionDeps({ threshold: 1, bucket: 'b' }, aws), parsed(), fleet).then(() => assert.fail('refused'), (e: Error) => e.message);
    assert.match(err, /^SSM Run Command cannot deploy to 2 instance\(s\):\n/);
    assert.match(err, new RegExp(`${fleet[1].id}: its SSM agent is not online \\(PingStatus ConnectionLost\\)`));
    assert.match(err, new RegExp(`${fleet[2].id} has no instance profile: attach one whose role has AmazonSSMManagedInstanceCore`));
    assert.equal(err.includes(fleet[0].id), false);
  });

  it('Rolling behind a target group goes through SSM; a listener\'s Blue/Green or two regions are refused for SSM, with what to do', async () => {
    const lb = parsed(`${FILE}loadBalancer:\n  targetGroup: goapp-tg\n`);
    assert.equal((await chooseDeployTransport(decisionDeps({ threshold: 1, bucket: 'b' }), lb, fleet)).choice.transport, 'ssm');
    const listener = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/goapp/0123456789abcdef/0123456789abcdef';
    const bg = parsed(FILE.replace(/strategy:[\s\S]*$/, `strategy:\n  kind: blueGreen\nloadBalancer:\n  listener: ${listener}\n  targetGroups: [goapp-blue, goapp-green]\n`));
    await assert.rejects(chooseDeployTransport(decisionDeps({ threshold: 1, bucket: 'b' }), bg, fleet), /does not move a listener's weights yet \(blueGreen\)/);
    const west = instance({ region: 'us-west-2', id: 'i-0000000000000west', state: 'running' });
    await assert.rejects(chooseDeployTransport(decisionDeps({ threshold: 1, bucket: 'b' }), parsed(), [...fleet, west]), /goes to one region; these instances are in us-east-1, us-west-2/);
  });

  it('a whole deploy: the plan says SSM and why, S3 and a SecureString, one SendCommand by tag, output logged, tags written, no password anywhere', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-ssmcmd-'));
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'a: 1\n');
    const aws = awsOf();
    const core = {
      ...deployCore,
      findGo: async () => ({ path: '/usr/bin/go', version: 'go version go1.22 linux/amd64' }),
      runGoBuild: async (_cmd: deployCore.GoBuildCommand, outFile: string) => {
        fs.writeFileSync(outFile, 'ELF binary');
        return { ok: true as const, outFile, bytes: 10 };
      },
    };
    const base = fakeDeps();
    const deps = fakeDeps({
      ui: new TestUserInput([press('Deploy'), press('Show Log')]),
      store: Object.assign(new FakeStore({ instances: fleet }), { getSession: () => aws.session }),
      core: { ...base.core, deploy: () => core },
      paths: { extension: dir, globalStorage: path.join(dir, '.storage') },
      workspace: { firstFolder: () => ({ name: 'goapp', path: dir }) } as unknown as Deps['workspace'],
      files: new MemoryWorkspace({ 'rds-link.deploy.yaml': `${FILE}files: [config.yaml]\n`, 'config.yaml': 'a: 1\n' }, `${dir}/`),
      instanceSessions: { forInstances: () => ({ open: () => assert.fail('no SSH'), sshProblem: async () => undefined }) } as unknown as Deps['instanceSessions'],
    });
    deps.settings.values.set('ssmDeploy', { threshold: 3, bucket: 'artifacts' });
    const target = { label: 'appdb', host: 'appdb.x.rds.amazonaws.com', port: 3306, user: 'goapp', database: 'goapp' };
    await deps.targets.setCurrent(target);
    await deps.passwords.store(endpointPasswordKey(target), PASSWORD);

    const result = await deploy(deps);
    deps.ui.assertDone();
    assert.equal(result.status, 'deployed');
    assert.deepEqual(result.instances.map((i) => i.state), ['deployed', 'deployed', 'deployed', 'deployed']);
    const plan = deps.ui.shown.find((s) => s.text === 'Deploy goapp to 4 instance(s)?');
    assert.match(plan?.detail ?? '', /4 instances, more than 3 \(rdsLink\.deploy\.ssmThreshold\): the deploy goes through SSM Run Command\./);
    assert.deepEqual(aws.s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key), [`rds-link/goapp/${result.release}/goapp.gz`, `rds-link/goapp/${result.release}/config.yaml`]);
    const put = aws.ssm.mock.commandCalls(PutParameterCommand)[0]?.args[0].input;
    assert.deepEqual([put?.Name, put?.Type], ['/rds-link/goapp/env', 'SecureString']);
    const sent = aws.ssm.mock.commandCalls(SendCommandCommand).map((c) => c.args[0].input);
    assert.equal(sent.length, 1, 'a tag-wide rolling deploy is one SendCommand');
    assert.deepEqual([sent[0]?.Targets, sent[0]?.MaxConcurrency, sent[0]?.MaxErrors], [[{ Key: 'tag:App', Values: ['goapp'] }], '2', '0']);
    assert.equal(JSON.stringify(sent).includes(PASSWORD), false, 'the password is in no command');
    assert.ok(deps.log.lines.some((line) => line.includes(`[${fleet[0].id}] RDS-LINK-RESULT {"status":"deployed"`)), 'the instance output is in the log');
    assert.equal(deps.log.lines.some((line) => line.includes(PASSWORD)), false, 'the password is in no log line');
    assert.equal(aws.ec2Mock.commandCalls(CreateTagsCommand)[0]?.args[0].input.Resources?.length, 4, 'the release tags, as over SSH');
    assert.match(deps.ui.shown.at(-1)?.text ?? '', /^Deployed goapp release /);
  });
});
