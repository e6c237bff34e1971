/**
 * A request body that is still arriving, as the AsyncIterable the runtime
 * reads (HttpRequestData.bodyStream). The gateway pushes copies of the uWS
 * chunks; when more than `highWater` bytes wait unread it pauses the socket
 * and resumes it once the reader has taken the queue down to `lowWater`,
 * so a slow function never makes the gateway buffer a whole upload.
 */
export class RequestBodyStream implements AsyncIterable<Uint8Array> {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private done = false;
  private error: Error | undefined;
  private waiter: (() => void) | undefined;
  private paused = false;

  /**
   * @param pause stops reading the socket (uWS `res.pause`)
   * @param resume starts it again
   */
  constructor(
    private readonly highWater: number,
    private readonly lowWater: number,
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /** A chunk the gateway owns (already copied out of uWS's buffer). */
  push(chunk: Uint8Array, last: boolean): void {
    if (this.done || this.error) return;
    if (chunk.byteLength > 0) {
      this.queue.push(chunk);
      this.queued += chunk.byteLength;
    }
    if (last) this.done = true;
    else if (!this.paused && this.queued > this.highWater) {
      this.paused = true;
      this.pause();
    }
    this.wake();
  }

  /** Ends the stream with an error (client gone, body too large): the reader's next step throws it. */
  fail(error: Error): void {
    if (this.done || this.error) return;
    this.error = error;
    this.queue.length = 0;
    this.queued = 0;
    this.wake();
  }

  /** True once the last chunk arrived. */
  get complete(): boolean {
    return this.done;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.error) throw this.error;
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.queued -= chunk.byteLength;
        if (this.paused && this.queued <= this.lowWater) {
          this.paused = false;
          this.resume();
        }
        yield chunk;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/** Error the body stream throws when the client went away. */
export class ClientGoneError extends Error {
  readonly code = 'ERR_CLIENT_GONE';
  constructor() {
    super('the client closed the connection before the request body was complete');
    this.name = 'ClientGoneError';
  }
}

/** Error the body stream throws when the body passed the limit. */
export class RequestTooLargeError extends Error {
  readonly code = 'ERR_REQUEST_TOO_LARGE';
  constructor(limit: number) {
    super(`the request body is larger than ${limit} bytes`);
    this.name = 'RequestTooLargeError';
  }
}
