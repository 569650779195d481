// The release scripts run by a real sh, in a temp folder that stands for the instance's /.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { envFileText, ReleaseLayout, shellQuote, systemdUnitText } from '../../../src/core/deploy/releases';

const sh = (script: string, input?: string): string => execFileSync('sh', ['-c', script], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });

describe('deploy releases on the instance (scripts run by sh)', () => {
  let root: string;
  let layout: ReleaseLayout;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-releases-'));
    layout = new ReleaseLayout({ service: 'goapp', root, sudo: '' });
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function deploy(release: string, body = release): void {
    sh(layout.prepareStagingCommand(release));
    fs.writeFileSync(path.join(layout.stagingDir(release), 'goapp'), `#!/bin/sh\necho ${body}\n`);
    fs.writeFileSync(path.join(layout.stagingDir(release), 'config.yaml'), 'server: {}\n');
    sh(layout.asRoot(layout.installReleaseScript(release)));
    sh(layout.asRoot(layout.switchScript(release)));
  }
  const current = () => sh(layout.currentReleaseCommand()).trim();
  const kept = () => sh(layout.listReleasesCommand()).trim().split('\n').filter(Boolean);

  it('quotes anything for sh', () => {
    for (const s of ["it's", 'a b', '$(id)', '`x`', '"q"', '', 'ok-1.2']) assert.equal(sh(`printf %s ${shellQuote(s)}`), s);
  });

  it('installs releases/<release> with the binary executable, and points current at it', () => {
    deploy('20261201T000001Z-v1');
    assert.equal(current(), '20261201T000001Z-v1');
    assert.equal(fs.readlinkSync(layout.current), 'releases/20261201T000001Z-v1', 'a relative link');
    assert.equal(sh(`${layout.current}/goapp`).trim(), '20261201T000001Z-v1');
    assert.equal(fs.statSync(path.join(layout.current, 'goapp')).mode & 0o777, 0o755);
    assert.ok(fs.existsSync(path.join(layout.current, 'config.yaml')));
    assert.equal(fs.existsSync(layout.stagingDir('20261201T000001Z-v1')), false, 'the upload folder is gone');
  });

  it('switches current atomically (rename over the old link) and rolls back by re-pointing it', () => {
    deploy('20261201T000001Z-v1');
    const inode = fs.lstatSync(layout.current).ino;
    deploy('20261201T000002Z-v2');
    assert.equal(current(), '20261201T000002Z-v2');
    assert.notEqual(fs.lstatSync(layout.current).ino, inode, 'a new link renamed into place, not the old one edited');
    assert.deepEqual(fs.readdirSync(layout.base).sort(), ['current', 'releases'], 'no temporary link left');
    sh(layout.asRoot(layout.switchScript('20261201T000001Z-v1')));
    assert.equal(sh(`${layout.current}/goapp`).trim(), '20261201T000001Z-v1');
    assert.throws(() => sh(layout.asRoot(layout.switchScript('20261201T000009Z-gone'))), /is not on this instance/);
    assert.equal(current(), '20261201T000001Z-v1', 'a failed switch leaves current alone');
  });

  it('keeps the newest N, and never the current or protected one', () => {
    for (let i = 1; i <= 7; i++) deploy(`20261201T00000${i}Z-v${i}`);
    sh(layout.asRoot(layout.switchScript('20261201T000001Z-v1')));
    sh(layout.asRoot(layout.pruneScript(3, ['20261201T000002Z-v2'])));
    assert.deepEqual(kept(), ['20261201T000001Z-v1', '20261201T000002Z-v2', '20261201T000005Z-v5', '20261201T000006Z-v6', '20261201T000007Z-v7']);
    sh(layout.asRoot(layout.switchScript('20261201T000007Z-v7')));
    sh(layout.asRoot(layout.pruneScript(5)));
    sh(layout.asRoot(layout.pruneScript(3)));
    assert.deepEqual(kept(), ['20261201T000005Z-v5', '20261201T000006Z-v6', '20261201T000007Z-v7']);
  });

  it('writes the env file 0600 from stdin; its value never on the command line, quoted for systemd and sh', () => {
    const password = `p"a$s\`w'o\\rd $(id)`;
    const text = envFileText({ DB_HOST: 'db.example.com', DB_PASSWORD: password });
    const command = layout.writeEnvFileCommand();
    assert.equal(command.includes(password), false);
    assert.equal(command.includes('p"a'), false);
    sh(command, text);
    assert.equal(fs.statSync(layout.envFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(layout.envFile).uid, process.getuid?.());
    assert.equal(sh(`set -a; . ${shellQuote(layout.envFile)}; printf %s "$DB_PASSWORD"`), password);
    assert.throws(() => envFileText({ 'BAD-KEY': 'x' }), /Not an environment variable name/);
    assert.throws(() => envFileText({ K: 'a\nb' }), /line break/);
  });

  it('unpacks a binary uploaded as <name>.gz before installing it', () => {
    const release = '20261201T000009Z-gz';
    sh(layout.prepareStagingCommand(release));
    fs.writeFileSync(path.join(layout.stagingDir(release), 'goapp.gz'), zlib.gzipSync(`#!/bin/sh\necho packed\n`), { mode: 0o644 });
    sh(layout.asRoot(layout.installReleaseScript(release, ['goapp'])));
    sh(layout.asRoot(layout.switchScript(release)));
    assert.equal(sh(`${layout.current}/goapp`).trim(), 'packed');
    assert.equal(fs.statSync(path.join(layout.current, 'goapp')).mode & 0o777, 0o755);
    assert.deepEqual(fs.readdirSync(layout.current), ['goapp'], 'no .gz left in the release');
  });

  it('makes the shipped folders in the staging dir; the release keeps their layout, readable to the service, not writable', () => {
    const release = '20261201T000010Z-dirs';
    sh(layout.prepareStagingCommand(release, ['static', 'templates', 'templates/partials']));
    const staging = layout.stagingDir(release);
    fs.writeFileSync(path.join(staging, 'goapp'), '#!/bin/sh\n');
    fs.writeFileSync(path.join(staging, 'templates', 'partials', 'nav.html'), '<nav/>', { mode: 0o666 });
    sh(layout.asRoot(layout.installReleaseScript(release)));
    sh(layout.asRoot(layout.switchScript(release)));
    assert.equal(fs.readFileSync(path.join(layout.current, 'templates', 'partials', 'nav.html'), 'utf8'), '<nav/>');
    assert.ok(fs.statSync(path.join(layout.current, 'static')).isDirectory(), 'an empty shipped folder is kept');
    assert.equal(fs.statSync(path.join(layout.current, 'templates', 'partials', 'nav.html')).mode & 0o022, 0, 'not writable by group or others');
    assert.throws(() => layout.prepareStagingCommand(release, ['../etc']), /Not a folder inside the release/);
  });

  it('refuses names that would escape the layout', () => {
    assert.throws(() => layout.releaseDir('../x'), /Not a release name/);
    assert.throws(() => layout.switchScript('a b'), /Not a release name/);
    assert.throws(() => new ReleaseLayout({ service: 'Go App' }), /Not a service name/);
  });

  it('runs root scripts through sudo -n by default, the restart command with the service filled in', () => {
    const real = new ReleaseLayout({ service: 'goapp' });
    assert.equal(real.serviceCommand('systemctl restart {service}'), `sudo -n sh -c 'systemctl restart goapp'`);
    assert.equal(real.envFile, '/etc/goapp/env');
    assert.equal(real.releaseDir('r1'), '/opt/goapp/releases/r1');
  });

  it('builds the systemd unit: ExecStart on current, EnvironmentFile, Restart=on-failure, its own user, WorkingDirectory', () => {
    const unit = systemdUnitText({ layout: new ReleaseLayout({ service: 'goapp' }) });
    for (const line of ['ExecStart=/opt/goapp/current/goapp', 'EnvironmentFile=/etc/goapp/env', 'Restart=on-failure', 'User=goapp', 'WorkingDirectory=/opt/goapp/current', 'WantedBy=multi-user.target']) {
      assert.ok(unit.split('\n').includes(line), line);
    }
  });
});
