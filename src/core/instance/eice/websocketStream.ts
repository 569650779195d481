/**
 * A websocket as a byte stream, for ssh2's `sock`: binary frames in and out, with backpressure
 * both ways and a close or an error on either side ending the other.
 *
 * - Reading: a frame is pushed; when the reader is full the websocket is paused (ws stops reading
 *   its TCP socket, so the sender is slowed by TCP) until the reader asks for more.
 * - Writing: a write's callback waits until ws has handed the frame to its socket, so the stream's
 *   writable buffer fills — and `write()` returns false — while the network is slower than the writer.
 * - Closing: ending the stream closes the websocket (1000) and reads on to the other side's close;
 *   destroying it with an error terminates the websocket; the websocket's close ends the stream
 *   (or destroys it with `explainClose`'s error).
 */
import { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { t } from '../../l10n';

export interface WebSocketClose {
  readonly code: number;
  readonly reason: string;
  /** We closed it (end or destroy of the stream) before the other side did. */
  readonly byUs: boolean;
  /** Date.now() at the close. */
  readonly at: number;
}

export interface WebSocketStreamOptions {
  /** An error for an unexpected close (the stream is destroyed with it); undefined: a normal end. */
  readonly explainClose?: (close: WebSocketClose) => Error | undefined;
}

/** WebSocket.OPEN, without loading ws for the constant. */
const OPEN = 1;
const CONNECTING = 0;

export class WebSocketStream extends Duplex {
  /** Settles when the websocket has closed, however it closed. */
  readonly whenClosed: Promise<WebSocketClose>;
  private closedByUs = false;
  private written = 0;
  private received = 0;

  constructor(
    private readonly ws: WebSocket,
    options: WebSocketStreamOptions = {},
  ) {
    // No half-open state: a websocket cannot end one direction only.
    super({ allowHalfOpen: false });
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        this.destroy(new Error(t('The tunnel sent text instead of the instance\'s bytes; closing it.')));
        return;
      }
      // Read on after our close, so that ws sees the other side's close: nobody wants the bytes.
      if (this.destroyed) return;
      this.received += (data as Buffer).length;
      if (!this.push(data as Buffer)) ws.pause();
    });
    // Kept for the websocket's life: an 'error' without a listener would crash the host.
    ws.on('error', (err) => this.destroy(err));
    this.whenClosed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        const close: WebSocketClose = { code, reason: reason.toString('utf8'), byUs: this.closedByUs, at: Date.now() };
        resolve(close);
        const err = close.byUs ? undefined : options.explainClose?.(close);
        if (err) this.destroy(err);
        else {
          this.push(null);
          // The reader may never read to the end (ssh2 stops once the connection is gone).
          setImmediate(() => this.destroy());
        }
      });
    });
  }

  /**
   * Bytes handed to the websocket so far, as net.Socket counts them: the SSH leg's prompt-ACK
   * check (a read not followed by a write of ours) reads it from whatever `sock` it is given.
   */
  get bytesWritten(): number {
    return this.written;
  }

  /** Bytes the other side sent so far: none before a close means sshd never said a word. */
  get bytesRead(): number {
    return this.received;
  }

  /** The other side's bytes in flight to us are the websocket's to hold until the reader wants them. */
  override _read(): void {
    if (this.ws.isPaused) this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== OPEN) {
      callback(new Error(t('The tunnel is closed.')));
      return;
    }
    this.written += chunk.length;
    this.ws.send(chunk, { binary: true }, (err) => callback(err ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closedByUs = true;
    if (this.ws.readyState === OPEN) this.closeReading();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === OPEN || this.ws.readyState === CONNECTING) {
      this.closedByUs = true;
      if (error) this.ws.terminate();
      else this.closeReading();
    }
    callback(error);
  }

  /**
   * Closes with 1000 and reads on: a websocket paused for a full reader would never read the other
   * side's close, and would hold the connection until ws's own close timeout (30 s).
   */
  private closeReading(): void {
    this.ws.close(1000);
    if (this.ws.isPaused) this.ws.resume();
  }
}
