// The SSM fleet transport with real parts: moto for S3 (the artifact, its presigned URLs), SSM's
// Parameter Store (the env file's SecureString) and SendCommand/ListCommands/GetCommandInvocation
// (moto records a command as Success and runs nothing, and has no ListCommandInvocations, so only
// the calls are checked against it); the
// deploy script itself run by a real sh on real test hosts (network namespaces, support/
// deployHosts.ts, with a small supervisor standing in for systemd, which cannot run here), with
// the real sandbox app and MariaDB. The hosts reach moto through the gateway's relay to
// loopback; a presigned URL is signed for its host, so the URLs are presigned for that address
// (gateway:relay), the one the hosts ask, as the product presigns for the regional S3 endpoint.
// The instance reads the env file with the real AWS CLI (from moto, through the same relay).
// moto lacks DescribeInstanceInformation: the preflight is unit tested (test/unit/deploy/ssmFleet.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommandInvocationCommand, GetParameterCommand, ListCommandsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { state as sdkWarningState } from '@aws-sdk/core/client';
import { releaseName } from '../../../src/core/deploy/build';
import { presignObjects, readSecretCommandFor, sendScript, shipArtifacts, storeEnvParameter, type StoredObject } from '../../../src/core/deploy/ssmFleet';
import { planSsmCommands } from '../../../src/core/deploy/ssmPlan';
import { parseScriptResult, ssmDeployScript, type ScriptResult } from '../../../src/core/deploy/ssmScript';
import { planDeploy } from '../../../src/core/deploy/strategy';
import { startMoto, type MotoServer } from '../support';
import { startDeployHosts, type DeployHosts } from '../support/deployHosts';
import { buildSandboxApp } from '../support/goapp';

