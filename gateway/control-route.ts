/**
 * The control API's HTTP edge (`POST /` and `GET /`) on the raw uWS app.
 * It was served through hyper-express, whose per-request Request/Response
 * objects (header maps, body-parser state, stream plumbing) were ~12 % of
 * the gateway's CPU per async enqueue; here a request costs the header reads
 * the control API needs and one copy of its body.
 *
 * What it keeps of hyper-express's behaviour: the body is read whatever the
 * method (a GET's is dropped, as the control API reads only the query then);
 * a body over `maxBodyBytes` (Content-Length or bytes received) is dropped as
 * it arrives and answered with a bare 413 once it has all arrived; below that
 * the control API answers any size problem in its envelope. During a graceful
 * close new requests are refused by closing their connection, and `idle()`
 * waits for those in flight. uWS objects never leave this module.
 */
import type { ControlRequest, ControlResponse } from './control-api';
import type { ControlHeader } from './control-api';
import type { HttpRequest, HttpResponse, TemplatedApp } from './uws';

/** The answer for a body over the limit (hyper-express's: status only, empty body). */
const TOO_LARGE_STATUS = '413 Payload Too Large';

export interface ControlRoute {
  /** Requests being read or answered now. */
  readonly inFlight: number;
  /** From now on new requests are refused (their connection closed); resolves when none is in flight. Idempotent. */
  shutdown(): Promise<void>;
}

export interface ControlRouteOptions {
  /** Largest body buffered for the control API; more is answered 413 after it has been read. */
  maxBodyBytes: number;
  /** Answers one control request (never rejects: faults come back as an envelope; a rejection is answered 500 all the same). */
  handle: (req: ControlRequest) => Promise<ControlResponse>;
  /** What to answer when `handle` rejected: status line and JSON body. */
  internalError: { status: string; body: string };
}

/** Registers `POST /` and `GET /` on `app` (call before listen). */
export function registerControlRoute(app: TemplatedApp, options: ControlRouteOptions): ControlRoute {
  let inFlight = 0;
  // Set by shutdown(): from then on nothing new starts, and the last request to end resolves `drained`.
  let drained: Promise<void> | undefined;
  let onDrained: (() => void) | undefined;
  const done = (): void => {
    if (--inFlight === 0) onDrained?.();
  };

  const handlerOf = (method: 'POST' | 'GET') => (res: HttpResponse, req: HttpRequest): void => {
    if (drained) {
      res.close();
      return;
    }
    inFlight++;
    const exchange = new ControlExchange(res, copyRequest(method, req), options, done);
    exchange.readBody(req.getHeader('content-length'), req.getHeader('transfer-encoding'));
  };
  app.post('/', handlerOf('POST'));
  app.get('/', handlerOf('GET'));

  return {
    get inFlight() {
      return inFlight;
    },
    shutdown() {
      drained ??= inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (onDrained = resolve));
      return drained;
    },
  };
}

/**
 * The parts of a uWS request the control API reads, copied synchronously (uWS frees `req` when the
 * handler returns). One object literal: every request's headers have one shape (an absent header is '').
 */
function copyRequest(method: string, req: HttpRequest): Omit<ControlRequest, 'body'> {
  const headers: Record<ControlHeader, string> = {
    'x-tc-action': req.getHeader('x-tc-action'),
    authorization: req.getHeader('authorization'),
    'content-type': req.getHeader('content-type'),
    host: req.getHeader('host'),
    'x-tc-timestamp': req.getHeader('x-tc-timestamp'),
    'x-tc-version': req.getHeader('x-tc-version'),
    'x-tc-region': req.getHeader('x-tc-region'),
  };
  return { method, query: req.getQuery() ?? '', headers };
}

/** One control request from its head to its answer. */
class ControlExchange {
  private aborted = false;
  /** Chunks received so far (copies: uWS reuses its buffer), or one preallocated buffer filled in place. */
  private chunks: Buffer[] = [];
  private received = 0;
  private tooLarge = false;

  constructor(
    private readonly res: HttpResponse,
    private readonly head: Omit<ControlRequest, 'body'>,
    private readonly options: ControlRouteOptions,
    private readonly done: () => void,
  ) {
    res.onAborted(() => {
      if (this.aborted) return;
      this.aborted = true;
      this.chunks = [];
      this.done();
    });
  }

  /** Starts reading the body (or answers at once when there is none). Inside the uWS handler. */
  readBody(contentLength: string, transferEncoding: string): void {
    const declared = Number(contentLength);
    if (!(declared > 0) && transferEncoding === '') {
      void this.answer(Buffer.alloc(0));
      return;
    }
    if (declared > this.options.maxBodyBytes) this.tooLarge = true;
    // A known length is read into one buffer; a chunked body is collected and joined once.
    const whole = !this.tooLarge && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    this.res.onData((chunk, isLast) => {
      if (this.aborted) return;
      const size = chunk.byteLength;
      if (!this.tooLarge) {
        if (this.received + size > (whole ? whole.length : this.options.maxBodyBytes)) {
          this.tooLarge = true;
          this.chunks = [];
        } else if (whole) {
          whole.set(new Uint8Array(chunk), this.received);
        } else if (size > 0) {
          this.chunks.push(Buffer.from(chunk.slice(0)));
        }
      }
      this.received += size;
      if (!isLast) return;
      if (this.tooLarge) {
        this.finish(() => this.res.writeStatus(TOO_LARGE_STATUS).end());
        return;
      }
      // uWS frames by Content-Length, so `whole` is full here; subarray only guards the impossible.
      void this.answer(whole ? whole.subarray(0, this.received) : this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
    });
  }

  private async answer(body: Buffer): Promise<void> {
    const request: ControlRequest = { ...this.head, body: this.head.method === 'POST' ? body : Buffer.alloc(0) };
    let writeAnswer: () => void;
    try {
      const result = await this.options.handle(request);
      writeAnswer = () =>
        this.res.writeStatus('200 OK').writeHeader('Content-Type', 'application/json').writeHeader('X-TC-RequestId', result.requestId).end(result.body);
    } catch (err) {
      console.error('[gateway] unhandled error:', err);
      const { status, body: errorBody } = this.options.internalError;
      writeAnswer = () => this.res.writeStatus(status).writeHeader('Content-Type', 'application/json').end(errorBody);
    }
    this.finish(writeAnswer);
  }

  /** Writes the answer (corked: it may run after an await) unless the client has gone. */
  private finish(write: () => void): void {
    if (this.aborted) return;
    this.aborted = true;
    this.res.cork(write);
    this.done();
  }
}
