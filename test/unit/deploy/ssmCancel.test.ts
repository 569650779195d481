// Cancel during an SSM fleet deploy stops after the current batch: with instance ids the next
// batch gets no SendCommand; a tag-wide command (SSM itself rolls over the fleet) gets a
// CancelCommand for the instances it has not started on, and the ones in progress finish.
// The SSM client is a real SDK client answered by aws-sdk-client-mock (moto runs nothing).
import * as assert from 'node:assert/strict';
import { S3Client } from '@aws-sdk/client-s3';
import { CancelCommandCommand, GetCommandInvocationCommand, ListCommandInvocationsCommand, ListCommandsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { mockClient } from 'aws-sdk-client-mock';
import { ReleaseLayout } from '../../../src/core/deploy/releases';
import { runSsmDeploy } from '../../../src/core/deploy/ssmFleet';
import { planDeploy } from '../../../src/core/deploy/strategy';
import { fakeSsm, resultLine } from '../support/fakeSsm';

sdkWarningState.warningEmitted = true;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ids = ['i-00000000000000001', 'i-00000000000000002', 'i-00000000000000003', 'i-00000000000000004'];

function options(ssm: SSMClient, signal: AbortSignal) {
  return {
    ssm,
    presignS3: new S3Client({ region: 'eu-west-1', credentials }),
    bucket: 'artifacts',
    stored: [{ name: 'goapp.gz', key: 'rds-link/goapp/r1/goapp.gz', sha256: 'a'.repeat(64) }],
    layout: new ReleaseLayout({ service: 'goapp', sudo: '' }),
    release: 'r1',
    restartCommand: 'systemctl restart {service}',
    statusCommand: 'systemctl is-active {service}',
    port: 8080,
    health: { path: '/healthz', timeoutSeconds: 5, retries: 3, intervalSeconds: 1 },
    keepReleases: 5,
    pollMs: 0,
    signal,
  };
}

describe('SSM fleet deploys: cancel', () => {
  it('with instance ids, a cancel in batch 1 sends no command for batch 2 and says cancelled', async () => {
    const abort = new AbortController();
    const ssm = fakeSsm(() => {
      abort.abort();
      return resultLine('deployed', 'r1');
    });
    const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 2 }, onFailure: 'rollback' }, ids), options(ssm.client, abort.signal));
    assert.equal(out.result, 'cancelled');
    assert.equal(out.sendCommandCalls, 1);
    assert.deepEqual(out.instances.map((i) => i.state), ['deployed', 'deployed', 'untouched', 'untouched']);
    assert.equal(ssm.mock.commandCalls(CancelCommandCommand).length, 0, 'the batch in progress is not cut short');
  });

  it('a tag-wide command: CancelCommand for the instances not started on; the one in progress finishes', async () => {
    const abort = new AbortController();
    const client = new SSMClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    let cancelled: readonly string[] = [];
    let polls = 0;
    mock.on(SendCommandCommand).resolves({ Command: { CommandId: 'cmd-1' } });
    mock.on(ListCommandInvocationsCommand).callsFake(() => {
      polls++;
      // First poll: i-1 in progress, the rest waiting; the person cancels then.
      if (polls === 1) abort.abort();
      const status = (id: string) => (id === ids[0] ? (polls === 1 ? 'InProgress' : 'Success') : cancelled.includes(id) ? 'Cancelled' : 'Pending');
      return { CommandInvocations: ids.map((InstanceId) => ({ InstanceId, Status: status(InstanceId) })) };
    });
    mock.on(CancelCommandCommand).callsFake(({ InstanceIds }: { InstanceIds: string[] }) => {
      cancelled = InstanceIds;
      return {};
    });
    mock.on(ListCommandsCommand).callsFake(() => ({ Commands: [{ CommandId: 'cmd-1', Status: cancelled.length ? 'Cancelled' : 'InProgress' }] }));
    mock.on(GetCommandInvocationCommand).callsFake(({ InstanceId }: { InstanceId: string }) => ({ StandardOutputContent: InstanceId === ids[0] ? resultLine('deployed', 'r1') : '', StandardErrorContent: '' }));
    const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { count: 1 }, onFailure: 'rollback' }, ids), { ...options(client, abort.signal), tag: { key: 'App', value: 'goapp' } });
    assert.deepEqual(mock.commandCalls(CancelCommandCommand).map((c) => c.args[0].input), [{ CommandId: 'cmd-1', InstanceIds: ids.slice(1) }]);
    assert.equal(out.result, 'cancelled');
    assert.deepEqual(out.instances.map((i) => i.state), ['deployed', 'untouched', 'untouched', 'untouched']);
  });
});
