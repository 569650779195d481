import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { Ec2Instance } from '../../../src/core/aws/types';
import { chooseRoute, decideRoute, describeRoute, parseHostPort, probeTcp, type RouteContext, type RouteDecision, type SshTunnelRoute } from '../../../src/core/db/routes';
import type { EndpointChoice, EndpointPlacement, InstanceConnectEndpoint } from '../../../src/core/instance/eice/endpoints';

function instance(over: Partial<Ec2Instance> & { id: string }): Ec2Instance {
  return {
    region: 'eu-west-1',
    state: 'running',
    platform: 'Linux/UNIX',
    imageId: 'ami-al2023',
    publicIp: '3.3.3.3',
    privateIp: '10.0.1.5',
    tags: {},
    networkInterfaces: [],
    securityGroupIds: [],
    ...over,
  };
}

const db = { id: 'appdb', region: 'eu-west-1', endpoint: { address: 'appdb.abc123.eu-west-1.rds.amazonaws.com', port: 3306 } };

/** Public IPs answer on port 22 unless a test says otherwise (no real probe in a unit test). */
function ctx(over: Partial<RouteContext> = {}): RouteContext {
  return { db, linkedInstances: [instance({ id: 'i-web', name: 'web' })], probeSsh: async () => true, ...over };
}

function tunnel(d: RouteDecision): SshTunnelRoute {
  assert.equal(d.kind, 'route', d.kind === 'askLocalPort' ? d.message : '');
  assert.ok(d.kind === 'route' && d.route.kind === 'sshTunnel', JSON.stringify(d));
  return d.route as SshTunnelRoute;
}

