/**
 * Deploys of the real sandbox app (real Go build, real MariaDB) to real test hosts (network
 * namespaces, each its own sshd; support/deployHosts.ts, whose supervisor stands in for systemd),
 * through the product's runner and SSH executor. Every host sits behind its own relay
 * (tcpDelay.ts): 5 ms each way and 50 Mbit/s, a typical uplink from a laptop to AWS.
 *
 * - deploy_parallel_ratio: a Big Bang to 6 hosts ÷ a deploy to 1 host, same binary. ≤ 1.5.
 * - deploy_vs_scp_ratio: one host, our deploy (read current, upload, install, env file, switch,
 *   restart, prune, health) ÷ OpenSSH's own `scp` of the binary plus one `ssh` that moves it in
 *   place and restarts (the bare minimum, no health check, no rollback). ≤ 1.3.
 * - deploy_bytes_ratio: bytes the client sent over SSH in that one-host deploy ÷ binary size. ≤ 0.6.
 * - rollback_vs_deploy_ratio: a rollback deployment of the 6 hosts ÷ the Big Bang deploy. ≤ 0.3.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { releaseName } from '../../src/core/deploy/build';
import { shellQuote } from '../../src/core/deploy/releases';
import { planDeploy, runDeploy } from '../../src/core/deploy/strategy';
import { openSshSession } from '../../src/core/instance/sshSession';
import { accessTo } from '../integration/support';
import { startDeployHosts } from '../integration/support/deployHosts';
import { buildSandboxApp } from '../integration/support/goapp';
import { benchExecutor } from './deployExecutor';
import { startTcpDelay, type TcpDelay } from './tcpDelay';

const RUNS = 5;
const HOSTS = 6;
const WAN = { oneWayMs: 5, mbitPerSecond: 50 };
const PASSWORD = 'bench-Deploy_pw1';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const exec = promisify(execFile);

export async function run(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const binary = await buildSandboxApp('amd64', 'bench');
  const hosts = await startDeployHosts(HOSTS, PASSWORD);
  const relays = new Map<string, TcpDelay>();
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-bench-key-'));
  try {
    const ids = hosts.network.hosts.map((h) => `i-${h.name}`);
    for (const id of ids) relays.set(id, await startTcpDelay(hosts.hostOf(id).address, 22, WAN.oneWayMs, { mbitPerSecond: WAN.mbitPerSecond }));
    const relayOf = (id: string) => relays.get(id) as TcpDelay;
    const via = (id: string) => {
      const access = accessTo(hosts.hostOf(id));
      return { ...access, ssh: { ...access.ssh, host: relayOf(id).host, port: relayOf(id).port } };
    };
    let n = 0;
    const t0 = Date.now();
    /** A new release name each time, one second apart: names sort in the order they were made. */
    const nextRelease = () => releaseName('bench', new Date(t0 + n++ * 1000));

    const deploy = async (targets: string[], release: string, rollbackTo = false): Promise<number> => {
      const start = performance.now();
      const ex = await benchExecutor({ hosts, binary, password: PASSWORD, release, rollbackTo, openSession: (id) => openSshSession(via(id)) });
      try {
        const outcome = await runDeploy(planDeploy({ kind: 'bigBang', onFailure: 'rollback' }, targets), ex, { release });
        if (outcome.result !== 'succeeded') {
          const logs = outcome.instances.filter((i) => i.error).map((i) => `${i.instanceId} app.log: ${fs.readFileSync(`${hosts.roots.get(i.instanceId)}/app.log`, 'utf8').slice(-500)}`);
          throw new Error(`bench deploy failed: ${JSON.stringify(outcome)}\n${logs.join('\n')}`);
        }
      } finally {
        await ex.close();
      }
      return performance.now() - start;
    };

    // OpenSSH's own client, through the same relay, as someone would do it by hand.
    const key = path.join(keyDir, 'id');
    fs.writeFileSync(key, hosts.hostOf(ids[0]).ssh.privateKey, { mode: 0o600 });
    const sshArgs = ['-F', '/dev/null', '-i', key, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];
    const scpAndRestart = async (id: string): Promise<number> => {
      const relay = relayOf(id);
      const layout = hosts.layoutFor(id);
      const staged = `${hosts.roots.get(id)}/tmp/goapp.scp`;
      const start = performance.now();
      await exec('scp', [...sshArgs, '-q', '-P', String(relay.port), binary, `root@${relay.host}:${staged}`]);
      const restart = `mv -f ${shellQuote(staged)} ${shellQuote(`${layout.current}/goapp`)} && ${hosts.restartCommand(id)}`;
      await exec('ssh', [...sshArgs, '-p', String(relay.port), `root@${relay.host}`, restart]);
      return performance.now() - start;
    };

    // Every host gets a first release (and its service running), so each run below replaces one.
    const first = nextRelease();
    await deploy(ids, first);
    const single: number[] = [];
    const bigBang: number[] = [];
    const rollback: number[] = [];
    const scp: number[] = [];
    const bytes: number[] = [];
    // Each rollback goes back to the Big Bang before: among the newest releases on every host, so never pruned.
    let lastBigBang = first;
    for (let i = 0; i < RUNS; i++) {
      const release = nextRelease();
      bigBang.push(await deploy(ids, release));
      rollback.push(await deploy(ids, lastBigBang, true));
      lastBigBang = release;
      const before = relayOf(ids[0]).bytesToServer;
      single.push(await deploy([ids[0]], nextRelease()));
      bytes.push(relayOf(ids[0]).bytesToServer - before);
      scp.push(await scpAndRestart(ids[0]));
    }
    const size = fs.statSync(binary).size;
    return [
      { name: 'deploy_parallel_ratio', value: median(bigBang) / median(single), unit: 'ratio' },
      { name: 'deploy_vs_scp_ratio', value: median(single) / median(scp), unit: 'ratio' },
      { name: 'deploy_bytes_ratio', value: median(bytes) / size, unit: 'ratio' },
      { name: 'rollback_vs_deploy_ratio', value: median(rollback) / median(bigBang), unit: 'ratio' },
      { name: 'deploy_one_host_ms', value: Math.round(median(single)), unit: 'ms' },
      { name: 'deploy_scp_ms', value: Math.round(median(scp)), unit: 'ms' },
    ];
  } finally {
    for (const r of relays.values()) await r.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
    await hosts.stop();
  }
}
