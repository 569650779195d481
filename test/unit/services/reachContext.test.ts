// How SSH reaches instances, from the settings (one reach context for the DB route, deploys and
// the diagnosis): rdsLink.ssh.hostOverrides (per instance id) wins over rdsLink.ssh.hostOverride;
// a value that is not host:port is an error naming the instance; without an override, the
// instance is reached itself.
import * as assert from 'node:assert/strict';
import { hostOverrideFor, parseHostPort } from '../../../src/core/db/index';
import { reachContext } from '../../../src/services/reachContext';
import type { SshSettings } from '../../../src/state/settings';

const ssh = (over: Partial<SshSettings> = {}): SshSettings => ({ insideVpc: false, osUsers: {}, hostOverride: '', hostOverrides: {}, identityFile: undefined, maxTunnelDurationSeconds: 3600, ...over });

describe('services: the reach context from the SSH settings', () => {
  it('an instance of rdsLink.ssh.hostOverrides goes to its own host:port; the others to rdsLink.ssh.hostOverride', () => {
    const ctx = reachContext(ssh({ hostOverride: '127.0.0.1:2222', hostOverrides: { 'i-a': '10.99.0.11:22', 'i-b': '10.99.0.12:2200' } }), parseHostPort);
    assert.deepEqual(hostOverrideFor(ctx, 'i-a'), { host: '10.99.0.11', port: 22 });
    assert.deepEqual(hostOverrideFor(ctx, 'i-b'), { host: '10.99.0.12', port: 2200 });
    assert.deepEqual(hostOverrideFor(ctx, 'i-c'), { host: '127.0.0.1', port: 2222 });
  });

  it('an empty per-instance value: that instance is reached itself, whatever rdsLink.ssh.hostOverride says', () => {
    const ctx = reachContext(ssh({ hostOverride: '127.0.0.1:2222', hostOverrides: { 'i-private': '' } }), parseHostPort);
    assert.equal(hostOverrideFor(ctx, 'i-private'), undefined);
    assert.deepEqual(hostOverrideFor(ctx, 'i-web'), { host: '127.0.0.1', port: 2222 });
  });

  it('with the identity file, every override carries that key (read once); without any override the instance is reached itself', () => {
    let reads = 0;
    const withKey = reachContext(ssh({ hostOverride: '127.0.0.1:2222', hostOverrides: { 'i-a': '10.99.0.11:22' }, identityFile: '/keys/id' }), parseHostPort, (f) => (reads++, `KEY OF ${f}`));
    assert.deepEqual(hostOverrideFor(withKey, 'i-a'), { host: '10.99.0.11', port: 22, privateKey: 'KEY OF /keys/id' });
    assert.deepEqual(hostOverrideFor(withKey, 'i-z'), { host: '127.0.0.1', port: 2222, privateKey: 'KEY OF /keys/id' });
    assert.equal(reads, 1);
    const plain = reachContext(ssh({ insideVpc: true, osUsers: { 'i-a': 'ubuntu' }, identityFile: '/keys/id' }), parseHostPort, () => assert.fail('no override uses the key'));
    assert.equal(hostOverrideFor(plain, 'i-a'), undefined);
    assert.equal(plain.insideVpc, true);
    assert.equal(plain.osUserOverrides?.get('i-a'), 'ubuntu');
  });

  it('an override that is not host:port is an error naming it (and the instance for a per-instance one)', () => {
    assert.throws(() => reachContext(ssh({ hostOverrides: { 'i-a': 'no-port' } }), parseHostPort), /The SSH host override "no-port" for i-a is not host:port/);
    assert.throws(() => reachContext(ssh({ hostOverride: 'no-port' }), parseHostPort), /rdsLink\.ssh\.hostOverride "no-port" is not host:port/);
  });
});
