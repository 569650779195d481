/**
 * Errors shared by core and the VS Code layer.
 *
 * Cancellation is its own type so that the command wrapper can tell "the user stopped it" from
 * "it failed", and never shows a cancel as an error.
 */
export class CancelledError extends Error {
  constructor(message = 'Cancelled', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Canceled';
  }
}

/** True for our CancelledError, VS Code's CancellationError and an aborted AbortSignal. */
export function isCancellation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err instanceof CancelledError || err.name === 'Canceled' || err.name === 'AbortError';
}

/** Something that can be cancelled: VS Code's CancellationToken has this shape too. */
export interface CancelSignal {
  readonly isCancellationRequested: boolean;
  /** VS Code's token has it; without it a signal can only be polled between calls. */
  readonly onCancellationRequested?: (listener: () => void) => { dispose(): void };
}

export function isAbortSignal(signal: unknown): signal is AbortSignal {
  return typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal;
}

export function isSignalled(signal: CancelSignal | AbortSignal | undefined): boolean {
  if (!signal) return false;
  return isAbortSignal(signal) ? signal.aborted : signal.isCancellationRequested;
}

/**
 * The AbortSignal that the SDK (`send(cmd, { abortSignal })`) and Node's sockets understand, for
 * a VS Code token or an AbortSignal. Undefined for a signal that can only be polled: its calls
 * then run to their end (and their timeout), and cancellation is seen between calls.
 */
export function toAbortSignal(signal: CancelSignal | AbortSignal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  if (isAbortSignal(signal)) return signal;
  if (signal.isCancellationRequested) return AbortSignal.abort(new CancelledError());
  if (!signal.onCancellationRequested) return undefined;
  const controller = new AbortController();
  // The token lives as long as its command; so does this listener.
  signal.onCancellationRequested(() => controller.abort(new CancelledError()));
  return controller.signal;
}

export function throwIfCancelled(signal: CancelSignal | AbortSignal | undefined): void {
  if (isSignalled(signal)) throw new CancelledError();
}

/** The message of an error and of each cause under it, joined for a log line or a notification. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 6; depth++) {
    const msg = cur instanceof Error ? cur.message : String(cur);
    if (msg && !parts.some((p) => p.includes(msg))) parts.push(msg);
    cur = cur instanceof Error ? (cur as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(': ');
}
