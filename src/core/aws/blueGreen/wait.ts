/**
 * A bounded, cancellable poll of one deployment: the SDK has no waiter for Blue/Green. Delays
 * grow 5 s → 10 s → 20 s → 30 s and stay at 30 s, for at most the timeout (2 h by default for
 * AVAILABLE, which a large MySQL can need). Cancelling or timing out stops the waiting only;
 * the deployment goes on in AWS.
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import { t } from '../../l10n';
import { throwIfCancelled, type CancelSignal } from '../../errors';
import { BlueGreenFailedError, BlueGreenTimeoutError } from './errors';
import { blueGreenStatusLabel, blueGreenTaskLabel, FAILED_STATUSES } from './mapping';
import { describeBlueGreen } from './deployments';
import type { BlueGreenDeployment } from './types';

export type WaitUntil = 'AVAILABLE' | 'SWITCHOVER_COMPLETED' | 'deleted';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 5_000, maxMs: 30_000, factor: 2 };

export const DEFAULT_WAIT_TIMEOUT_MS: Readonly<Record<WaitUntil, number>> = {
  AVAILABLE: 2 * 60 * 60_000,
  // The switchover itself is bounded by its own timeout (at most an hour); its checks come first.
  SWITCHOVER_COMPLETED: 90 * 60_000,
  deleted: 30 * 60_000,
};

/** The delay before poll number `attempt + 1` (attempt 0 is the delay after the first poll). */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, attempt));
}

/** The first `count` delays: [5000, 10000, 20000, 30000, 30000, …] by default. */
export function backoffSchedule(count: number, backoff: Backoff = DEFAULT_BACKOFF): number[] {
  return Array.from({ length: count }, (_, i) => backoffDelay(i, backoff));
}

export interface WaitProgress {
  /** Undefined once the deployment is gone (waiting for deleted). */
  readonly deployment: BlueGreenDeployment | undefined;
  /** A line for withProgress: the status and the task under way. */
  readonly message: string;
  readonly elapsedMs: number;
}

export interface WaitOptions {
  readonly until: WaitUntil;
  readonly signal?: CancelSignal;
  /** Called on the first poll and whenever the status, a task or a member's status changes. */
  readonly onProgress?: (progress: WaitProgress) => void;
  /** Default: DEFAULT_WAIT_TIMEOUT_MS[until]. */
  readonly timeoutMs?: number;
  readonly backoff?: Backoff;
  /** Sleeps `ms`, throwing CancelledError when the signal fires meanwhile. Injected by tests. */
  readonly sleep?: (ms: number, signal?: CancelSignal) => Promise<void>;
  /** The clock; injected by tests with their sleep. */
  readonly now?: () => number;
  /** The client's region is used when absent. */
  readonly region?: string;
}

/** Sleeps in slices of at most 250 ms, so a cancel is noticed within a quarter of a second. */
export async function cancellableSleep(ms: number, signal?: CancelSignal): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    throwIfCancelled(signal);
    const left = end - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, left)));
  }
}

/**
 * Polls until the deployment reaches `until` and returns it (undefined for "deleted"; for
 * AVAILABLE, also a deployment already switching or switched over, since green was ready).
 * Throws BlueGreenFailedError on a failed status (or a switchover that rolled back),
 * BlueGreenTimeoutError after the timeout, CancelledError when the signal fires.
 */
export async function waitForBlueGreen(client: RDSClient, id: string, options: WaitOptions): Promise<BlueGreenDeployment | undefined> {
  const sleep = options.sleep ?? cancellableSleep;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS[options.until];
  const started = now();
  let last: BlueGreenDeployment | undefined;
  let lastKey: string | undefined;
  let sawSwitchover = false;

  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(options.signal);
    const d = await describeBlueGreen(client, id, options.region);
    throwIfCancelled(options.signal);
    const elapsedMs = now() - started;

    const key = progressKey(d);
    if (key !== lastKey) {
      lastKey = key;
      options.onProgress?.({ deployment: d, message: progressMessage(d), elapsedMs });
    }

    if (!d) {
      if (options.until === 'deleted') return undefined;
      throw new Error(t('Blue/Green deployment {0} no longer exists.', last?.name ?? id));
    }
    last = d;
    if (d.status === options.until) return d;
    // Someone switched over while we waited for green: it was ready, and is past that now.
    if (options.until === 'AVAILABLE' && (d.status === 'SWITCHOVER_IN_PROGRESS' || d.status === 'SWITCHOVER_COMPLETED')) return d;
    if (FAILED_STATUSES.has(d.status)) throw new BlueGreenFailedError(d);
    if (d.status === 'DELETING' && options.until !== 'deleted') {
      throw new BlueGreenFailedError(d, t('Blue/Green deployment {0} is being deleted.', d.name));
    }
    if (options.until === 'SWITCHOVER_COMPLETED') {
      if (d.status === 'SWITCHOVER_IN_PROGRESS') sawSwitchover = true;
      // A switchover that runs past its timeout is rolled back: the deployment is AVAILABLE again.
      else if (sawSwitchover && d.status === 'AVAILABLE') {
        throw new BlueGreenFailedError(d, t('The switchover of {0} did not finish in time and was rolled back; nothing changed. {1}', d.name, d.statusDetails ?? ''));
      }
    }

    const left = timeoutMs - elapsedMs;
    if (left <= 0) throw new BlueGreenTimeoutError(id, timeoutMs, last);
    await sleep(Math.min(backoffDelay(attempt, options.backoff), left), options.signal);
  }
}

function progressKey(d: BlueGreenDeployment | undefined): string {
  if (!d) return 'gone';
  return [d.status, ...d.tasks.map((x) => `${x.name}=${x.status}`), ...d.switchoverDetails.map((s) => s.status)].join('|');
}

function progressMessage(d: BlueGreenDeployment | undefined): string {
  if (!d) return t('Deleted');
  const running = d.tasks.find((x) => x.status === 'IN_PROGRESS') ?? d.tasks.find((x) => x.status === 'PENDING');
  const status = blueGreenStatusLabel(d.status);
  return running && d.status === 'PROVISIONING' ? `${status}: ${blueGreenTaskLabel(running.name)}` : status;
}
