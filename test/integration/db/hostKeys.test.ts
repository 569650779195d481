/**
 * SSH host keys against the real OpenSSH server: trusted on first use when the console has no
 * fingerprints (moto's console, too), remembered, a regenerated key refused; checked against a
 * console block that ssh-keygen printed; and forwardOut bounded when the instance cannot reach
 * the database.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { readConsoleOutput } from '../../../src/core/aws/ec2';
import { AwsSession } from '../../../src/core/aws/session';
import { openConnection } from '../../../src/core/db/connection';
import { DbCredentials } from '../../../src/core/db/credentials';
import { HostKeyError, type HostKeyDecision, type HostKeyPolicy, type HostKeyStore, type RememberedHostKey } from '../../../src/core/instance/hostKeys';
import { chooseRoute, type RouteContext, type SshTunnelRoute } from '../../../src/core/db/routes';
import { fingerprintSha256 } from '../../../src/core/instance/sshSession';
import { getFreePort, startMoto, startSshd, type MotoServer, type SshServer } from '../support';
import { ManagedProcess } from '../support/processes';
import { leftovers, ourListeningPorts, testRouteContext } from './helpers';
import { startTlsMariaDb, type TlsMariaDb } from './tlsMariaDb';

const REGION = 'eu-west-1';
const credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
const fixtures = path.resolve(__dirname, '../../../../test/fixtures/hostKeys');

function tunnelRoute(ctx: RouteContext): SshTunnelRoute {
  const d = chooseRoute(ctx, false);
  if (d.kind !== 'route' || d.route.kind !== 'sshTunnel') throw new Error(d.kind === 'route' ? d.route.kind : d.message);
  return d.route;
}

class MemoryStore implements HostKeyStore {
  readonly keys = new Map<string, RememberedHostKey>();
  get(id: string): RememberedHostKey | undefined {
    return this.keys.get(id);
  }
  remember(id: string, key: RememberedHostKey): void {
    this.keys.set(id, key);
  }
}

/** A cloud-init style console whose fingerprint block is `lines` (ssh-keygen -l output). */
const consoleWith = (lines: string[]): string =>
  ['[    4.81] cloud-init[1502]: Cloud-init v. 22.2.2 running', '#############################################################', '-----BEGIN SSH HOST KEY FINGERPRINTS-----', ...lines, '-----END SSH HOST KEY FINGERPRINTS-----', ''].join('\n');

/**
 * A port that drops connection attempts, as a DB behind a security group without the rule does:
 * a listener that never accepts, with its one-place accept queue filled (Linux then drops SYNs).
 */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const py = new ManagedProcess('black hole', process.env.RDS_LINK_PYTHON || 'python3', [
    '-c',
    'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(3600)',
  ]);
  const port = await new Promise<number>((resolve, reject) => {
    py.child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    py.child.once('exit', () => reject(new Error(`black hole exited: ${py.outputTail()}`)));
  });
  const filler = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => filler.once('connect', resolve).once('error', reject));
  return {
    port,
    async close() {
      filler.destroy();
      await py.stop(1000);
    },
  };
}

