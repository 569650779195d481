// How a deploy's SSH session reaches an instance, from the settings: rdsLink.ssh.hostOverrides
// (per instance id) wins over rdsLink.ssh.hostOverride; a value that is not host:port is an
// error naming the instance; without an override, the instance is reached itself.
import * as assert from 'node:assert/strict';
import { parseHostPort } from '../../../src/core/db/index';
import { reachContext } from '../../../src/services/instanceSessions';
import type { SshSettings } from '../../../src/state/settings';

const ssh = (over: Partial<SshSettings> = {}): SshSettings => ({ insideVpc: false, osUsers: {}, hostOverride: '', hostOverrides: {}, identityFile: undefined, ...over });

describe('services: instanceSessions reach context', () => {
  it('an instance of rdsLink.ssh.hostOverrides goes to its own host:port; the others to rdsLink.ssh.hostOverride', () => {
    const settings = ssh({ hostOverride: '127.0.0.1:2222', hostOverrides: { 'i-a': '10.99.0.11:22', 'i-b': '10.99.0.12:2200' } });
    assert.deepEqual(reachContext(settings, { id: 'i-a' }, parseHostPort).sshHostOverride, { host: '10.99.0.11', port: 22 });
    assert.deepEqual(reachContext(settings, { id: 'i-b' }, parseHostPort).sshHostOverride, { host: '10.99.0.12', port: 2200 });
    assert.deepEqual(reachContext(settings, { id: 'i-c' }, parseHostPort).sshHostOverride, { host: '127.0.0.1', port: 2222 });
  });

  it('with the identity file, the override carries that key; without any override the instance is reached itself', () => {
    const withKey = reachContext(ssh({ hostOverrides: { 'i-a': '10.99.0.11:22' }, identityFile: '/keys/id' }), { id: 'i-a' }, parseHostPort, (f) => `KEY OF ${f}`);
    assert.deepEqual(withKey.sshHostOverride, { host: '10.99.0.11', port: 22, privateKey: 'KEY OF /keys/id' });
    const plain = reachContext(ssh({ insideVpc: true, osUsers: { 'i-a': 'ubuntu' } }), { id: 'i-a' }, parseHostPort);
    assert.equal(plain.sshHostOverride, undefined);
    assert.equal(plain.insideVpc, true);
    assert.equal(plain.osUserOverrides?.get('i-a'), 'ubuntu');
  });

  it('an override that is not host:port is an error naming it and the instance', () => {
    assert.throws(() => reachContext(ssh({ hostOverrides: { 'i-a': 'no-port' } }), { id: 'i-a' }, parseHostPort), /The SSH host override "no-port" for i-a is not host:port/);
  });
});
