// The SSM deploy script run by a real sh, in a temp folder that stands for the instance's /:
// objects fetched over HTTP from a loopback server (as from a presigned URL), checked, installed,
// the env file written from a "secret" command, the health gate against a loopback app that
// answers 200 unless `current` points at a release named bad, and the rollback.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ReleaseLayout } from '../../../src/core/deploy/releases';
import { parseScriptResult, ssmDeployScript, ssmRollbackScript, type ShippedObject } from '../../../src/core/deploy/ssmScript';

const HEALTH = { path: '/healthz', timeoutSeconds: 2, retries: 3, intervalSeconds: 0 };

/** sh without blocking the event loop: the loopback server in this process answers the script. */
function sh(script: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

describe('the SSM deploy script (run by sh)', () => {
  let root: string;
  let layout: ReleaseLayout;
  let server: http.Server;
  let port: number;
  const served = new Map<string, Buffer>();

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/healthz') {
        const target = (() => {
          try {
            return fs.readlinkSync(layout.current);
          } catch {
            return '';
          }
        })();
        res.writeHead(target.includes('bad') ? 503 : 200).end();
        return;
      }
      const body = served.get((req.url ?? '').split('?')[0] ?? '');
      if (!body) res.writeHead(404).end();
      else res.writeHead(200).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-ssmscript-'));
    layout = new ReleaseLayout({ service: 'goapp', root, sudo: '' });
    fs.mkdirSync(path.join(root, 'bin'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function objects(release: string, tamper = false): ShippedObject[] {
    const binary = zlib.gzipSync(Buffer.from(`#!/bin/sh\necho ${release}\n`));
    const config = Buffer.from('server: {}\n');
    served.set(`/${release}/goapp.gz`, tamper ? Buffer.concat([binary, Buffer.from('x')]) : binary);
    served.set(`/${release}/config.yaml`, config);
    // A shipped folder's file: its folders are made on the instance first.
    const nav = Buffer.from('<nav/>\n');
    served.set(`/${release}/nav.html`, nav);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    return [
      { name: 'goapp.gz', url: `http://127.0.0.1:${port}/${release}/goapp.gz?X-Amz-Signature=abc&x=1`, sha256: sha(binary) },
      { name: 'config.yaml', url: `http://127.0.0.1:${port}/${release}/config.yaml`, sha256: sha(config) },
      { name: 'templates/partials/nav.html', url: `http://127.0.0.1:${port}/${release}/nav.html`, sha256: sha(nav) },
    ];
  }

  async function run(release: string, options: { tamper?: boolean; secret?: string; status?: string; path?: string } = {}) {
    const script = ssmDeployScript({
      layout,
      release,
      objects: objects(release, options.tamper),
      gzipped: ['goapp'],
      ...(options.secret !== undefined ? { readSecretCommand: options.secret } : {}),
      restartCommand: `echo restart >> ${root}/restarts`,
      statusCommand: options.status ?? 'true',
      port,
      health: HEALTH,
      keepReleases: 2,
    });
    const r = await sh(script, { PATH: options.path ?? process.env.PATH });
    return { ...r, script, result: parseScriptResult(r.stdout) };
  }

  const current = () => path.basename(fs.readlinkSync(layout.current));

  it('fetches, verifies, installs, writes the env file 0600, switches and passes the gate', async () => {
    const r = await run('20261202T000001Z-v1', { secret: `printf 'DB_PASSWORD="s3cret"\\n'` });
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(r.result, { status: 'deployed', step: 'done', release: '20261202T000001Z-v1', detail: 'GET /healthz 2xx' });
    assert.equal(current(), '20261202T000001Z-v1');
    assert.equal(fs.readFileSync(path.join(layout.releaseDir('20261202T000001Z-v1'), 'goapp'), 'utf8'), '#!/bin/sh\necho 20261202T000001Z-v1\n');
    assert.equal(fs.readFileSync(layout.envFile, 'utf8'), 'DB_PASSWORD="s3cret"\n');
    assert.equal(fs.statSync(layout.envFile).mode & 0o777, 0o600);
    assert.ok(!r.stdout.includes('s3cret'));
    assert.equal(fs.readFileSync(path.join(layout.releaseDir('20261202T000001Z-v1'), 'templates', 'partials', 'nav.html'), 'utf8'), '<nav/>\n', 'a file of a shipped folder lands in its folder');
  });

  it('a release that fails its gate puts current back on the previous one, restarts, and says rolledBack', async () => {
    assert.equal((await run('20261202T000001Z-v1')).code, 0);
    const r = await run('20261202T000002Z-bad');
    assert.equal(r.code, 1);
    assert.equal(r.result?.status, 'rolledBack');
    assert.equal(r.result?.previous, '20261202T000001Z-v1');
    assert.match(r.result?.detail ?? '', /GET \/healthz: HTTP 503/);
    assert.equal(current(), '20261202T000001Z-v1');
    assert.equal(fs.readFileSync(path.join(root, 'restarts'), 'utf8'), 'restart\nrestart\nrestart\n');
    assert.equal((r.stdout.match(/health \d\/3/g) ?? []).length, 3);
  });

  it('a service that is not active fails the gate; on a first deploy there is nothing to go back to', async () => {
    const r = await run('20261202T000001Z-v1', { status: 'false' });
    assert.equal(r.result?.status, 'failed');
    assert.equal(r.result?.step, 'health');
    assert.match(r.result?.detail ?? '', /not active/);
  });

  it('a wrong checksum stops before anything moves', async () => {
    assert.equal((await run('20261202T000001Z-v1')).code, 0);
    const r = await run('20261202T000002Z-v2', { tamper: true });
    assert.deepEqual([r.result?.status, r.result?.step], ['failed', 'verify']);
    assert.equal(current(), '20261202T000001Z-v1');
    assert.ok(!fs.existsSync(layout.releaseDir('20261202T000002Z-v2')));
  });

  it('says so when the host has neither curl nor wget', async () => {
    // A PATH with only the tools the script needs besides them.
    for (const tool of ['sh', 'mktemp', 'tr', 'cut', 'tail', 'readlink', 'basename', 'rm', 'mkdir', 'dirname']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found) fs.symlinkSync(found, path.join(root, 'bin', tool));
    }
    const r = await run('20261202T000001Z-v1', { path: path.join(root, 'bin') });
    assert.deepEqual([r.result?.status, r.result?.step], ['failed', 'fetch']);
    assert.match(r.result?.detail ?? '', /neither curl nor wget/);
  });

  it('keeps the newest releases, the previous one among them', async () => {
    for (const v of ['20261202T000001Z-v1', '20261202T000002Z-v2', '20261202T000003Z-v3']) assert.equal((await run(v)).code, 0);
    assert.deepEqual(fs.readdirSync(layout.releasesDir).sort(), ['20261202T000002Z-v2', '20261202T000003Z-v3']);
  });

  it('the rollback script moves current to a kept release and restarts', async () => {
    for (const v of ['20261202T000001Z-v1', '20261202T000002Z-v2']) assert.equal((await run(v)).code, 0);
    const r = await sh(ssmRollbackScript({ layout, release: '20261202T000001Z-v1', restartCommand: `echo restart >> ${root}/restarts` }));
    assert.equal(r.code, 0);
    assert.deepEqual(parseScriptResult(r.stdout), { status: 'rolledBack', step: 'rollback', release: '20261202T000001Z-v1', previous: '20261202T000002Z-v2', detail: '' });
    assert.equal(current(), '20261202T000001Z-v1');
  });
});

describe('parseScriptResult', () => {
  it('takes the last result line and ignores the rest', () => {
    const out = 'RDS-LINK-RESULT {"status":"failed","step":"x","release":"a","previous":"","detail":""}\nnoise\nRDS-LINK-RESULT {"status":"deployed","step":"done","release":"r2","previous":"r1","detail":"ok"}\n';
    assert.deepEqual(parseScriptResult(out), { status: 'deployed', step: 'done', release: 'r2', previous: 'r1', detail: 'ok' });
  });
  it('is undefined without a result line, with a broken one, or an unknown status', () => {
    assert.equal(parseScriptResult('rds-link: fetching\n'), undefined);
    assert.equal(parseScriptResult('RDS-LINK-RESULT {"status":"deployed",'), undefined);
    assert.equal(parseScriptResult('RDS-LINK-RESULT {"status":"maybe"}'), undefined);
  });
});
