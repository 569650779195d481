// The EICE tunnel against real parts: the AWS SDK through the DescribeInstanceConnectEndpoints
// shim in front of moto, the EICE stand-in (SigV4 checked), the real OpenSSH server as the
// instance, and a real MariaDB as the database behind it.
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { CreateSubnetCommand, CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import * as mysql from 'mysql2/promise';
import { Client, type ClientChannel } from 'ssh2';
import { WebSocket } from 'ws';
import { AwsSession } from '../../../../src/core/aws/session';
import { findInstanceConnectEndpoint, type InstanceConnectEndpoint } from '../../../../src/core/instance/eice/endpoints';
import { EiceRequestError, presignOpenTunnel } from '../../../../src/core/instance/eice/presign';
import { eiceSigningFrom, EiceReconnector, EiceTunnelError, openEiceTunnel, type EiceConnectOptions, type EiceTunnelStream, type EiceTunnelTarget } from '../../../../src/core/instance/eice/tunnel';
import { startEc2Shim, startEiceStandIn, startMariaDb, startMoto, startSshd, type Ec2Shim, type EiceStandIn, type MariaDbServer, type MotoServer, type SshServer } from '../../support';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const INSTANCE_IP = '10.0.1.25';

describe('EICE tunnel: ssh2 through the EICE stand-in to OpenSSH and MariaDB', () => {
  let moto: MotoServer;
  let ssh: SshServer;
  let db: MariaDbServer;
  let eice: EiceStandIn;
  let shim: Ec2Shim;
  let session: AwsSession;
  let vpcId: string;
  let subnetId: string;
  let endpoint: InstanceConnectEndpoint;
  const streams: Duplex[] = [];
  const clients: Client[] = [];

  before(async () => {
    const started = await Promise.allSettled([startMoto(), startSshd(), startMariaDb()]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    [moto, ssh, db] = started.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [MotoServer, SshServer, MariaDbServer];
    // The VPC and subnets are moto's; the shim only adds the endpoints.
    const direct = new AwsSession({ endpointUrl: moto.endpoint, credentials: async () => credentials });
    const vpc = await direct.ec2(REGION).send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    vpcId = vpc.Vpc!.VpcId!;
    const sub = await direct.ec2(REGION).send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }));
    subnetId = sub.Subnet!.SubnetId!;
    direct.dispose();
    const endpoints = [
      { id: 'eice-0aaaaaaaaaaaaaaa1', dnsName: 'eice-0aaaaaaaaaaaaaaa1.11111111.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', vpcId, subnetId: 'subnet-0other', availabilityZone: 'us-east-1b', securityGroupIds: ['sg-0eice1'] },
      { id: 'eice-0bbbbbbbbbbbbbbb2', dnsName: 'eice-0bbbbbbbbbbbbbbb2.22222222.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', vpcId, subnetId: 'subnet-0sameaz', availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0eice2'] },
      { id: 'eice-0ccccccccccccccc3', dnsName: 'eice-0ccccccccccccccc3.33333333.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', vpcId, subnetId, availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0eice3'] },
      { id: 'eice-0ddddddddddddddd4', dnsName: 'eice-0ddddddddddddddd4.44444444.ec2-instance-connect-endpoint.us-east-1.amazonaws.com', vpcId, subnetId, availabilityZone: 'us-east-1a', securityGroupIds: ['sg-0eice4'], state: 'create-in-progress' },
    ];
    eice = await startEiceStandIn({
      endpoints,
      credentials,
      region: REGION,
      route: (ip, port) => (ip === INSTANCE_IP && port === 22 ? { host: ssh.host, port: ssh.port } : undefined),
    });
    shim = await startEc2Shim({ moto: moto.endpoint, endpoints, tunnel: eice });
    const e = endpoints[2];
    endpoint = { id: e.id, dnsName: e.dnsName, vpcId, subnetId, availabilityZone: e.availabilityZone, securityGroupIds: e.securityGroupIds, state: 'create-complete' };
    session = new AwsSession({ endpointUrl: shim.endpoint, credentials: async () => credentials });
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.end();
    for (const s of streams.splice(0)) s.destroy();
  });

  after(async () => {
    session?.dispose();
    await Promise.all([shim?.stop(), eice?.stop()]);
    await Promise.all([moto?.stop(), ssh?.stop(), db?.stop()]);
  });

  const target = (extra: Partial<EiceTunnelTarget> = {}): EiceTunnelTarget => ({ endpoint, instanceId: 'i-0123456789abcdef0', privateIpAddress: INSTANCE_IP, ...extra });
  const connect = async (extra: Partial<EiceConnectOptions> = {}): Promise<EiceConnectOptions> => ({ ...(await eiceSigningFrom(session.ec2(REGION))), connectUrl: shim.endpoint, ...extra });

  async function open(t = target(), o?: Partial<EiceConnectOptions>): Promise<EiceTunnelStream> {
    const s = await openEiceTunnel(t, await connect(o));
    streams.push(s);
    return s;
  }

  /** ssh2 logs in over the tunnel, as the product's SSH leg does with `sock`. */
  async function login(sock: Duplex): Promise<Client> {
    const client = new Client();
    clients.push(client);
    client.on('error', () => undefined);
    const ready = once(client, 'ready');
    client.connect({ sock, username: ssh.username, privateKey: ssh.privateKey, readyTimeout: 15_000 });
    await ready;
    return client;
  }

  function forward(client: Client): Promise<ClientChannel> {
    return new Promise((resolve, reject) => client.forwardOut('127.0.0.1', 0, db.host, db.port, (err, ch) => (err ? reject(err) : resolve(ch))));
  }

  it('DescribeInstanceConnectEndpoints is answered by the shim through the real SDK; the rest reaches moto', async () => {
    const before = shim.answered.length;
    const forwardedBefore = shim.forwarded;
    const choice = await findInstanceConnectEndpoint(session.ec2(REGION), { vpcId, subnetId, availabilityZone: 'us-east-1a' });
    assert.equal(shim.answered.length, before + 1);
    const asked = shim.answered[before];
    assert.equal(asked['Filter.1.Name'], 'vpc-id');
    assert.equal(asked['Filter.1.Value.1'], vpcId);
    // The one in the instance's subnet, not the one still being created there.
    assert.equal(choice?.match, 'subnet');
    assert.equal(choice?.endpoint.id, 'eice-0ccccccccccccccc3');
    assert.deepEqual(choice?.endpoint.securityGroupIds, ['sg-0eice3']);
    const inAz = await findInstanceConnectEndpoint(session.ec2(REGION), { vpcId, subnetId: 'subnet-0elsewhere', availabilityZone: 'us-east-1a' });
    assert.equal(inAz?.match, 'availabilityZone');
    const inVpc = await findInstanceConnectEndpoint(session.ec2(REGION), { vpcId, subnetId: 'subnet-0elsewhere', availabilityZone: 'us-east-1c' });
    assert.equal(inVpc?.match, 'vpc');
    assert.equal(await findInstanceConnectEndpoint(session.ec2(REGION), { vpcId: 'vpc-0none', subnetId }), undefined);
    const vpcs = await session.ec2(REGION).send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    assert.equal(vpcs.Vpcs?.[0]?.VpcId, vpcId);
    assert.ok(shim.forwarded > forwardedBefore);
    assert.deepEqual(choice?.endpoint, { ...endpoint, tags: {} }, 'as seeded, with the (no) tags the shim read back');
  });

  it('ssh2 logs in to OpenSSH through the tunnel, forwards to MariaDB and creates a database', async () => {
    const tunnel = await open();
    const client = await login(tunnel);
    const channel = await forward(client);
    const conn = await mysql.createConnection({ stream: channel, user: db.user, password: db.password });
    try {
      await conn.query('CREATE DATABASE eice_schema');
      const [rows] = await conn.query("SHOW DATABASES LIKE 'eice_schema'");
      assert.equal((rows as unknown[]).length, 1);
    } finally {
      await conn.end();
    }
    assert.ok(eice.events.some((e) => e.kind === 'tunnel' && e.detail === `${endpoint.id} → ${INSTANCE_IP}:22`));
  });

  it('a tunnel closed at its maxTunnelDuration is reported as expired, and the reconnector opens the next one', async function () {
    this.timeout(30_000);
    const tunnels: EiceTunnelStream[] = [];
    const logins: Promise<Client>[] = [];
    const reconnector = new EiceReconnector(
      () => open(target({ maxTunnelDurationSeconds: 2 })),
      (t) => {
        tunnels.push(t);
        logins.push(login(t));
      },
    );
    try {
      await reconnector.start();
      await logins[0];
      const ended = await tunnels[0].ended;
      assert.equal(ended.kind, 'expired');
      assert.ok(Date.now() - tunnels[0].openedAt >= 1900);
      for (let i = 0; i < 100 && tunnels.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(tunnels.length, 2, 'a second tunnel was opened');
      const second = await logins[1];
      const channel = await forward(second);
      const conn = await mysql.createConnection({ stream: channel, user: db.user, password: db.password });
      const [rows] = await conn.query('SELECT 1 AS one');
      assert.equal((rows as Array<{ one: number }>)[0].one, 1);
      await conn.end();
      assert.ok(eice.events.some((e) => e.kind === 'expired'));
    } finally {
      reconnector.stop();
    }
  });

  it('a tampered, expired or wrongly scoped URL is refused by the stand-in', async () => {
    const req = { dnsName: endpoint.dnsName, endpointId: endpoint.id, privateIpAddress: INSTANCE_IP, remotePort: 22, maxTunnelDurationSeconds: 60 };
    const status = async (url: string): Promise<{ status: number; body: string }> => {
      const u = new URL(url);
      const ws = new WebSocket(`ws://127.0.0.1:${eice.port}${u.pathname}${u.search}`, { headers: { host: u.host } });
      return new Promise((resolve, reject) => {
        ws.once('open', () => reject(new Error('the stand-in accepted it')));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.once('error', () => undefined);
      });
    };
    const good = await presignOpenTunnel(req, { region: REGION, credentials });
    const tampered = good.replace(`privateIpAddress=${INSTANCE_IP}`, 'privateIpAddress=10.0.1.26');
    assert.notEqual(tampered, good);
    assert.match((await status(tampered)).body, /SignatureDoesNotMatch/);
    const expired = await presignOpenTunnel(req, { region: REGION, credentials, signingDate: new Date(Date.now() - 61_000) });
    assert.match((await status(expired)).body, /expired/);
    const otherRegion = await presignOpenTunnel(req, { region: 'eu-west-1', credentials });
    assert.equal((await status(otherRegion)).status, 403);
    const otherKey = await presignOpenTunnel(req, { region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } });
    assert.match((await status(otherKey)).body, /SignatureDoesNotMatch/);
    // The same refusal through the product, in words.
    await assert.rejects(
      open(target(), { credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } }),
      (e: Error) => e instanceof EiceTunnelError && e.kind === 'refused' && /HTTP 403.*ec2-instance-connect:OpenTunnel/.test(e.message),
    );
  });

  it('a tunnel to port 3306 is refused before anything is sent', async () => {
    const events = eice.events.length;
    const answered = shim.answered.length;
    let askedForCredentials = false;
    await assert.rejects(
      open(target({ remotePort: 3306 }), { credentials: async () => ((askedForCredentials = true), credentials) }),
      (e: Error) => e instanceof EiceRequestError && /not 3306/.test(e.message),
    );
    assert.equal(askedForCredentials, false);
    assert.equal(eice.events.length, events, 'the stand-in saw nothing');
    assert.equal(shim.answered.length, answered);
  });

  it('the 21st tunnel through one endpoint is refused in words; a target the endpoint cannot reach names the security groups', async function () {
    this.timeout(30_000);
    const held = await Promise.all(Array.from({ length: 20 }, () => open()));
    assert.equal(eice.openTunnels(endpoint.id), 20);
    await assert.rejects(open(), (e: Error) => e instanceof EiceTunnelError && e.kind === 'tooManyConnections' && /allows 20 connections at once/.test(e.message));
    for (const h of held) h.destroy();
    for (let i = 0; i < 50 && eice.openTunnels(endpoint.id) > 0; i++) await new Promise((r) => setTimeout(r, 20));

    const lost = await open(target({ privateIpAddress: '10.0.1.99' }));
    const [err] = await once(lost, 'error');
    assert.ok(err instanceof EiceTunnelError && err.kind === 'unreachableTarget', String(err));
    assert.match((err as Error).message, /allow TCP port 22 from the endpoint's security group \(sg-0eice3\)/);
  });
});
