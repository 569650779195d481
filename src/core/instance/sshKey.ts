/**
 * A throw-away ed25519 key for EC2 Instance Connect, made with node:crypto and never written to
 * disk.
 *
 * ssh2 1.17 does not read ed25519 keys in PEM/PKCS#8 ("Unsupported key format"), only OpenSSH's
 * own "openssh-key-v1" container, so the private key is encoded in that form here (unencrypted:
 * it lives in memory for one connection). The public key is the authorized_keys line
 * `ssh-ed25519 <base64 blob> <comment>` that SendSSHPublicKey takes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { utils as sshUtils, type ParsedKey } from 'ssh2';

export interface SshKeyPair {
  /** `ssh-ed25519 AAAA… comment` */
  readonly publicKey: string;
  /** `-----BEGIN OPENSSH PRIVATE KEY-----…`, as ssh2's `privateKey` option takes it. */
  readonly privateKey: string;
}

const KEY_TYPE = 'ssh-ed25519';

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The public key blob of the SSH wire format: string "ssh-ed25519", string key(32). */
function publicBlob(pub: Buffer): Buffer {
  return Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
}

/** OpenSSH's private key file format (PROTOCOL.key), unencrypted, one key. */
export function encodeOpenSshPrivateKey(seed: Buffer, pub: Buffer, comment: string): string {
  if (seed.length !== 32 || pub.length !== 32) throw new Error('An ed25519 key has a 32-byte seed and a 32-byte public key.');
  const check = randomBytes(4);
  const secret = Buffer.concat([seed, pub]);
  const parts = [check, check, sshString(KEY_TYPE), sshString(pub), sshString(secret), sshString(comment)];
  let section = Buffer.concat(parts);
  // Padded with 1, 2, 3, … to the cipher block size, which is 8 for "none".
  const pad = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob(pub)),
    sshString(section),
  ]);
  const b64 = body.toString('base64').replace(/.{1,70}/g, '$&\n');
  secret.fill(0);
  section.fill(0);
  body.fill(0);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`;
}

export function generateEphemeralKey(comment = 'rds-link'): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  try {
    return {
      publicKey: `${KEY_TYPE} ${publicBlob(pub).toString('base64')} ${comment}`,
      privateKey: encodeOpenSshPrivateKey(seed, pub, comment),
    };
  } finally {
    seed.fill(0);
  }
}

/** The authorized_keys line of a private key ssh2 can read (OpenSSH, or PEM RSA/ECDSA). */
export function publicKeyOf(privateKey: string, comment = 'rds-link'): string {
  // An OpenSSH file can hold several keys; ssh2 then returns an array.
  const parsed = sshUtils.parseKey(privateKey) as ParsedKey | ParsedKey[] | Error;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error(`The SSH private key cannot be read: ${key instanceof Error ? key.message : 'no key'}`);
  return `${key.type} ${key.getPublicSSH().toString('base64')} ${comment}`;
}
