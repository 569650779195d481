// The fleet transport's semantics that moto cannot show (it records SendCommand as Success and
// runs nothing, and lacks DescribeInstanceInformation): batching, MaxErrors, stop on failure,
// rollback of the batches already done, output parsing, paging, the preflight. The SSM client is
// a real SDK client whose calls aws-sdk-client-mock answers, each instance with the result line
// its script would print.
import * as assert from 'node:assert/strict';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { mockClient } from 'aws-sdk-client-mock';
import { fakeSsm, resultLine as line } from '../support/fakeSsm';
import { ReleaseLayout } from '../../../src/core/deploy/releases';
import { preflightSsm, readSecretCommandFor, runSsmDeploy, waitForInvocations } from '../../../src/core/deploy/ssmFleet';
import { assessSsmReadiness, chooseTransport, outcomeOf, planSsmCommands } from '../../../src/core/deploy/ssmPlan';
import { planDeploy } from '../../../src/core/deploy/strategy';

sdkWarningState.warningEmitted = true;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`);

const layout = new ReleaseLayout({ service: 'goapp', sudo: '' });
const s3 = new S3Client({ region: 'eu-west-1', credentials, endpoint: 'http://10.99.0.1:9000', forcePathStyle: true });

function options(ssm: SSMClient) {
  return {
    ssm,
    presignS3: s3,
    bucket: 'artifacts',
    stored: [{ name: 'goapp.gz', key: 'rds-link/goapp/r1/goapp.gz', sha256: 'a'.repeat(64) }],
    layout,
    release: 'r1',
    readSecretCommand: readSecretCommandFor('eu-west-1', '/rds-link/goapp/env'),
    restartCommand: 'systemctl restart {service}',
    statusCommand: 'systemctl is-active {service}',
    port: 8080,
    health: { path: '/healthz', timeoutSeconds: 5, retries: 3, intervalSeconds: 1 },
    keepReleases: 5,
    pollMs: 0,
  };
}

describe('SSM fleet deploys (SendCommand batches against a mocked SSM)', () => {
  it('a 500-instance rolling deploy in batches of 10% is 10 SendCommand calls of 50 ids, MaxErrors 0', async () => {
    const { client, commands } = fakeSsm(() => line('deployed', 'r1'));
    const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { percent: 10 }, onFailure: 'rollback' }, ids(500)), options(client));
    assert.equal(out.result, 'succeeded');
    assert.equal(out.sendCommandCalls, 10);
    assert.deepEqual([...new Set([...commands.values()].map((c) => `${c.ids.length}/${c.input.MaxConcurrency}/${c.input.MaxErrors}/${c.input.DocumentName}`))], ['50/50/0/AWS-RunShellScript']);
    assert.ok(out.instances.every((i) => i.state === 'deployed' && i.release === 'r1'));
  });

  it('the script carries presigned URLs and the parameter name, never the password', async () => {
    const { client, commands } = fakeSsm(() => line('deployed', 'r1'));
    await runSsmDeploy(planDeploy({ kind: 'bigBang', onFailure: 'rollback' }, ids(2)), options(client));
    const script = [...commands.values()][0]?.input.Parameters?.commands?.[0] ?? '';
    assert.match(script, /http:\/\/10\.99\.0\.1:9000\/artifacts\/rds-link\/goapp\/r1\/goapp\.gz\?.*X-Amz-Expires=600/);
    assert.match(script, /aws ssm get-parameter --region eu-west-1 --name \/rds-link\/goapp\/env --with-decryption/);
    assert.ok(!/DB_PASSWORD|password=/i.test(script));
  });

  it('a failure in batch 2 stops the rollout: batch 3 never gets a command, batch 1 goes back with one command', async () => {
    const all = ids(6);
    const { client, commands } = fakeSsm((id, script) => {
      if (script.includes("result rolledBack rollback ''")) return line('rolledBack', 'r0', 'r1', 'rollback');
      return id === all[2] ? line('rolledBack', 'r1') : line('deployed', 'r1');
    });
    const log: string[] = [];
    const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, all), { ...options(client), log: (id, l) => log.push(`${id} ${l}`) });
    assert.equal(out.result, 'failed');
    assert.equal(out.sendCommandCalls, 3);
    const sent = [...commands.values()].map((c) => c.ids);
    assert.deepEqual(sent, [all.slice(0, 2), all.slice(2, 4), [all[0], all[1], all[3]]]);
    const state = Object.fromEntries(out.instances.map((i) => [i.instanceId, `${i.state}:${i.release ?? ''}`]));
    assert.deepEqual(state, { [all[0]]: 'rolledBack:r0', [all[1]]: 'rolledBack:r0', [all[2]]: 'rolledBack:r0', [all[3]]: 'rolledBack:r0', [all[4]]: 'untouched:', [all[5]]: 'untouched:' });
    assert.match(out.failure ?? '', new RegExp(`^${all[2]}: `));
    assert.ok(log.some((l) => l.startsWith(`${all[2]} RDS-LINK-RESULT`)), 'each instance output is logged');
  });

  it('behind a load balancer: by ids even with a tag, each batch drained before its command and registered after; a rollback takes its batch out too', async () => {
    const all = ids(4);
    const { client, commands } = fakeSsm((id, script) => {
      if (script.includes("result rolledBack rollback ''")) return line('rolledBack', 'r0', 'r1', 'rollback');
      return id === all[3] ? line('rolledBack', 'r1') : line('deployed', 'r1');
    });
    const moves: string[] = [];
    const traffic = {
      drain: async (x: readonly string[]) => void moves.push(`drain ${x.join(',')} after ${commands.size} commands`),
      restore: async (x: readonly string[]) => void moves.push(`restore ${x.join(',')} after ${commands.size} commands`),
    };
    const plan = planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, all);
    const out = await runSsmDeploy(plan, { ...options(client), tag: { key: 'App', value: 'goapp' }, traffic });
    assert.equal(out.result, 'failed');
    assert.ok([...commands.values()].every((c) => c.input.InstanceIds?.length && !c.input.Targets), 'no tag target');
    const [a, b, c, d] = all;
    assert.deepEqual(moves, [
      `drain ${a},${b} after 0 commands`,
      `restore ${a},${b} after 1 commands`,
      `drain ${c},${d} after 1 commands`,
      `restore ${c},${d} after 2 commands`,
      // d failed (the script put it back on r0 there); a, b and c go back, out of traffic for it.
      `drain ${a},${b},${c} after 2 commands`,
      `restore ${a},${b},${c} after 3 commands`,
    ]);
    assert.deepEqual(out.instances.map((i) => i.state), ['rolledBack', 'rolledBack', 'rolledBack', 'rolledBack']);
  });

  it('behind a load balancer: a drain that fails stops before the batch\'s command, with the batch put back', async () => {
    const all = ids(2);
    const { client, commands } = fakeSsm(() => line('deployed', 'r1'));
    const moves: string[] = [];
    const traffic = {
      drain: async () => {
        throw new Error('AccessDenied: elasticloadbalancing:DeregisterTargets');
      },
      restore: async (x: readonly string[]) => void moves.push(`restore ${x.join(',')}`),
    };
    const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, all), { ...options(client), traffic });
    assert.equal(out.result, 'failed');
    assert.match(out.failure ?? '', /Taking .* out of the load balancer failed: AccessDenied/);
    assert.equal(commands.size, 0);
    assert.deepEqual(moves, [`restore ${all.join(',')}`]);
    assert.ok(out.instances.every((i) => i.state === 'untouched'));

    // A SendCommand that throws: the error goes on, and the drained batch is back in traffic first.
    const { client: throttled, mock } = fakeSsm(() => line('deployed', 'r1'));
    mock.on(SendCommandCommand).rejects(new Error('ThrottlingException'));
    const back: string[] = [];
    const hook = { drain: async () => undefined, restore: async (x: readonly string[]) => void back.push(x.join(',')) };
    await assert.rejects(runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, all), { ...options(throttled), traffic: hook }), /ThrottlingException/);
    assert.deepEqual(back, [all.join(',')]);
  });

  it('onFailure keep leaves the earlier batches on the new release', async () => {
    const all = ids(4);
    const { client } = fakeSsm((id) => (id === all[3] ? line('rolledBack', 'r1') : line('deployed', 'r1')));
    const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'keep' }, all), options(client));
    assert.equal(out.sendCommandCalls, 2);
    assert.deepEqual(out.instances.map((i) => i.state), ['deployed', 'deployed', 'deployed', 'rolledBack']);
  });

  it('an invocation without a result line is a failure; a cancelled one that printed nothing was not reached', async () => {
    assert.equal(outcomeOf({ instanceId: 'i-1', status: 'Success', stdout: '', stderr: '' }, undefined, 'i-1').state, 'failed');
    assert.equal(outcomeOf({ instanceId: 'i-1', status: 'Cancelled', stdout: '', stderr: '' }, undefined, 'i-1').state, 'untouched');
    assert.equal(outcomeOf(undefined, undefined, 'i-1').state, 'untouched');
    const fetch = outcomeOf({ instanceId: 'i-1', status: 'Failed', stdout: '', stderr: '' }, { status: 'failed', step: 'fetch', release: 'r1', previous: 'r0', detail: 'HTTP 403' }, 'i-1');
    assert.deepEqual([fetch.state, fetch.release], ['notSwitched', 'r0']);
  });

  it('waits while invocations are in progress, and fetches each one\'s output once', async () => {
    const client = new SSMClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    mock.on(ListCommandsCommand).resolvesOnce({ Commands: [{ Status: 'InProgress' }] }).resolves({ Commands: [{ Status: 'Failed' }] });
    mock.on(ListCommandInvocationsCommand).resolvesOnce({ CommandInvocations: [{ InstanceId: 'i-1', Status: 'Success' }, { InstanceId: 'i-2', Status: 'InProgress' }] }).resolves({ CommandInvocations: [{ InstanceId: 'i-1', Status: 'Success' }, { InstanceId: 'i-2', Status: 'Failed' }] });
    mock.on(GetCommandInvocationCommand).resolves({ StandardOutputContent: 'out', StandardErrorContent: '' });
    const invs = await waitForInvocations(client, 'c', { timeoutMs: 10_000, pollMs: 0 });
    assert.deepEqual(invs.map((i) => `${i.instanceId}:${i.status}`), ['i-1:Success', 'i-2:Failed']);
    assert.equal(mock.commandCalls(GetCommandInvocationCommand).length, 2);
  });
});

describe('SSM fleet plans', () => {
  it('a batch over 50 instances is split into calls of 50; a canary stays on ids', () => {
    const calls = planSsmCommands(planDeploy({ kind: 'canary', canary: { count: 1 }, bakeSeconds: 0, batch: { count: 120 }, onFailure: 'rollback' }, ids(121)), { key: 'App', value: 'goapp' });
    assert.deepEqual(calls.map((c) => `${c.batchIndex}:${'instanceIds' in c.target ? c.target.instanceIds.length : 'tag'}`), ['0:1', '1:50', '1:50', '1:20']);
  });

  it('with a tag, a rolling deploy is one call whose MaxConcurrency is the batch', () => {
    const [call, ...rest] = planSsmCommands(planDeploy({ kind: 'rolling', batch: { percent: 10 }, onFailure: 'rollback' }, ids(500)), { key: 'App', value: 'goapp' });
    assert.equal(rest.length, 0);
    assert.deepEqual([call?.target, call?.maxConcurrency, call?.maxErrors], [{ tag: { key: 'App', value: 'goapp' } }, '10%', '0']);
  });

  it('SSM past the threshold or when SSH cannot reach an instance', () => {
    assert.equal(chooseTransport(20, 20).transport, 'ssh');
    assert.equal(chooseTransport(21, 20).transport, 'ssm');
    assert.equal(chooseTransport(2, 20, ['i-1']).transport, 'ssm');
  });
});

describe('SSM preflight (DescribeInstanceInformation, which moto lacks)', () => {
  it('names what each instance is missing', async () => {
    const ssm = new SSMClient({ region: 'eu-west-1', credentials });
    const ec2 = new EC2Client({ region: 'eu-west-1', credentials });
    const ssmMock = mockClient(ssm);
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolvesOnce({ InstanceInformationList: [{ InstanceId: 'i-ok', PingStatus: 'Online' }], NextToken: 't' })
      .resolves({ InstanceInformationList: [{ InstanceId: 'i-lost', PingStatus: 'ConnectionLost' }] });
    mockClient(ec2)
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-ok', IamInstanceProfile: { Arn: 'arn:p' } }, { InstanceId: 'i-lost' }, { InstanceId: 'i-bare' }, { InstanceId: 'i-role', IamInstanceProfile: { Arn: 'arn:aws:iam::1:instance-profile/web' } }] }] });
    const problems = await preflightSsm(ssm, ec2, ['i-ok', 'i-lost', 'i-bare', 'i-role']);
    assert.deepEqual(problems.map((p) => `${p.instanceId}:${p.missing}`), ['i-lost:online', 'i-bare:instanceProfile', 'i-role:registration']);
    assert.match(problems[1]?.message ?? '', /AmazonSSMManagedInstanceCore/);
    assert.equal(ssmMock.commandCalls(DescribeInstanceInformationCommand).length, 2);
    assert.deepEqual(ssmMock.commandCalls(DescribeInstanceInformationCommand)[0]?.args[0].input.Filters, [{ Key: 'InstanceIds', Values: ['i-ok', 'i-lost', 'i-bare', 'i-role'] }]);
  });

  it('an Online instance needs nothing else', () => {
    assert.deepEqual(assessSsmReadiness([{ instanceId: 'i-1', pingStatus: 'Online' }]), []);
  });
});
