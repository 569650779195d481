// The lazily loaded bundles as they ship (dist/, built by scripts/test.mjs before any layer):
// the unit tests run the sources through tsc, so a dependency that does not bundle well would
// only fail here (jsonc-parser's UMD main did).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import * as path from 'node:path';

const dist = path.resolve(__dirname, '../../../dist');

describe('bundles in dist/', () => {
  before(function () {
    if (!fs.existsSync(path.join(dist, 'extension.js'))) throw new Error('dist/ is missing: run node scripts/build.mjs (npm test does)');
  });

  it('extension.js activates against the benchmark stand-in of vscode without loading a heavy bundle', () => {
    // `npm run bench` times this; a stand-in that lacks an API the extension now calls breaks it.
    const r = spawnSync(process.execPath, [path.resolve(dist, '../scripts/bench/activate-once.cjs')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Number(r.stdout) > 0, r.stdout);
  });

  it('goconfig.js parses JSON with comments and trailing commas', () => {
    const g = require(path.join(dist, 'goconfig.js')) as typeof import('../../src/core/goconfig/index');
    const d = g.detectConfig('config.json', '{\n  // local\n  "database": { "host": "localhost", "port": 3306, },\n}\n');
    assert.equal(d?.failure, undefined);
    assert.deepEqual(d?.settings.map((s) => s.role), ['host', 'port']);
  });

  it('goconfig.js parses YAML and TOML', () => {
    const g = require(path.join(dist, 'goconfig.js')) as typeof import('../../src/core/goconfig/index');
    assert.equal(g.detectConfig('config.yaml', 'database:\n  host: [unclosed\n')?.failure !== undefined, true);
    assert.deepEqual(g.detectConfig('config.toml', '[database]\nhost = "localhost"\n')?.settings.map((s) => s.value), ['localhost']);
  });

  it('db.js lists EC2 Instance Connect Endpoints with the EC2 client of aws.js (no paginator bound to its own copy of the SDK)', async () => {
    const aws = require(path.join(dist, 'aws.js')) as typeof import('../../src/core/aws/index');
    const db = require(path.join(dist, 'db.js')) as typeof import('../../src/core/db/index');
    const item = '<item><instanceConnectEndpointId>eice-0123456789abcdef0</instanceConnectEndpointId><state>create-complete</state><dnsName>eice-0123456789abcdef0.x.ec2-instance-connect-endpoint.us-east-1.amazonaws.com</dnsName><vpcId>vpc-1</vpcId><subnetId>subnet-1</subnetId><securityGroupIdSet><item>sg-1</item></securityGroupIdSet></item>';
    const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/xml' }).end(`<DescribeInstanceConnectEndpointsResponse><instanceConnectEndpointSet>${item}</instanceConnectEndpointSet></DescribeInstanceConnectEndpointsResponse>`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const session = new aws.AwsSession({ endpointUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
    try {
      const found = await db.listInstanceConnectEndpoints(session.ec2('us-east-1'), 'vpc-1');
      assert.deepEqual(found.map((e) => e.id), ['eice-0123456789abcdef0']);
    } finally {
      session.dispose();
      server.close();
    }
  });

  it('db.js carries the RDS CA certificates and mysql2', () => {
    const db = require(path.join(dist, 'db.js')) as typeof import('../../src/core/db/index');
    assert.ok(db.rdsCaCertificates().length >= 100);
    assert.equal(db.validateDatabaseName('goapp').ok, true);
  });

  it('deploy.js parses what the guided first deploy writes, and carries no copy of ssh2 (its sessions come from db.js)', () => {
    const d = require(path.join(dist, 'deploy.js')) as typeof import('../../src/core/deploy/index');
    const text = d.deployFileText({ service: 'goapp', port: 8080, instances: [{ region: 'us-east-1', tag: { key: 'App', value: 'goapp' } }], files: [], strategy: { kind: 'bigBang', onFailure: 'rollback' } });
    assert.equal(d.parseDeployFile(text).ok, true);
    // ssh2's protocol constants: in db.js, not in deploy.js.
    assert.equal(fs.readFileSync(path.join(dist, 'db.js'), 'utf8').includes('CHANNEL_OPEN_CONFIRMATION'), true);
    assert.equal(fs.readFileSync(path.join(dist, 'deploy.js'), 'utf8').includes('CHANNEL_OPEN_CONFIRMATION'), false);
  });

  it('aws.js carries the SSM fleet transport: its preflight pages with aws.js\'s own clients; extension.js and deploy.js carry none of it', async () => {
    const aws = require(path.join(dist, 'aws.js')) as typeof import('../../src/core/aws/index');
    // SSM speaks JSON (X-Amz-Target), EC2 the query protocol with XML answers.
    const server = http.createServer((req, res) => {
      if (String(req.headers['x-amz-target']).endsWith('DescribeInstanceInformation')) res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ InstanceInformationList: [{ InstanceId: 'i-1', PingStatus: 'ConnectionLost' }] }));
      else res.writeHead(200, { 'Content-Type': 'text/xml' }).end('<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></item></reservationSet></DescribeInstancesResponse>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const session = new aws.AwsSession({ endpointUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
    try {
      const problems = await aws.ssmFleet.preflightSsm(session.ssm('us-east-1'), session.ec2('us-east-1'), ['i-1']);
      assert.deepEqual(problems.map((p) => p.missing), ['online']);
    } finally {
      session.dispose();
      server.close();
    }
    for (const name of ['extension.js', 'deploy.js']) assert.equal(fs.readFileSync(path.join(dist, name), 'utf8').includes('DescribeInstanceInformation'), false, name);
  });

  it('aws.js builds a session and plans without the network', () => {
    const aws = require(path.join(dist, 'aws.js')) as typeof import('../../src/core/aws/index');
    const s = new aws.AwsSession({ endpointUrl: 'http://127.0.0.1:9', credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) });
    assert.equal(typeof s.ec2('us-east-1').send, 'function');
    s.dispose();
    assert.deepEqual(aws.resolveRegions([], undefined, {}), ['us-east-1']);
  });
});
