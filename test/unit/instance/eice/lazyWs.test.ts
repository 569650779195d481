// ws must load on the first tunnel, not with the bundle that carries the EICE code (the lead
// bundles src/core/instance/eice with the instance-access code, which the DB bundle loads often).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../../../..');

describe('the EICE code, bundled', () => {
  let dir: string;
  before(function () {
    this.timeout(60_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-eice-bundle-'));
    esbuild.buildSync({
      entryPoints: { eice: path.join(root, 'src/core/instance/eice/index.ts') },
      bundle: true, platform: 'node', target: 'node20', format: 'cjs', outdir: dir, mainFields: ['module', 'main'], logLevel: 'error', absWorkingDir: root,
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Loads `bundle`, then opens a tunnel to nowhere: how often ws looked for its native helpers, before and after. */
  function wsLoads(bundle: string): { before: number; after: number } {
    // ws's first act on load is to look for its optional native helpers.
    const script = `
      const Module = require('module'); const orig = Module._resolveFilename; const asked = [];
      Module._resolveFilename = function (r, ...a) { asked.push(r); return orig.call(this, r, ...a); };
      const m = require(${JSON.stringify(bundle)});
      const before = asked.filter((r) => /bufferutil|utf-8-validate/.test(r)).length;
      m.openEiceTunnel({ endpoint: { id: 'eice-1', dnsName: 'eice-1.example', securityGroupIds: [] }, privateIpAddress: '10.0.0.1' },
        { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, connectUrl: 'ws://127.0.0.1:9', handshakeTimeoutMs: 500 })
        .catch(() => { console.log(JSON.stringify({ before, after: asked.filter((r) => /bufferutil|utf-8-validate/.test(r)).length })); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { before: number; after: number };
  }

  it('runs ws\'s module code only when a tunnel is opened', function () {
    this.timeout(20_000);
    const { before, after } = wsLoads(path.join(dir, 'eice.js'));
    assert.equal(before, 0, 'ws ran when the bundle loaded');
    assert.ok(after > 0, 'ws never ran: the check itself is broken');
  });

  it('is in dist/db.js (through core/instance), where ws still waits for the first tunnel', function () {
    this.timeout(20_000);
    const { before, after } = wsLoads(path.join(root, 'dist/db.js'));
    assert.equal(before, 0, 'ws ran when dist/db.js loaded');
    assert.ok(after > 0, 'dist/db.js does not carry the EICE tunnel');
  });
});
