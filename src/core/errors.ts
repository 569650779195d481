/**
 * Errors shared by core and the VS Code layer.
 *
 * Cancellation is its own type so that the command wrapper can tell "the user stopped it" from
 * "it failed", and never shows a cancel as an error.
 */
export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
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
}

export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.isCancellationRequested) throw new CancelledError();
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
