/**
 * Ownership of what a connection opens (sockets, SSH clients, listening servers), so that one
 * close() undoes all of it — after success, after a failure half-way, and after a cancel.
 */
import { CancelledError, type CancelSignal } from './errors';

/** VS Code's CancellationToken (and our CancelSignal) or an AbortSignal. */
export type Cancellation = CancelSignal | AbortSignal;

export function isCancelled(signal: Cancellation | undefined): boolean {
  if (!signal) return false;
  return 'aborted' in signal ? signal.aborted : signal.isCancellationRequested;
}

export function throwIfCancelled(signal: Cancellation | undefined): void {
  if (isCancelled(signal)) throw new CancelledError();
}

/**
 * `work`, or a CancelledError as soon as the signal fires (polled: CancelSignal has no event).
 * The work itself is not stopped; whoever owns what it opens closes it.
 */
export function raceCancel<T>(work: Promise<T>, signal: Cancellation | undefined, pollMs = 50): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      if (isCancelled(signal)) {
        clearInterval(timer);
        reject(new CancelledError());
      }
    }, pollMs);
    work.then(
      (v) => {
        clearInterval(timer);
        resolve(v);
      },
      (e) => {
        clearInterval(timer);
        reject(e);
      },
    );
    if (isCancelled(signal)) {
      clearInterval(timer);
      reject(new CancelledError());
    }
  });
}

type Closer = () => Promise<void> | void;

/** Closers run last-in first-out, each at most once; their errors are collected, never thrown. */
export class Resources {
  private readonly closers: Array<{ name: string; close: Closer }> = [];
  private closing: Promise<string[]> | undefined;

  add(name: string, close: Closer): void {
    if (this.closing) {
      // Opened after close() began (a late callback): close it right away.
      void Promise.resolve()
        .then(close)
        .catch(() => undefined);
      return;
    }
    this.closers.push({ name, close });
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Resolves with the problems met while closing (for the log); safe to call many times. */
  close(timeoutMs = 3000): Promise<string[]> {
    this.closing ??= (async () => {
      const problems: string[] = [];
      for (const { name, close } of this.closers.reverse()) {
        try {
          await withTimeout(Promise.resolve().then(close), timeoutMs, `${name}: no answer after ${timeoutMs} ms`);
        } catch (err) {
          problems.push(`${name}: ${(err as Error).message}`);
        }
      }
      this.closers.length = 0;
      return problems;
    })();
    return this.closing;
  }
}

export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