describe('db SSH host keys against OpenSSH', () => {
  let db: TlsMariaDb;
  let ssh: SshServer;
  let moto: MotoServer;
  let session: AwsSession;
  let root: DbCredentials;
  let listeningBefore: number[];

  before(async () => {
    const [d, s, m] = await Promise.allSettled([startTlsMariaDb(), startSshd(), startMoto()]);
    if (d.status === 'fulfilled') db = d.value;
    if (s.status === 'fulfilled') ssh = s.value;
    if (m.status === 'fulfilled') moto = m.value;
    for (const r of [d, s, m]) if (r.status === 'rejected') throw r.reason;
    session = new AwsSession({ endpointUrl: moto.endpoint, credentials });
    root = new DbCredentials('root', db.password, 'given');
    listeningBefore = await ourListeningPorts();
  });

  after(async () => {
    session?.dispose();
    await Promise.all([db?.stop(), ssh?.stop(), moto?.stop()]);
  });

  const hostKeyOf = (s: SshServer): string => fingerprintSha256(Buffer.from(s.hostPublicKey.split(' ')[1], 'base64'));

  /** The tunnel to the test sshd as if it were the instance's own address (no host override). */
  function instanceRoute(instanceId: string): SshTunnelRoute {
    const r = tunnelRoute(testRouteContext(db, ssh));
    return { ...r, instance: { ...r.instance, id: instanceId }, viaHostOverride: false };
  }

  async function connectOnce(route: SshTunnelRoute, hostKeys: HostKeyPolicy, progress: string[] = []): Promise<string> {
    const s = await openConnection(route, root, { hostKeys, onProgress: (m) => progress.push(m) });
    try {
      assert.equal(s.hostKeySha256, hostKeyOf(ssh));
      return s.hostKeyCheck?.basis ?? 'none';
    } finally {
      await s.close();
    }
  }

  it('trusts the first key on first use when moto’s console has no fingerprints, says so, then refuses a regenerated key', async () => {
    const run = await session.ec2(REGION).send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    assert.match(instanceId, /^i-/);
    const store = new MemoryStore();
    const decisions: HostKeyDecision[] = [];
    const consoleCalls: string[] = [];
    const policy: HostKeyPolicy = {
      store,
      consoleOutput: (id) => (consoleCalls.push(id), readConsoleOutput(session.ec2(REGION), id)),
      onDecision: (d) => decisions.push(d),
    };
    const route = instanceRoute(instanceId);
    const progress: string[] = [];

    assert.equal(await connectOnce(route, policy, progress), 'firstUse');
    assert.deepEqual(consoleCalls, [instanceId]);
    const tofu = progress.find((m) => /on first use/.test(m));
    assert.ok(tofu, `a progress line says the key was trusted on first use: ${progress.join(' | ')}`);
    assert.match(tofu, /no SSH HOST KEY FINGERPRINTS block/);
    assert.ok(tofu.includes(hostKeyOf(ssh)) && tofu.includes(instanceId));
    assert.deepEqual({ ...store.get(instanceId), since: '' }, { sha256: hostKeyOf(ssh), keyType: 'ED25519', basis: 'firstUse', since: '', seenAt: `${ssh.host}:${ssh.port}` });

    // Remembered: the console is not read again.
    assert.equal(await connectOnce(route, policy), 'remembered');
    assert.deepEqual(consoleCalls, [instanceId]);

    const oldKey = hostKeyOf(ssh);
    await ssh.replaceHostKey();
    const newKey = hostKeyOf(ssh);
    assert.notEqual(newKey, oldKey);
    const refused = await openConnection(route, root, { hostKeys: policy }).then(
      async (s) => (await s.close(), undefined),
      (err: unknown) => err,
    );
    assert.ok(refused instanceof HostKeyError, `refused with a HostKeyError: ${String(refused)}`);
    assert.equal(refused.reason, 'changed');
    for (const part of [instanceId, oldKey, newKey, 'Forget SSH Host Key']) assert.ok(refused.message.includes(part), `${part} in: ${refused.message}`);
    assert.equal(store.get(instanceId)?.sha256, oldKey, 'the remembered key stays until the user forgets it');
    assert.equal(decisions.at(-1)?.accept, false);
    assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);

    // Forgotten (what rdsLink.forgetHostKey does): the new key is a first use again.
    store.keys.delete(instanceId);
    assert.equal(await connectOnce(route, policy), 'firstUse');
    assert.equal(store.get(instanceId)?.sha256, newKey);
  });

  it('accepts the key that the console lists, as ssh-keygen printed it, and remembers it as checked', async () => {
    const store = new MemoryStore();
    const line = await ssh.hostKeyFingerprintLine();
    const policy: HostKeyPolicy = { store, consoleOutput: () => Promise.resolve(consoleWith([`ec2: ${line.replace(/ \(/, ' root@ip-10-0-1-23 (')}`])) };
    assert.equal(await connectOnce(instanceRoute('i-0console0000000001'), policy), 'console');
    assert.equal(store.get('i-0console0000000001')?.basis, 'console');
  });

  it('refuses a key that the console does not list, and leaves nothing open', async () => {
    const store = new MemoryStore();
    // Fingerprints of other keys, in the Amazon Linux layout.
    const other = fs.readFileSync(path.join(fixtures, 'console-amazon-linux.txt'), 'utf8');
    const policy: HostKeyPolicy = { store, consoleOutput: () => Promise.resolve(other) };
    await assert.rejects(
      openConnection(instanceRoute('i-0console0000000002'), root, { hostKeys: policy }),
      (err: Error) => err instanceof HostKeyError && err.reason === 'consoleMismatch' && /is not one of the host keys EC2 printed in the console output of i-0console0000000002/.test(err.message) && err.message.includes(hostKeyOf(ssh)),
    );
    assert.equal(store.get('i-0console0000000002'), undefined);
    assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
  });

  it('does not ask the console about a host override: trusts it on first use, keyed by instance id', async () => {
    const store = new MemoryStore();
    let asked = 0;
    const route = tunnelRoute(testRouteContext(db, ssh));
    assert.equal(route.viaHostOverride, true);
    const progress: string[] = [];
    const policy: HostKeyPolicy = { store, consoleOutput: () => (asked++, Promise.resolve(consoleWith(['256 SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA x (ED25519)']))) };
    assert.equal(await connectOnce(route, policy, progress), 'firstUse');
    assert.equal(asked, 0);
    assert.ok(progress.some((m) => m.includes('host override') && /on first use/.test(m)), progress.join(' | '));
    assert.equal(store.get(route.instance.id)?.sha256, hostKeyOf(ssh));
  });

  describe('forwardOut', () => {
    const unreachable = (port: number) => new RegExp(`could not reach the database at 127\\.0\\.0\\.1:${port} .*not linked to the database, or the DB's security group does not allow port ${port}`);

    it('gives up on a destination that drops packets after its timeout, naming the link and the security group', async () => {
      const hole = await blackHole();
      try {
        const r = tunnelRoute(testRouteContext(db, ssh));
        const route: SshTunnelRoute = { ...r, target: { host: '127.0.0.1', port: hole.port } };
        const started = Date.now();
        await assert.rejects(openConnection(route, root, { forwardTimeoutMs: 2000 }), (err: Error) => unreachable(hole.port).test(err.message) && /no answer within 2 s/.test(err.message));
        const ms = Date.now() - started;
        assert.ok(ms >= 1900 && ms < 7000, `gave up after ${ms} ms`);
        assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
      } finally {
        await hole.close();
      }
    });

    it('says the same, at once, when the destination refuses', async () => {
      const closed = await getFreePort();
      const r = tunnelRoute(testRouteContext(db, ssh));
      const started = Date.now();
      await assert.rejects(openConnection({ ...r, target: { host: '127.0.0.1', port: closed } }, root, { forwardTimeoutMs: 5000 }), (err: Error) => unreachable(closed).test(err.message));
      assert.ok(Date.now() - started < 4000);
      assert.deepEqual(await leftovers({ ssh: ssh.port }, listeningBefore), []);
    });
  });
});