describe('db routes: chooseRoute', () => {
  it('goes direct when the endpoint answers, with TLS verified against the RDS bundle', () => {
    const d = chooseRoute(ctx(), true);
    assert.equal(d.kind, 'route');
    assert.deepEqual(d.kind === 'route' && d.route, { kind: 'direct', host: db.endpoint.address, port: 3306, tls: { mode: 'verify' } });
    assert.match(d.message, /answers: connecting directly/);
  });

  it('tunnels through the linked running instance when the endpoint does not answer', () => {
    const d = chooseRoute(ctx(), false);
    const r = tunnel(d);
    assert.deepEqual(r.ssh, { host: '3.3.3.3', port: 22, username: 'ec2-user' });
    assert.deepEqual(r.target, { host: db.endpoint.address, port: 3306 });
    assert.deepEqual(r.key, { kind: 'instanceConnect' });
    assert.equal(r.instance.id, 'i-web');
    assert.equal(r.viaHostOverride, undefined, 'the instance\'s own address: its console vouches for the host key');
    assert.equal(r.tls.mode, 'verify');
    assert.match(d.message, /does not answer from here/);
    assert.match(d.message, /web \(i-web\)/);
    assert.match(d.message, /public IP 3\.3\.3\.3/);
  });

  it('uses the private IP when the user says VS Code is inside the VPC', () => {
    const r = tunnel(chooseRoute(ctx({ insideVpc: true }), false));
    assert.equal(r.ssh.host, '10.0.1.5');
  });

  it('skips stopped and Windows instances and prefers one that has an address', () => {
    const linked = [
      instance({ id: 'i-a', name: 'a', state: 'stopped' }),
      instance({ id: 'i-b', name: 'b', platform: 'Windows' }),
      instance({ id: 'i-c', name: 'c', publicIp: undefined }),
      instance({ id: 'i-d', name: 'd', publicIp: '4.4.4.4' }),
    ];
    const r = tunnel(chooseRoute(ctx({ linkedInstances: linked }), false));
    assert.equal(r.instance.id, 'i-d');
    assert.equal(r.ssh.host, '4.4.4.4');
  });

  it('picks the same instance whatever order they come in', () => {
    const linked = [instance({ id: 'i-2', name: 'zeta' }), instance({ id: 'i-1', name: 'alpha' })];
    assert.equal(tunnel(chooseRoute(ctx({ linkedInstances: linked }), false)).instance.id, 'i-1');
    assert.equal(tunnel(chooseRoute(ctx({ linkedInstances: [...linked].reverse() }), false)).instance.id, 'i-1');
  });

  it('asks for a local port when nothing is linked', () => {
    const d = chooseRoute(ctx({ linkedInstances: [] }), false);
    assert.equal(d.kind, 'askLocalPort');
    assert.match(d.message, /No EC2 instance is linked to appdb/);
  });

  it('asks for a local port, naming the instances and their states, when none runs', () => {
    const d = chooseRoute(ctx({ linkedInstances: [instance({ id: 'i-a', name: 'a', state: 'stopped' }), instance({ id: 'i-w', platform: 'windows' })] }), false);
    assert.equal(d.kind, 'askLocalPort');
    assert.match(d.message, /a \(i-a\): stopped/);
    assert.match(d.message, /i-w: Windows/);
  });

  it('asks for a local port when the only running instance has no public IP (outside the VPC)', () => {
    const d = chooseRoute(ctx({ linkedInstances: [instance({ id: 'i-p', publicIp: undefined })] }), false);
    assert.equal(d.kind, 'askLocalPort');
    assert.match(d.message, /no public IP/);
  });

  it('asks for a local port when the DB has no endpoint yet', () => {
    const d = chooseRoute(ctx({ db: { id: 'new', region: 'eu-west-1' } }), true);
    assert.equal(d.kind, 'askLocalPort');
  });

  it('follows a preference: direct even when the endpoint is silent', () => {
    const d = chooseRoute(ctx({ preference: { kind: 'direct' } }), false);
    assert.ok(d.kind === 'route' && d.route.kind === 'direct');
    assert.match(d.message, /your setting/);
  });

  it('follows a preference: the tunnel even when the endpoint answers, through the chosen instance', () => {
    const linked = [instance({ id: 'i-1', name: 'a' }), instance({ id: 'i-2', name: 'b', publicIp: '5.5.5.5' })];
    const r = tunnel(chooseRoute(ctx({ linkedInstances: linked, preference: { kind: 'sshTunnel', instanceId: 'i-2' } }), true));
    assert.equal(r.instance.id, 'i-2');
    const d = chooseRoute(ctx({ linkedInstances: linked, preference: { kind: 'sshTunnel', instanceId: 'i-9' } }), true);
    assert.equal(d.kind, 'askLocalPort');
    assert.match(d.message, /i-9 is not linked/);
  });

  it('follows a preference: a local port, verified against the endpoint name unless told otherwise', () => {
    const d = chooseRoute(ctx({ preference: { kind: 'localPort', host: '127.0.0.1', port: 13306 } }), true);
    assert.deepEqual(d.kind === 'route' && d.route, { kind: 'localPort', host: '127.0.0.1', port: 13306, tls: { mode: 'verify', servername: db.endpoint.address } });
    const off = chooseRoute(ctx({ preference: { kind: 'localPort', host: 'localhost', port: 3307, tls: { mode: 'off' } } }), true);
    assert.deepEqual(off.kind === 'route' && off.route.kind === 'localPort' && off.route.tls, { mode: 'off' });
  });

  it('connects SSH to the host override, with the given key and no key push', () => {
    const r = tunnel(chooseRoute(ctx({ sshHostOverride: { host: '127.0.0.1', port: 2222, privateKey: 'KEY' } }), false));
    assert.deepEqual(r.ssh, { host: '127.0.0.1', port: 2222, username: 'ec2-user' });
    assert.deepEqual(r.key, { kind: 'privateKey', privateKey: 'KEY', push: false });
    // Whatever answers there, the instance's console cannot vouch for its host key.
    assert.equal(r.viaHostOverride, true);
    // The database target stays the RDS endpoint: the override only moves the SSH leg.
    assert.equal(r.target.host, db.endpoint.address);
    const pushed = tunnel(chooseRoute(ctx({ sshHostOverride: { host: '127.0.0.1', privateKey: 'KEY', pushKey: true } }), false));
    assert.deepEqual(pushed.key, { kind: 'privateKey', privateKey: 'KEY', push: true });
    assert.equal(pushed.ssh.port, 22);
  });

  it('takes the OS user from the AMI name, or from the user', () => {
    const ubuntu = instance({ id: 'i-u', imageId: 'ami-u' });
    const names = new Map([['ami-u', 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240801']]);
    assert.equal(tunnel(chooseRoute(ctx({ linkedInstances: [ubuntu], imageNames: names }), false)).ssh.username, 'ubuntu');
    const set = tunnel(chooseRoute(ctx({ linkedInstances: [ubuntu], imageNames: names, osUserOverrides: new Map([['i-u', 'deploy']]) }), false));
    assert.equal(set.ssh.username, 'deploy');
  });

  it('keeps a CA override and verification on every route it makes', () => {
    const tls = { mode: 'verify' as const, ca: ['PEM'] };
    for (const answers of [true, false]) {
      const d = chooseRoute(ctx({ tls }), answers);
      assert.ok(d.kind === 'route' && d.route.tls.mode === 'verify' && d.route.tls.ca?.[0] === 'PEM');
    }
  });
});

describe('db routes: decideRoute and probeTcp', () => {
  it('probes only in auto mode', async () => {
    let probes = 0;
    const probe = async () => (probes++, true);
    assert.equal((await decideRoute(ctx(), probe)).kind, 'route');
    assert.equal(probes, 1);
    await decideRoute(ctx({ preference: { kind: 'sshTunnel' } }), probe);
    assert.equal(probes, 1);
  });

  it('says true for a listening port and false for a closed one, within the timeout', async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    assert.equal(await probeTcp({ host: '127.0.0.1', port }), true);
    await new Promise((r) => server.close(r));
    const started = Date.now();
    assert.equal(await probeTcp({ host: '127.0.0.1', port }, 500), false);
    assert.ok(Date.now() - started < 1500);
  });

  it('gives up after the timeout on an address that never answers', async () => {
    // TEST-NET-1 (RFC 5737): packets go nowhere.
    const started = Date.now();
    assert.equal(await probeTcp({ host: '192.0.2.1', port: 3306 }, 300), false);
    assert.ok(Date.now() - started < 2000);
  });
});

describe('db routes: parsing and describing', () => {
  it('parses what a user types for a local port', () => {
    assert.deepEqual(parseHostPort('3307'), { host: '127.0.0.1', port: 3307 });
    assert.deepEqual(parseHostPort(' localhost:13306 '), { host: 'localhost', port: 13306 });
    assert.deepEqual(parseHostPort('[::1]:3306'), { host: '::1', port: 3306 });
    assert.deepEqual(parseHostPort('db.internal:3306'), { host: 'db.internal', port: 3306 });
    for (const bad of ['', 'abc', '0', '70000', 'host:', ':', 'a b:1', 'host:12x']) assert.equal(parseHostPort(bad), undefined, bad);
  });

  it('describes each route in one line without secrets', () => {
    const r = tunnel(chooseRoute(ctx({ sshHostOverride: { host: '127.0.0.1', port: 2222, privateKey: 'SECRET-KEY' } }), false));
    const line = describeRoute(r);
    assert.match(line, /web/);
    assert.match(line, /ec2-user@127\.0\.0\.1:2222/);
    assert.doesNotMatch(line, /SECRET/);
    assert.match(describeRoute({ kind: 'localPort', host: '127.0.0.1', port: 1, tls: { mode: 'off' } }), /local port 127\.0\.0\.1:1/);
  });
});

describe('db routes: the way to the instance (public IP, EC2 Instance Connect Endpoint, or the three options)', () => {
  const eice: InstanceConnectEndpoint = { id: 'eice-0abc', dnsName: 'eice-0abc.x.ec2-instance-connect-endpoint.eu-west-1.amazonaws.com', vpcId: 'vpc-1', subnetId: 'subnet-1', securityGroupIds: ['sg-eice'], state: 'create-complete' };
  const privateOnly = instance({ id: 'i-priv', name: 'priv', publicIp: undefined, vpcId: 'vpc-1', subnetId: 'subnet-1' });
  const asked: EndpointPlacement[] = [];
  const finder =
    (endpoint?: InstanceConnectEndpoint) =>
    async (p: EndpointPlacement): Promise<EndpointChoice | undefined> => {
      asked.push(p);
      return endpoint && p.vpcId === endpoint.vpcId ? { endpoint, match: 'subnet' } : undefined;
    };
  const endpoints = new Map([['i-priv', eice]]);
  beforeEach(() => (asked.length = 0));

  const table: Array<{ name: string; over: Partial<RouteContext>; expect: { host?: string; eice?: string; via?: RegExp; ask?: RegExp } }> = [
    { name: 'a public IP wins, even with an endpoint in the VPC', over: { linkedInstances: [instance({ id: 'i-pub', vpcId: 'vpc-1' })], instanceConnectEndpoints: new Map([['i-pub', eice]]) }, expect: { host: '3.3.3.3', via: /its public IP 3\.3\.3\.3/ } },
    { name: 'no public IP, an endpoint: EICE to the private IP on port 22', over: { linkedInstances: [privateOnly], instanceConnectEndpoints: endpoints, sshPort: 2222 }, expect: { host: '10.0.1.5', eice: 'eice-0abc', via: /through EC2 Instance Connect Endpoint eice-0abc to its private IP 10\.0\.1\.5/ } },
    { name: 'an instance with a public IP is taken before one behind an endpoint', over: { linkedInstances: [privateOnly, instance({ id: 'i-z', name: 'zzz' })], instanceConnectEndpoints: endpoints }, expect: { host: '3.3.3.3' } },
    { name: 'no public IP, no endpoint: the three options', over: { linkedInstances: [privateOnly] }, expect: { ask: /no EC2 Instance Connect Endpoint.*create an EC2 Instance Connect Endpoint.*make the instance reachable.*local port forwarded to the database some other way/s } },
    { name: 'the host override beats the endpoint', over: { linkedInstances: [privateOnly], instanceConnectEndpoints: endpoints, sshHostOverride: { host: '127.0.0.1', port: 2222 } }, expect: { host: '127.0.0.1', via: /SSH host override 127\.0\.0\.1:2222/ } },
    { name: 'inside the VPC: its private IP, no endpoint', over: { linkedInstances: [privateOnly], instanceConnectEndpoints: endpoints, insideVpc: true }, expect: { host: '10.0.1.5', via: /its private IP 10\.0\.1\.5/ } },
    { name: 'an endpoint but no private IP: the three options', over: { linkedInstances: [instance({ id: 'i-priv', publicIp: undefined, privateIp: undefined })], instanceConnectEndpoints: endpoints }, expect: { ask: /Three ways on/ } },
  ];
  for (const row of table) {
    it(row.name, () => {
      const d = chooseRoute(ctx(row.over), false);
      if (row.expect.ask) {
        assert.equal(d.kind, 'askLocalPort');
        assert.match(d.message, row.expect.ask);
        return;
      }
      const r = tunnel(d);
      assert.equal(r.ssh.host, row.expect.host);
      assert.equal(r.eice?.endpoint.id, row.expect.eice);
      if (row.expect.eice) {
        assert.equal(r.ssh.port, 22);
        assert.equal(r.eice?.privateIpAddress, row.expect.host);
        assert.equal(r.key.kind, 'instanceConnect');
        assert.equal(r.viaHostOverride, undefined);
        assert.match(describeRoute(r), /^through EC2 Instance Connect Endpoint eice-0abc, SSH to priv/);
      }
      if (row.expect.via) assert.match(d.kind === 'route' ? d.message : '', row.expect.via);
    });
  }

  it('the per-instance override picks the instance behind the endpoint over one with a public IP', () => {
    const r = tunnel(chooseRoute(ctx({ linkedInstances: [instance({ id: 'i-a', name: 'a' }), privateOnly], instanceConnectEndpoints: endpoints, preference: { kind: 'sshTunnel', instanceId: 'i-priv' } }), true));
    assert.equal(r.eice?.endpoint.id, 'eice-0abc');
  });

  it('decideRoute looks the endpoint up only for running instances without a public IP, once per VPC and subnet', async () => {
    const twin = instance({ id: 'i-twin', name: 'twin', publicIp: undefined, vpcId: 'vpc-1', subnetId: 'subnet-1' });
    const d = await decideRoute(ctx({ linkedInstances: [instance({ id: 'i-pub', vpcId: 'vpc-1' }), privateOnly, twin, instance({ id: 'i-off', publicIp: undefined, vpcId: 'vpc-2', state: 'stopped' })], preference: { kind: 'sshTunnel', instanceId: 'i-priv' }, findInstanceConnectEndpoint: finder(eice) }));
    assert.equal(tunnel(d).eice?.endpoint.id, 'eice-0abc');
    assert.deepEqual(asked, [{ vpcId: 'vpc-1', subnetId: 'subnet-1' }]);
    assert.match(d.kind === 'route' ? d.message : '', /EC2 Instance Connect Endpoint eice-0abc/);
  });

  it('decideRoute: a public IP whose port 22 does not answer gives way to its VPC\'s endpoint; with none, the public IP stays', async () => {
    const pub = instance({ id: 'i-pub', name: 'pub', vpcId: 'vpc-1', subnetId: 'subnet-1', privateIp: '10.0.1.7' });
    const probed: string[] = [];
    const silent = async (t: { host: string; port: number }) => (probed.push(`${t.host}:${t.port}`), false);
    const viaEndpoint = tunnel(await decideRoute(ctx({ linkedInstances: [pub], findInstanceConnectEndpoint: finder(eice), probeSsh: silent }), async () => false));
    assert.deepEqual([viaEndpoint.eice?.endpoint.id, viaEndpoint.ssh.host, viaEndpoint.eice?.privateIpAddress], ['eice-0abc', '10.0.1.7', '10.0.1.7']);
    assert.deepEqual(probed, [`${pub.publicIp}:22`]);
    const noEndpoint = tunnel(await decideRoute(ctx({ linkedInstances: [pub], findInstanceConnectEndpoint: finder(undefined), probeSsh: silent }), async () => false));
    assert.deepEqual([noEndpoint.ssh.host, noEndpoint.eice], [pub.publicIp, undefined], 'nothing better: the public IP, and SSH says what fails');
    probed.length = 0;
    const answering = tunnel(await decideRoute(ctx({ linkedInstances: [pub], findInstanceConnectEndpoint: finder(eice) }), async () => false));
    assert.equal(answering.ssh.host, pub.publicIp);
    const noFinder = tunnel(await decideRoute(ctx({ linkedInstances: [pub], probeSsh: silent }), async () => false));
    assert.equal(noFinder.ssh.host, pub.publicIp);
    assert.deepEqual(probed, [], 'no probe where no endpoint could stand in');
  });

  it('per-instance host overrides (rdsLink.ssh.hostOverrides) win over the one for all; an instance without one goes through the endpoint', async () => {
    const web = instance({ id: 'i-web', name: 'web' });
    const overrides = new Map([['i-web', { host: '127.0.0.1', port: 2201 }]]);
    const viaOwn = tunnel(chooseRoute(ctx({ linkedInstances: [web], sshHostOverride: { host: '127.0.0.1', port: 2222 }, sshHostOverrides: overrides }), false));
    assert.deepEqual([viaOwn.ssh.host, viaOwn.ssh.port, viaOwn.viaHostOverride], ['127.0.0.1', 2201, true]);
    // Only the overridden instance is overridden: the private one is looked up behind its endpoint.
    const d = await decideRoute(ctx({ linkedInstances: [web, privateOnly], sshHostOverrides: overrides, preference: { kind: 'sshTunnel', instanceId: 'i-priv' }, findInstanceConnectEndpoint: finder(eice) }), async () => false);
    assert.equal(tunnel(d).eice?.endpoint.id, 'eice-0abc');
    assert.deepEqual(asked, [{ vpcId: 'vpc-1', subnetId: 'subnet-1' }]);
    // null for an instance: reached itself, even with an override for all (the sandbox's private instance).
    const itself = await decideRoute(ctx({ linkedInstances: [privateOnly], sshHostOverride: { host: '127.0.0.1', port: 2222 }, sshHostOverrides: new Map([['i-priv', null]]), findInstanceConnectEndpoint: finder(eice) }), async () => false);
    assert.equal(tunnel(itself).eice?.endpoint.id, 'eice-0abc');
  });

  it('decideRoute without an endpoint in the VPC names the three options; with a host override or a direct answer it asks nothing', async () => {
    const none = await decideRoute(ctx({ linkedInstances: [privateOnly], findInstanceConnectEndpoint: finder(undefined) }), async () => false);
    assert.equal(none.kind, 'askLocalPort');
    assert.match(none.message, /Three ways on/);
    assert.equal(asked.length, 1);
    asked.length = 0;
    await decideRoute(ctx({ linkedInstances: [privateOnly], findInstanceConnectEndpoint: finder(eice), sshHostOverride: { host: '127.0.0.1' } }), async () => false);
    const direct = await decideRoute(ctx({ linkedInstances: [privateOnly], findInstanceConnectEndpoint: finder(eice) }), async () => true);
    assert.equal(direct.kind === 'route' && direct.route.kind, 'direct');
    assert.deepEqual(asked, []);
  });
});
