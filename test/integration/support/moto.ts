// A moto server (fake AWS) on a loopback port. Point the SDK at `endpoint` via AWS_ENDPOINT_URL.
import { ensureCommand, installDebianPackage } from './debian';
import { getFreePort } from './ports';
import { isPortInUse, ManagedProcess, runCommand } from './processes';

export interface MotoServer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Fixed port; default: a free one. */
  port?: number;
  /** Python interpreter; default: $RDS_LINK_PYTHON or python3. */
  python?: string;
  /** How long to wait for the server to answer; default 30 s. */
  timeoutMs?: number;
}

let motoReady: Promise<void> | undefined;

/** Makes sure `python -m moto.server` can run: pip-installs moto[server] when moto is missing. */
export function ensureMoto(python = defaultPython()): Promise<void> {
  motoReady ??= installMoto(python).catch((err) => {
    motoReady = undefined;
    throw err;
  });
  return motoReady;
}

function defaultPython(): string {
  return process.env.RDS_LINK_PYTHON || 'python3';
}

async function installMoto(python: string): Promise<void> {
  if (python === 'python3') await ensureCommand('python3', 'python3');
  const importable = () =>
    runCommand(python, ['-c', 'import moto, moto.server'], { timeoutMs: 60_000 }).then(
      () => true,
      () => false,
    );
  if (await importable()) return;
  const pipWorks = await runCommand(python, ['-m', 'pip', '--version']).then(
    () => true,
    () => false,
  );
  if (!pipWorks) await installDebianPackage('python3-pip');
  const pip = (extra: string[]) => runCommand(python, ['-m', 'pip', 'install', ...extra, 'moto[server]'], { timeoutMs: 600_000 });
  try {
    await pip([]);
  } catch (err) {
    // Debian's own Python refuses pip installs (PEP 668) unless told otherwise.
    const output = (err as { output?: string }).output ?? '';
    if (!/externally-managed-environment/.test(output)) throw new Error(`pip install 'moto[server]' failed.\n${(err as Error).message}`);
    await pip(['--break-system-packages']);
  }
  if (!(await importable())) throw new Error(`moto was installed with pip but "${python} -c 'import moto.server'" still fails.`);
}

export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const python = options.python ?? defaultPython();
  await ensureMoto(python);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(python, options.port ?? (await getFreePort()), options.timeoutMs ?? 30_000);
    } catch (err) {
      if (options.port !== undefined || attempt >= 3 || !isPortInUse(err)) throw err;
    }
  }
}

async function startOnce(python: string, port: number, timeoutMs: number): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = new ManagedProcess(`moto server (port ${port})`, python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    ...process.env,
    PYTHONUNBUFFERED: '1',
  });
  try {
    await proc.waitUntilReady(async () => {
      // Any HTTP answer means the server is up.
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return true;
    }, timeoutMs);
  } catch (err) {
    await proc.stop(1000);
    throw err;
  }
  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body.slice(0, 500)}`);
    },
    stop: () => proc.stop(3000),
  };
}
