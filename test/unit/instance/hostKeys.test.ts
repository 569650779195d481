import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  decideHostKey,
  describeHostKey,
  forgetHostKeyCommand,
  parseConsoleFingerprints,
  readConsoleEvidence,
  type HostKeyStore,
  type PresentedHostKey,
  type RememberedHostKey,
} from '../../../src/core/instance/hostKeys';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures/hostKeys');
const read = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');
/** The key blob of an OpenSSH public key file, as ssh2 hands it to the host verifier. */
const blob = (name: string): Buffer => Buffer.from(read(name).split(' ')[1], 'base64');

const ed25519 = describeHostKey(blob('ssh_host_ed25519_key.pub'));
const ecdsa = describeHostKey(blob('ssh_host_ecdsa_key.pub'));
const rsa = describeHostKey(blob('ssh_host_rsa_key.pub'));

/** The boot log moto answers GetConsoleOutput with (no fingerprint block). */
const MOTO_CONSOLE = 'Linux version 2.6.16-xenU (builder@patchbat.amazonsa)\nBIOS-provided physical RAM map:\nKernel command line: root=/dev/sda1 ro 4\n';

const memoryStore = (): HostKeyStore & { keys: Map<string, RememberedHostKey> } => {
  const keys = new Map<string, RememberedHostKey>();
  return { keys, get: (id) => keys.get(id), remember: (id, k) => void keys.set(id, k) };
};

