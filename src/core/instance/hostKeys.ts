/**
 * Which SSH host key an instance may present. Pure: the tunnel hands in the key the server
 * showed, what was remembered for the instance, and what EC2 printed in its console output;
 * decideHostKey says accept or refuse, and why, in words a person can act on.
 *
 * Order of trust: a key remembered for the instance id wins (a different one is refused: the
 * user forgets it on purpose). With nothing remembered, the fingerprints cloud-init printed to
 * the console at boot (GetConsoleOutput) decide; only when there are none (no block, an empty
 * output a few minutes after boot, no permission, a host override) is the key trusted on first
 * use, and the decision says so.
 */
import { createHash } from 'node:crypto';
import { isAccessDenied } from '../aws/awsErrors';
import { t } from '../l10n';

/** What the user runs to forget a remembered key: its palette title (package.nls) for the id rdsLink.forgetHostKey. */
export const forgetHostKeyCommand = (): string => t('RDS Link: Forget SSH Host Key…');

/** The key a server presented, as OpenSSH names and hashes it. */
export interface PresentedHostKey {
  /** The algorithm in the key blob: "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"… */
  readonly algorithm: string;
  /** The key type as ssh-keygen -l prints it: ED25519, ECDSA, RSA, DSA. */
  readonly keyType: string;
  /** `SHA256:<base64 without padding>`, as ssh-keygen -l shows it. */
  readonly sha256: string;
  /** `MD5:aa:bb:…`, for consoles of OpenSSH before 6.8. */
  readonly md5: string;
}

const KEY_TYPES: ReadonlyArray<[RegExp, string]> = [
  [/^ssh-ed25519/, 'ED25519'],
  [/^ecdsa-sha2-/, 'ECDSA'],
  [/^(ssh-rsa|rsa-sha2-)/, 'RSA'],
  [/^ssh-dss/, 'DSA'],
  [/^ssh-ed448/, 'ED448'],
];

