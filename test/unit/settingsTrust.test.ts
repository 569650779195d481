// What a workspace's settings may decide (src/core/settingsTrust.ts), and the manifest that
// makes VS Code enforce the same: application scope for the user-only settings, and Restricted
// Mode declared with the routing settings listed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { effectiveConnections, ignoredUserOnly, isLoopbackHostPort, resolveUserPath, settingKeysIn, userLayerValue, userOnlySettings, workspaceEntryProblem } from '../../src/core/settingsTrust';

const root = path.resolve(__dirname, '../../..');

describe('settingsTrust: what a workspace may set', () => {
  it('takes a user-only setting from user settings or the default, never from the workspace', () => {
    assert.equal(userLayerValue({ defaultValue: '', workspaceValue: 'http://127.0.0.1:9' }, 'x'), '');
    assert.equal(userLayerValue({ defaultValue: '', globalValue: 'mine', workspaceValue: 'theirs', workspaceFolderValue: 'theirs' }, 'x'), 'mine');
    assert.equal(userLayerValue(undefined, 'fallback'), 'fallback');
  });

  it('knows a loopback host:port from any other', () => {
    for (const ok of ['3307', '127.0.0.1:3307', '127.9.8.7:1', 'localhost:65535', '[::1]:3306']) assert.equal(isLoopbackHostPort(ok), true, ok);
    for (const bad of ['10.0.0.1:3306', 'evil.example:3306', '127.0.0.1.evil.example:3306', '0.0.0.0:3306', '127.0.0.1:0', '127.0.0.1:70000', 'localhost', '[::2]:3306', '']) assert.equal(isLoopbackHostPort(bad), false, bad);
  });

  it('honours a workspace route choice that stays on the DB endpoint or a loopback port with verified TLS', () => {
    for (const ok of [{ route: 'direct' }, { route: 'sshTunnel', instanceId: 'i-1' }, { route: 'auto' }, { route: 'localPort', localPort: '127.0.0.1:3307' }, { route: 'localPort', localPort: '3307', tls: 'verify' }, {}]) {
      assert.equal(workspaceEntryProblem(ok), undefined, JSON.stringify(ok));
    }
  });

  it('refuses a workspace entry that weakens TLS, leaves loopback, or picks the login', () => {
    assert.equal(workspaceEntryProblem({ route: 'localPort', localPort: '127.0.0.1:3307', tls: 'off' }), 'tlsWeakened');
    assert.equal(workspaceEntryProblem({ route: 'localPort', localPort: '127.0.0.1:3307', tls: 'unverified' }), 'tlsWeakened');
    assert.equal(workspaceEntryProblem({ route: 'localPort', localPort: '203.0.113.9:3306' }), 'notLoopback');
    assert.equal(workspaceEntryProblem({ route: 'direct', localPort: 'evil.example:3306' }), 'notLoopback');
    assert.equal(workspaceEntryProblem({ route: 'direct', user: 'admin' }), 'login');
    assert.equal(workspaceEntryProblem({ auth: 'iam' }), 'login');
    assert.equal(workspaceEntryProblem({ route: 'teleport' }), 'invalid');
    assert.equal(workspaceEntryProblem('127.0.0.1:9'), 'invalid');
  });

  it('merges connections: user entries kept, safe workspace entries on top, unsafe ones reported', () => {
    const { connections, ignored } = effectiveConnections({
      defaultValue: {},
      globalValue: { mine: { route: 'localPort', localPort: '127.0.0.1:3307', tls: 'off', user: 'me' }, other: { route: 'direct' } },
      workspaceValue: { mine: { route: 'localPort', localPort: '127.0.0.1:4000', tls: 'off' }, other: { route: 'sshTunnel' }, fresh: { route: 'direct' } },
    });
    // The hostile entry for `mine` is dropped whole: the user's own entry stays as it was.
    assert.deepEqual(connections.mine, { route: 'localPort', localPort: '127.0.0.1:3307', tls: 'off', user: 'me' });
    assert.deepEqual(connections.other, { route: 'sshTunnel' });
    assert.deepEqual(connections.fresh, { route: 'direct' });
    assert.deepEqual(ignored, [{ key: 'connections.mine', reason: 'tlsWeakened' }]);
  });

  it("does not carry the user's tls: off over to a port the workspace chose", () => {
    const { connections } = effectiveConnections({
      globalValue: { db: { route: 'localPort', localPort: '127.0.0.1:3307', tls: 'off', user: 'me' } },
      workspaceFolderValue: { db: { localPort: '127.0.0.1:4000' } },
    });
    assert.deepEqual(connections.db, { route: 'localPort', localPort: '127.0.0.1:4000', user: 'me' });
  });

  it('names each user-only setting a workspace sets', () => {
    assert.deepEqual(ignoredUserOnly(['profile', 'regions', 'ssh.hostOverride', 'connections', 'tls.extraCaFile']), [
      { key: 'profile', reason: 'userOnly' },
      { key: 'ssh.hostOverride', reason: 'userOnly' },
      { key: 'tls.extraCaFile', reason: 'userOnly' },
    ]);
  });

  it('finds our keys in a settings file, dotted or nested, and nothing of other extensions', () => {
    const keys = settingKeysIn({
      'rdsLink.profile': 'x',
      rdsLink: { endpointUrl: 'http://127.0.0.1:9', ssh: { hostOverride: '127.0.0.1:9' } },
      'rdsLink.tls': { extraCaFile: 'ca.pem' },
      'editor.fontSize': 12,
      rdsLinkOther: { profile: 'y' },
    }, 'rdsLink');
    assert.deepEqual(ignoredUserOnly(keys).map((i) => i.key), ['profile', 'endpointUrl', 'ssh.hostOverride', 'tls.extraCaFile']);
    assert.ok(!keys.some((k) => k.includes('fontSize') || k.startsWith('Other')), keys.join());
    assert.deepEqual(settingKeysIn(undefined, 'rdsLink'), []);
    assert.deepEqual(settingKeysIn(['rdsLink.profile'], 'rdsLink'), []);
  });

  it('resolves ~ and absolute paths, and refuses a relative one', () => {
    assert.equal(resolveUserPath('~/.ssh/id_ed25519', '/home/u'), path.join('/home/u', '.ssh/id_ed25519'));
    assert.equal(resolveUserPath('~', '/home/u'), '/home/u');
    assert.equal(resolveUserPath('/etc/ssl/ca.pem', '/home/u'), '/etc/ssl/ca.pem');
    for (const rel of ['ca.pem', './.vscode/ca.pem', '../ca.pem', '~user/ca.pem']) assert.equal(resolveUserPath(rel, '/home/u'), undefined, rel);
  });
});

describe('manifest: the routing settings are out of a workspace’s reach', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: string; restrictedConfigurations?: string[] } };
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
  };
  const props = manifest.contributes.configuration.properties;

  it('gives every user-only setting application scope (machine would be ignored in user settings of a remote window)', () => {
    for (const key of userOnlySettings) assert.equal(props[`rdsLink.${key}`]?.scope, 'application', key);
  });

  it('declares limited support in untrusted workspaces, restricting every routing setting', () => {
    const u = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(u?.supported, 'limited');
    assert.match(u?.description ?? '', /^%.+%$/);
    const restricted = new Set(u?.restrictedConfigurations);
    for (const key of [...userOnlySettings, 'connections', 'regions', 'ssh.insideVpc', 'ssh.osUsers']) assert.ok(restricted.has(`rdsLink.${key}`), key);
    for (const key of restricted) assert.ok(props[key], `${key} is not a contributed setting`);
  });
});