sdkWarningState.warningEmitted = true;
const PASSWORD = 'ssm-Fleet_pw9';
const REGION = 'us-east-1';
const BUCKET = 'rds-link-artifacts';
const HEALTH = { path: '/healthz', timeoutSeconds: 5, retries: 40, intervalSeconds: 0.25 };
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('deploys through SSM: moto for S3 and SSM, the script on real test hosts', function () {
  this.timeout(300_000);
  let moto: MotoServer;
  let hosts: DeployHosts;
  let s3: S3Client;
  let ssm: SSMClient;
  /** Signs for the address the hosts reach moto at. */
  let presignS3: S3Client;
  let relayEndpoint: string;
  let binaries: { v1: string; v2: string };

  before(async () => {
    const [m, h, b1, b2] = await Promise.allSettled([startMoto(), startDeployHosts(2, PASSWORD), buildSandboxApp('amd64', 'v1'), buildSandboxApp('amd64', 'v2')]);
    if (m.status === 'fulfilled') moto = m.value;
    if (h.status === 'fulfilled') hosts = h.value;
    for (const r of [m, h, b1, b2]) if (r.status === 'rejected') throw r.reason;
    binaries = { v1: (b1 as PromiseFulfilledResult<string>).value, v2: (b2 as PromiseFulfilledResult<string>).value };
    const config = { region: REGION, credentials, endpoint: moto.endpoint, forcePathStyle: true };
    s3 = new S3Client(config);
    ssm = new SSMClient(config);
    relayEndpoint = `http://${hosts.network.gateway}:${await hosts.network.relayToLoopback(moto.port)}`;
    presignS3 = new S3Client({ ...config, endpoint: relayEndpoint });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(async () => {
    await hosts?.stop();
    await moto?.stop();
  });

  const ship = (release: string, version: 'v1' | 'v2', bucket = BUCKET) =>
    shipArtifacts({ s3, bucket, service: 'goapp', release, binary: binaries[version], binaryName: 'goapp', files: [{ local: hosts.config, name: 'config.yaml' }] });

  /** The script for one host, run by sh in the host's namespace (as SSM's agent would, as root). */
  async function runOnHost(id: string, release: string, stored: readonly StoredObject[]): Promise<{ result: ScriptResult | undefined; stdout: string; script: string }> {
    const script = ssmDeployScript({
      layout: hosts.layoutFor(id),
      release,
      objects: await presignObjects(presignS3, BUCKET, stored, 120),
      gzipped: ['goapp'],
      readSecretCommand: readSecretCommandFor(REGION, '/rds-link/goapp/env'),
      restartCommand: hosts.restartCommand(id),
      statusCommand: hosts.statusCommand(id),
      port: 8080,
      health: HEALTH,
      keepReleases: 5,
    });
    const env = [`AWS_ENDPOINT_URL=${relayEndpoint}`, 'AWS_ACCESS_KEY_ID=test', 'AWS_SECRET_ACCESS_KEY=test'];
    const { stdout } = await hosts.hostOf(id).run('sh', ['-c', `env ${env.join(' ')} sh -c "$0"; echo "script-exit $?"`, script], { timeoutMs: 120_000 });
    return { result: parseScriptResult(stdout), stdout, script };
  }

  it('a missing bucket is a clear error, not created', async () => {
    await assert.rejects(ship(releaseName('v1'), 'v1', 'rds-link-no-such-bucket'), /rds-link-no-such-bucket does not exist\. RDS Link does not create it/);
  });

  it('the build goes to S3 under the product prefix; a presigned URL fetches it without credentials', async () => {
    const release = releaseName('v1');
    const stored = await ship(release, 'v1');
    assert.deepEqual(stored.map((s) => s.key), [`rds-link/goapp/${release}/goapp.gz`, `rds-link/goapp/${release}/config.yaml`]);
    const [url] = await presignObjects(s3, BUCKET, stored);
    const res = await fetch(url?.url ?? '');
    assert.equal(res.status, 200);
    assert.ok((await res.arrayBuffer()).byteLength < fs.statSync(binaries.v1).size * 0.7, 'the binary is stored gzipped');
    const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: stored[1]?.key }))).Body?.transformToString();
    assert.equal(body, fs.readFileSync(hosts.config, 'utf8'));
  });

  it('the script deploys on each host: fetch by presigned URL, env file from the SecureString, gate passed', async () => {
    await storeEnvParameter(ssm, 'goapp', { DB_PASSWORD: PASSWORD });
    const stored = (await ssm.send(new GetParameterCommand({ Name: '/rds-link/goapp/env', WithDecryption: true }))).Parameter;
    assert.equal(stored?.Type, 'SecureString');
    const release = releaseName('v1');
    const objects = await ship(release, 'v1');
    for (const id of ['i-host1', 'i-host2']) {
      const r = await runOnHost(id, release, objects);
      assert.equal(r.result?.status, 'deployed', r.stdout);
      assert.ok(!r.script.includes(PASSWORD) && !r.stdout.includes(PASSWORD), 'the password is in neither the script nor its output');
      const layout = hosts.layoutFor(id);
      assert.equal(path.basename(fs.readlinkSync(layout.current)), release);
      assert.equal(fs.readFileSync(layout.envFile, 'utf8'), `DB_PASSWORD="${PASSWORD}"\n`);
      assert.equal(fs.statSync(layout.envFile).mode & 0o777, 0o600);
    }
  });

  it('a release that fails its gate rolls itself back to the one before', async () => {
    const before = path.basename(fs.readlinkSync(hosts.layoutFor('i-host1').current));
    const release = releaseName('v2');
    // The supervisor starts a release marked broken with a wrong DB password: /healthz answers 503.
    fs.writeFileSync(path.join(hosts.roots.get('i-host1') ?? '', `broken-${release}`), '');
    const r = await runOnHost('i-host1', release, await ship(release, 'v2'));
    assert.equal(r.result?.status, 'rolledBack', r.stdout);
    assert.equal(r.result?.previous, before);
    assert.match(r.stdout, /script-exit 1/);
    assert.equal(path.basename(fs.readlinkSync(hosts.layoutFor('i-host1').current)), before);
    const health = await hosts.hostOf('i-host1').run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', 'http://127.0.0.1:8080/healthz']);
    assert.equal(health.stdout, '200', 'the old release serves again');
  });

  it('moto records one SendCommand per batch, with MaxConcurrency, MaxErrors and no password', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`);
    const calls = planSsmCommands(planDeploy({ kind: 'rolling', batch: { percent: 25 }, onFailure: 'rollback' }, ids));
    const stored = await ship(releaseName('v1'), 'v1');
    const script = ssmDeployScript({
      layout: hosts.layoutFor('i-host1'),
      release: releaseName('v1'),
      objects: await presignObjects(presignS3, BUCKET, stored),
      gzipped: ['goapp'],
      readSecretCommand: readSecretCommandFor(REGION, '/rds-link/goapp/env'),
      restartCommand: 'systemctl restart {service}',
      statusCommand: 'systemctl is-active {service}',
      port: 8080,
      health: HEALTH,
      keepReleases: 5,
    });
    const sent: string[] = [];
    for (const call of calls) {
      const id = await sendScript(ssm, call, script, 'RDS Link test', 600);
      sent.push(id);
      // moto 5.2.1 has no ListCommandInvocations (waitForInvocations' paging is unit tested);
      // GetCommandInvocation it has: Success and no output, as it runs nothing.
      const first = 'instanceIds' in call.target ? call.target.instanceIds[0] : undefined;
      const inv = await ssm.send(new GetCommandInvocationCommand({ CommandId: id, InstanceId: first }));
      assert.equal(inv.Status, 'Success');
      assert.equal(parseScriptResult(inv.StandardOutputContent ?? ''), undefined, 'no result line: the product reads it as a failure, never as deployed');
    }
    assert.equal(sent.length, 4, '4 batches of 30, each one call');
    const recorded = (await ssm.send(new ListCommandsCommand({}))).Commands?.filter((c) => sent.includes(c.CommandId ?? '')) ?? [];
    assert.equal(recorded.length, 4);
    for (const c of recorded) {
      assert.deepEqual([c.DocumentName, c.MaxConcurrency, c.MaxErrors, c.InstanceIds?.length], ['AWS-RunShellScript', '30', '0', 30]);
      assert.ok(!JSON.stringify(c.Parameters).includes(PASSWORD));
    }
  });
});
