import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { generateEphemeralKey, publicKeyOf } from '../../../src/core/instance/sshKey';

function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined && (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

describe('db SSH keys', () => {
  it('makes an ed25519 pair ssh2 reads, whose halves belong together', () => {
    const pair = generateEphemeralKey('rds-link-i-123');
    assert.match(pair.publicKey, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} rds-link-i-123$/);
    assert.match(pair.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n(?:[A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/);
    const priv = utils.parseKey(pair.privateKey);
    assert.ok(!(priv instanceof Error), String(priv));
    assert.equal(priv.type, 'ssh-ed25519');
    assert.equal(priv.isPrivateKey(), true);
    assert.equal(priv.comment, 'rds-link-i-123');
    // A signature by the private half checks out with the public line SendSSHPublicKey gets.
    const pub = utils.parseKey(pair.publicKey);
    assert.ok(!(pub instanceof Error));
    const data = Buffer.from('session id');
    assert.equal(pub.verify(data, priv.sign(data)), true);
    // …and with node:crypto, from the public PEM ssh2 derives.
    assert.equal(verify(null, data, createPublicKey(priv.getPublicPEM()), priv.sign(data)), true);
  });

  it('makes a new key every time', () => {
    assert.notEqual(generateEphemeralKey().publicKey, generateEphemeralKey().publicKey);
  });

  it('derives the public line of a given private key', () => {
    const pair = generateEphemeralKey('c');
    assert.equal(publicKeyOf(pair.privateKey, 'c'), pair.publicKey);
    assert.throws(() => publicKeyOf('not a key'), /cannot be read/);
  });

  it('writes a file OpenSSH itself accepts (ssh-keygen -y gives the same public key)', function () {
    if (!hasSshKeygen()) this.skip();
    const pair = generateEphemeralKey('check');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rds-link-key-'));
    try {
      const file = path.join(dir, 'id');
      fs.writeFileSync(file, pair.privateKey, { mode: 0o600 });
      assert.equal(execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim(), pair.publicKey);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