describe('db SSH host keys', () => {
  describe('describeHostKey', () => {
    it('names and hashes keys as ssh-keygen -l does (the fixtures hold its output)', () => {
      assert.deepEqual([ed25519.keyType, ecdsa.keyType, rsa.keyType], ['ED25519', 'ECDSA', 'RSA']);
      assert.deepEqual([ed25519.algorithm, ecdsa.algorithm, rsa.algorithm], ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
      const printed = read('console-amazon-linux.txt');
      for (const k of [ed25519, ecdsa, rsa]) {
        assert.match(k.sha256, /^SHA256:[A-Za-z0-9+/]{43}$/);
        assert.ok(printed.includes(` ${k.sha256} `), `${k.keyType} ${k.sha256} is what ssh-keygen printed`);
      }
      assert.ok(read('console-ubuntu.txt').includes(ecdsa.md5), 'MD5 as ssh-keygen -E md5 prints it');
    });
  });

  describe('parseConsoleFingerprints', () => {
    it('reads the Amazon Linux block: ECDSA, ED25519 and RSA lines, and nothing outside it', () => {
      const parsed = parseConsoleFingerprints(read('console-amazon-linux.txt'));
      assert.equal(parsed.found, true);
      assert.deepEqual(parsed.fingerprints, [
        { bits: 256, fingerprint: ecdsa.sha256, keyType: 'ECDSA' },
        { bits: 256, fingerprint: ed25519.sha256, keyType: 'ED25519' },
        { bits: 3072, fingerprint: rsa.sha256, keyType: 'RSA' },
      ]);
      // A fingerprint-looking line earlier in the log (anything on the instance can write one) is not taken.
      assert.ok(!parsed.fingerprints.some((f) => f.fingerprint === 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'));
    });

    it('reads the Ubuntu form: "ec2: " in front, CRLF, an MD5: line and a padded SHA256', () => {
      const parsed = parseConsoleFingerprints(read('console-ubuntu.txt'));
      assert.equal(parsed.found, true);
      assert.deepEqual(
        parsed.fingerprints.map((f) => [f.keyType, f.fingerprint]),
        [
          ['ECDSA', ecdsa.md5],
          ['ED25519', ed25519.sha256],
          ['RSA', rsa.sha256],
        ],
      );
    });

    it('reads the bare hex MD5 of OpenSSH before 6.8, behind syslog stamps', () => {
      const parsed = parseConsoleFingerprints(read('console-legacy-md5.txt'));
      assert.deepEqual(
        parsed.fingerprints.map((f) => [f.bits, f.keyType, f.fingerprint]),
        [
          [256, 'ECDSA', ecdsa.md5],
          [3072, 'RSA', rsa.md5],
        ],
      );
    });

    it('finds no block in moto’s boot log, in an empty output, or in a block that never ends', () => {
      assert.deepEqual(parseConsoleFingerprints(MOTO_CONSOLE), { found: false, fingerprints: [] });
      assert.deepEqual(parseConsoleFingerprints(''), { found: false, fingerprints: [] });
      const cut = read('console-amazon-linux.txt').split('-----END SSH HOST KEY FINGERPRINTS-----')[0];
      assert.equal(parseConsoleFingerprints(cut).found, false);
    });
  });

  describe('decideHostKey', () => {
    const at = '203.0.113.10:22';
    const remembered: RememberedHostKey = { sha256: ed25519.sha256, keyType: 'ED25519', basis: 'console', since: '2026-11-30T09:15:00.000Z', seenAt: at };
    const consoleSays = { kind: 'fingerprints' as const, fingerprints: parseConsoleFingerprints(read('console-amazon-linux.txt')).fingerprints };

    it('accepts the remembered key without asking the console', () => {
      const d = decideHostKey({ instanceId: 'i-0abc', at, presented: ed25519, remembered });
      assert.equal(d.accept, true);
      assert.equal(d.accept && d.basis, 'remembered');
    });

    it('refuses a changed key, naming the instance, both fingerprints and the command that forgets the old one', () => {
      // Even a key the console lists: the remembered one wins until the user forgets it.
      const d = decideHostKey({ instanceId: 'i-0abc', at, presented: rsa, remembered, console: consoleSays });
      assert.equal(d.accept, false);
      assert.equal(!d.accept && d.reason, 'changed');
      for (const part of ['i-0abc', ed25519.sha256, rsa.sha256, forgetHostKeyCommand(), '2026-11-30', at]) assert.ok(d.message.includes(part), `${part} in: ${d.message}`);
    });

    it('accepts a first key that the console lists (SHA256 or MD5), and says to remember it as checked', () => {
      const now = new Date('2026-12-01T10:00:00Z');
      const d = decideHostKey({ instanceId: 'i-0abc', at, presented: ecdsa, console: consoleSays, now });
      assert.equal(d.accept, true);
      assert.deepEqual(d.accept && d.basis !== 'remembered' && d.remember, { sha256: ecdsa.sha256, keyType: 'ECDSA', basis: 'console', since: now.toISOString(), seenAt: at });
      const legacy = { kind: 'fingerprints' as const, fingerprints: parseConsoleFingerprints(read('console-legacy-md5.txt')).fingerprints };
      assert.equal(decideHostKey({ instanceId: 'i-0abc', at, presented: rsa, console: legacy }).accept, true);
    });

    it('refuses a first key the console does not list, and says which ones it does', () => {
      const ubuntuOnly = { kind: 'fingerprints' as const, fingerprints: [{ fingerprint: rsa.sha256, keyType: 'RSA' }] };
      const d = decideHostKey({ instanceId: 'i-0abc', at, presented: ed25519, console: ubuntuOnly });
      assert.equal(d.accept, false);
      assert.equal(!d.accept && d.reason, 'consoleMismatch');
      for (const part of ['i-0abc', at, ed25519.sha256, `RSA ${rsa.sha256}`]) assert.ok(d.message.includes(part), `${part} in: ${d.message}`);
    });

    it('trusts a first key on first use when the console has nothing, and says so with the reason', () => {
      const d = decideHostKey({ instanceId: 'i-0abc', at, presented: ed25519, console: { kind: 'unavailable', reason: 'no block here' } });
      assert.equal(d.accept, true);
      assert.equal(d.accept && d.basis, 'firstUse');
      assert.match(d.message, /on first use/);
      assert.ok(d.message.includes('no block here') && d.message.includes(ed25519.sha256));
      assert.equal(d.accept && d.basis === 'firstUse' && d.remember.basis, 'firstUse');
    });
  });

  describe('readConsoleEvidence', () => {
    const presented: PresentedHostKey = ed25519;
    it('turns a console with the block into fingerprints', async () => {
      const e = await readConsoleEvidence({ store: memoryStore(), consoleOutput: () => Promise.resolve(read('console-amazon-linux.txt')) }, 'i-1');
      assert.equal(e.kind, 'fingerprints');
      assert.equal(decideHostKey({ instanceId: 'i-1', at: 'h:22', presented, console: e }).accept, true);
    });

    it('gives a reason for each way the console cannot vouch: no block, empty, no permission, no answer', async () => {
      const reasonOf = async (consoleOutput: () => Promise<string | undefined>, consoleTimeoutMs?: number): Promise<string> => {
        const e = await readConsoleEvidence({ store: memoryStore(), consoleOutput, consoleTimeoutMs }, 'i-1');
        assert.equal(e.kind, 'unavailable');
        return e.kind === 'unavailable' ? e.reason : '';
      };
      assert.match(await reasonOf(() => Promise.resolve(MOTO_CONSOLE)), /no SSH HOST KEY FINGERPRINTS block/);
      assert.match(await reasonOf(() => Promise.resolve('')), /no console output .*few minutes after boot/);
      const denied = Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' });
      assert.match(await reasonOf(() => Promise.reject(denied)), /ec2:GetConsoleOutput/);
      const started = Date.now();
      assert.match(await reasonOf(() => new Promise(() => undefined), 100), /did not answer within/);
      assert.ok(Date.now() - started < 2000);
    });
  });
});
