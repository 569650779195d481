/**
 * The fleet transport's SendCommand calls for a 500-instance rolling deploy in batches of 10%,
 * counted as the product's runner makes them against a fake SSM (a real SDK client answered by
 * aws-sdk-client-mock, every instance passing: moto runs nothing, so its invocations have no
 * result line). One call per batch: the count follows the batches, not the instances.
 * - ssm_calls_per_500_instances: by instance ids (10 batches of 50, the most one call takes);
 * - ssm_calls_per_500_instances_by_tag: by tag, where SSM's MaxConcurrency does the batching.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SendCommandCommand } from '@aws-sdk/client-ssm';
import { ReleaseLayout } from '../../src/core/deploy/releases';
import { runSsmDeploy } from '../../src/core/deploy/ssmFleet';
import { planDeploy } from '../../src/core/deploy/strategy';
import { fakeSsm, resultLine } from '../unit/support/fakeSsm';

const INSTANCES = 500;

async function calls(byTag: boolean): Promise<number> {
  const ids = Array.from({ length: INSTANCES }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`);
  const { client, mock } = fakeSsm(() => resultLine('deployed', 'r1'), ids);
  const out = await runSsmDeploy(planDeploy({ kind: 'rolling', batch: { percent: 10 }, onFailure: 'rollback' }, ids), {
    ssm: client,
    presignS3: new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    bucket: 'artifacts',
    stored: [{ name: 'goapp.gz', key: 'rds-link/goapp/r1/goapp.gz', sha256: 'a'.repeat(64) }],
    layout: new ReleaseLayout({ service: 'goapp', sudo: '' }),
    release: 'r1',
    restartCommand: 'systemctl restart {service}',
    statusCommand: 'systemctl is-active {service}',
    port: 8080,
    health: { path: '/healthz', timeoutSeconds: 5, retries: 30, intervalSeconds: 1 },
    keepReleases: 5,
    pollMs: 0,
    ...(byTag ? { tag: { key: 'App', value: 'goapp' } } : {}),
  });
  if (out.result !== 'succeeded') throw new Error(`the fake deploy ${out.result}: ${out.failure ?? ''}`);
  const counted = mock.commandCalls(SendCommandCommand).length;
  if (counted !== out.sendCommandCalls) throw new Error(`runner says ${out.sendCommandCalls} calls, the client saw ${counted}`);
  return counted;
}

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  return [
    { name: 'ssm_calls_per_500_instances', value: await calls(false), unit: 'calls' },
    { name: 'ssm_calls_per_500_instances_by_tag', value: await calls(true), unit: 'calls' },
  ];
}
