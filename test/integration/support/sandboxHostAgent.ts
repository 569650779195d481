// Runs INSIDE a sandbox host's namespaces (sandboxHosts.ts starts it; plain Node, no other
// imports): starts the host's OpenSSH sshd and relays between the host's own loopback and
// filesystem unix sockets, which cross network namespaces:
//   - `in`:  a unix socket outside connections arrive on → 127.0.0.1:<port> here (sshd's 22);
//   - `out`: 127.0.0.1:<port> here (an RDS endpoint's port) → a unix socket whose far end is the
//            sandbox's MariaDB.
// Socket paths are relative to the working directory: the host's folder, which this host's own
// /tmp may hide by path (the cwd still reaches it). Prints "ready" once sshd answers; exits, and
// takes sshd with it, when its stdin closes (the sandbox stopped or died).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

interface AgentConfig {
  readonly sshd: readonly string[];
  readonly sshdLog: string;
  /** `wait: false`: not waited for before "ready" (the app's port, up only after a deploy). */
  readonly in: ReadonlyArray<{ readonly socket: string; readonly port: number; readonly wait?: boolean }>;
  readonly out: ReadonlyArray<{ readonly port: number; readonly socket: string }>;
}

function pipeTo(inbound: net.Socket, connect: () => net.Socket): void {
  const outbound = connect();
  inbound.on('error', () => outbound.destroy());
  outbound.on('error', () => inbound.destroy());
  inbound.pipe(outbound).pipe(inbound);
}

function listen(server: net.Server, where: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof where === 'string') server.listen(where, resolve);
    else server.listen(where, '127.0.0.1', resolve);
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function main(config: AgentConfig): Promise<void> {
  const log = fs.openSync(config.sshdLog, 'a');
  const [file, ...args] = config.sshd;
  const sshd = spawn(file, args, { stdio: ['ignore', log, log] });
  const quit = (code: number) => {
    sshd.kill('SIGTERM');
    process.exit(code);
  };
  sshd.once('exit', (code, signal) => {
    process.stderr.write(`sshd exited (${signal ?? code})\n`);
    quit(1);
  });
  process.stdin.on('end', () => quit(0));
  process.stdin.on('error', () => quit(0));
  process.stdin.resume();
  for (const f of config.in) {
    fs.rmSync(f.socket, { force: true });
    await listen(net.createServer((c) => pipeTo(c, () => net.connect({ host: '127.0.0.1', port: f.port }))), f.socket);
  }
  for (const f of config.out) await listen(net.createServer((c) => pipeTo(c, () => net.connect(f.socket))), f.port);
  for (const port of config.in.filter((f) => f.wait !== false).map((f) => f.port)) {
    for (let i = 0; !(await answers(port)); i++) {
      if (i > 200) throw new Error(`sshd does not answer on 127.0.0.1:${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  process.stdout.write('ready\n');
}

// Its config is the last argument (run as `node -e CODE CONFIG` or `node FILE CONFIG`).
main(JSON.parse(process.argv.at(-1) ?? '{}') as AgentConfig).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