/** Reads the SSH wire-format key blob ssh2 hands the host verifier. */
export function describeHostKey(blob: Buffer): PresentedHostKey {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const algorithm = len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
  const keyType = KEY_TYPES.find(([re]) => re.test(algorithm))?.[1] ?? algorithm.toUpperCase();
  const md5 = createHash('md5').update(blob).digest('hex').replace(/(..)(?!$)/g, '$1:');
  return { algorithm, keyType, sha256: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`, md5: `MD5:${md5}` };
}

/** One line of the console's fingerprint block. */
export interface ConsoleFingerprint {
  readonly bits?: number;
  /** Normalised: `SHA256:<base64 without padding>` or `MD5:<lowercase hex with colons>`. */
  readonly fingerprint: string;
  readonly keyType?: string;
}

export interface ConsoleFingerprints {
  /** True when the output has a BEGIN/END SSH HOST KEY FINGERPRINTS block. */
  readonly found: boolean;
  readonly fingerprints: readonly ConsoleFingerprint[];
}

const BEGIN = '-----BEGIN SSH HOST KEY FINGERPRINTS-----';
const END = '-----END SSH HOST KEY FINGERPRINTS-----';
// ssh-keygen -l: "<bits> <fingerprint> <comment> (<TYPE>)", after whatever prefix the console
// adds ("ec2: ", a syslog stamp). The fingerprint is SHA256:<base64> (OpenSSH 6.8 and later,
// with or without the base64 padding), MD5:<hex> or the bare hex of older releases.
const LINE = /(?:^|\s)(\d{3,5})\s+(SHA256:[A-Za-z0-9+/]{43}=?|(?:MD5:)?(?:[0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2})(?=\s|$)(?:.*\(([A-Za-z0-9-]+)\)\s*$)?/;

/** Normalises a fingerprint as written in a console or by a user, for comparison. */
export function normaliseFingerprint(text: string): string {
  const s = text.trim();
  if (/^SHA256:/i.test(s)) return `SHA256:${s.slice(7).replace(/=+$/, '')}`;
  return `MD5:${s.replace(/^MD5:/i, '').toLowerCase()}`;
}

/**
 * The fingerprints between the BEGIN and END markers cloud-init prints (every such block, for an
 * instance that booted more than once). Lines elsewhere in the log are ignored: they could be
 * anything a process on the instance wrote.
 */
export function parseConsoleFingerprints(consoleText: string): ConsoleFingerprints {
  const fingerprints: ConsoleFingerprint[] = [];
  let found = false;
  let inBlock = false;
  for (const line of consoleText.split(/\r?\n|\r/)) {
    if (line.includes(BEGIN)) {
      inBlock = true;
      continue;
    }
    if (line.includes(END)) {
      if (inBlock) found = true;
      inBlock = false;
      continue;
    }
    if (!inBlock) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const fingerprint = normaliseFingerprint(m[2]);
    if (fingerprints.some((f) => f.fingerprint === fingerprint)) continue;
    fingerprints.push({ bits: Number(m[1]), fingerprint, ...(m[3] ? { keyType: m[3].toUpperCase() } : {}) });
  }
  return { found, fingerprints };
}

/** What is kept per instance id (no secret: a public key's hash). */
export interface RememberedHostKey {
  /** `SHA256:…` */
  readonly sha256: string;
  readonly keyType: string;
  /** How it was first trusted. */
  readonly basis: 'console' | 'firstUse';
  /** ISO time of the first connection. */
  readonly since: string;
  /** host:port it was seen at. */
  readonly seenAt?: string;
}

/** Where remembered keys live (VS Code's globalState in the editor, a Map in tests). */
export interface HostKeyStore {
  get(instanceId: string): RememberedHostKey | undefined;
  remember(instanceId: string, key: RememberedHostKey): PromiseLike<void> | void;
}

/** What the tunnel needs to check host keys. */
export interface HostKeyPolicy {
  readonly store: HostKeyStore;
  /** The instance's console output, decoded (GetConsoleOutput); '' or undefined when EC2 has none. */
  readonly consoleOutput?: (instanceId: string) => Promise<string | undefined>;
  /** How long GetConsoleOutput may take before the key is trusted on first use; default 8 s. */
  readonly consoleTimeoutMs?: number;
  /** Each decision, refusals too (for the log). */
  readonly onDecision?: (decision: HostKeyDecision) => void;
}

/** What the console said, or why it could not say anything. */
export type ConsoleEvidence =
  | { readonly kind: 'fingerprints'; readonly fingerprints: readonly ConsoleFingerprint[] }
  | { readonly kind: 'unavailable'; readonly reason: string };

export interface HostKeyInput {
  readonly instanceId: string;
  /** host:port the key was presented at. */
  readonly at: string;
  readonly presented: PresentedHostKey;
  readonly remembered?: RememberedHostKey;
  /** Only asked for when nothing is remembered. */
  readonly console?: ConsoleEvidence;
  /** For `since`; default now. */
  readonly now?: Date;
}

export type HostKeyDecision =
  | { readonly accept: true; readonly basis: 'remembered'; readonly message: string }
  | { readonly accept: true; readonly basis: 'console' | 'firstUse'; readonly message: string; readonly remember: RememberedHostKey }
  | { readonly accept: false; readonly reason: 'changed' | 'consoleMismatch'; readonly message: string };

/** The connection was refused because of the server's host key. */
export class HostKeyError extends Error {
  constructor(
    message: string,
    readonly reason: 'changed' | 'consoleMismatch',
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

function matches(presented: PresentedHostKey, fingerprint: string): boolean {
  const f = normaliseFingerprint(fingerprint);
  return f === presented.sha256 || f === presented.md5;
}

export function decideHostKey(input: HostKeyInput): HostKeyDecision {
  const { instanceId, presented, remembered, at } = input;
  const shown = `${presented.keyType} ${presented.sha256}`;
  if (remembered) {
    if (matches(presented, remembered.sha256)) {
      return { accept: true, basis: 'remembered', message: t('The SSH host key of {0} is the one remembered ({1}).', instanceId, shown) };
    }
    return {
      accept: false,
      reason: 'changed',
      message: t(
        'The SSH host key of {0} has changed: it was {1} (remembered since {2}), and {3} now presents {4}. Not connecting: this is what a man in the middle looks like. If you know the key changed (the instance\'s host keys were regenerated), run "{5}" for {0} and connect again.',
        instanceId,
        `${remembered.keyType} ${remembered.sha256}`,
        remembered.since.slice(0, 10),
        at,
        shown,
        forgetHostKeyCommand(),
      ),
    };
  }
  const since = (input.now ?? new Date()).toISOString();
  const remember = (basis: 'console' | 'firstUse'): RememberedHostKey => ({ sha256: presented.sha256, keyType: presented.keyType, basis, since, seenAt: at });
  const seen = input.console ?? { kind: 'unavailable', reason: t('the console output was not read') };
  if (seen.kind === 'fingerprints') {
    if (seen.fingerprints.some((f) => matches(presented, f.fingerprint))) {
      return { accept: true, basis: 'console', message: t('The SSH host key of {0} ({1}) matches a fingerprint EC2 printed in its console output; remembered.', instanceId, shown), remember: remember('console') };
    }
    return {
      accept: false,
      reason: 'consoleMismatch',
      message: t(
        'The SSH host key at {0} ({1}) is not one of the host keys EC2 printed in the console output of {2} ({3}). Not connecting: something other than the instance answered.',
        at,
        shown,
        instanceId,
        seen.fingerprints.map((f) => (f.keyType ? `${f.keyType} ${f.fingerprint}` : f.fingerprint)).join(', '),
      ),
    };
  }
  return {
    accept: true,
    basis: 'firstUse',
    message: t('No host key fingerprints to check the SSH host key of {0} against ({1}): trusting {2} on first use, and remembering it.', instanceId, seen.reason, shown),
    remember: remember('firstUse'),
  };
}

/** The console's evidence for decideHostKey: never throws; a failure is a reason. */
export async function readConsoleEvidence(policy: HostKeyPolicy, instanceId: string): Promise<ConsoleEvidence> {
  if (!policy.consoleOutput) return { kind: 'unavailable', reason: t('the console output was not read') };
  const ms = policy.consoleTimeoutMs ?? 8000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const text = await Promise.race([
      policy.consoleOutput(instanceId),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(t('GetConsoleOutput did not answer within {0} s', Math.round(ms / 1000)))), ms);
        timer.unref();
      }),
    ]);
    if (!text?.trim()) return { kind: 'unavailable', reason: t('EC2 has no console output for it yet; it can take a few minutes after boot') };
    const parsed = parseConsoleFingerprints(text);
    if (!parsed.found || parsed.fingerprints.length === 0) return { kind: 'unavailable', reason: t('its console output has no SSH HOST KEY FINGERPRINTS block') };
    return { kind: 'fingerprints', fingerprints: parsed.fingerprints };
  } catch (err) {
    const why = isAccessDenied(err) ? t('reading it needs ec2:GetConsoleOutput') : (err as Error).message;
    return { kind: 'unavailable', reason: t('the console output could not be read: {0}', why) };
  } finally {
    clearTimeout(timer);
  }
}
