/**
 * Writes a web function's response to a uWS HttpResponse: the runtime's
 * HttpResponseSink. Every write after an await is corked; a small complete
 * response (start + one write + end in one tick, which the runtime delivers
 * for non-streamed bodies) goes out as status line + headers + body with a
 * Content-Length in one cork; streamed bodies use chunked encoding and
 * honour backpressure (`write` returns false until `onWritable`).
 *
 * Header policy (spec §2): the function's headers total at most
 * `maxResponseHeaderBytes` (name + value + 4 per header) or the call ends
 * as 500 InternalError (logged with the reason); `Connection`, `Keep-Alive`,
 * `Transfer-Encoding`, `Content-Length` and `Date` are the platform's (uWS
 * writes them) and the function's copies are dropped; `X-Scf-Request-Id` is
 * added. Names must be HTTP tokens and values free of CR/LF/NUL, or 500.
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorAnswer, GatewayFailure, HttpCallSink, Outcome } from '../../core';
import { errorBodyOf, OUTCOMES } from '../../core';
import type { HttpResponse } from '../uws';

const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'x-scf-request-id']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;

const statusLines = new Map<number, string>();
/** "200 OK", "404 Not Found", … cached per code. */
export function statusLine(code: number): string {
  let line = statusLines.get(code);
  if (line === undefined) {
    line = `${code} ${STATUS_CODES[code] ?? 'Unknown'}`;
    statusLines.set(code, line);
  }
  return line;
}

/**
 * Writes the spec's error body (`{"errorCode":-1,"errorMessage":…,"statusCode":…}`) of an
 * outcome's row (or of NOT_FOUND / BAD_REQUEST) with its status. Call inside a cork or the route
 * handler. An answer to HEAD carries the body's Content-Length and no body (RFC 9110 §9.3.2):
 * bytes after the head would be read by the client as the start of its next response.
 */
export function writeError(res: HttpResponse, answer: ErrorAnswer, requestId: string | undefined, closeConnection = false, head = false): void {
  res.writeStatus(`${answer.status} ${answer.name}`);
  res.writeHeader('Content-Type', 'application/json');
  if (requestId) res.writeHeader('X-Scf-Request-Id', requestId);
  const body = errorBodyOf(answer);
  if (head) endWithoutBody(res, Buffer.byteLength(body), closeConnection);
  else res.end(body, closeConnection);
}

/**
 * `writeError` from inside uWS's parser (a route handler or an `onData` callback), closing the
 * connection when `closeConnection` is set. uWS parses every request in a packet in one go: a
 * closing answer ended inside the parser is written, then uWS starts the next request it finds in
 * the same bytes — pipelined, in an unread body, or in a chunked body's trailer section, which uWS
 * parses as a request line — serves it and forgets the close (RFC 9112 §9.6: no further request
 * after `close`). Answered one event-loop turn later instead, this request is still pending when
 * uWS meets those bytes, and uWS then closes the connection without starting them.
 */
export function writeErrorInParser(res: HttpResponse, answer: ErrorAnswer, requestId: string | undefined, closeConnection: boolean, head = false): void {
  if (!closeConnection) {
    writeError(res, answer, requestId, false, head);
    return;
  }
  let gone = false;
  res.onAborted(() => (gone = true));
  setImmediate(() => {
    if (!gone) res.cork(() => writeError(res, answer, requestId, true, head));
  });
}

/**
 * `writeError` for a request whose body will not be read (over the limit): the answer says
 * `Connection: close` but the socket stays open while the client is still sending. Closing with
 * the body unread makes the kernel reset the connection, and a client or proxy that is still
 * writing (nginx sends the whole body before it reads) loses the answer; uWS reads and drops
 * the rest of the body, and the client closes as told (or uWS's idle timeout does).
 */
export function writeErrorAskingClose(res: HttpResponse, answer: ErrorAnswer, requestId: string | undefined, head = false): void {
  res.writeStatus(`${answer.status} ${answer.name}`);
  res.writeHeader('Content-Type', 'application/json');
  if (requestId) res.writeHeader('X-Scf-Request-Id', requestId);
  res.writeHeader('Connection', 'close');
  const body = errorBodyOf(answer);
  if (head) endWithoutBody(res, Buffer.byteLength(body), false);
  else res.end(body);
}

/**
 * Ends a response that has no body on the wire: 204 and 304 (no Content-Length, RFC 9110
 * §8.6) and answers to HEAD (the GET body's length when known). Both of uWS's own ways are
 * wrong here: a length argument leaves the response pending (uWS waits for that many body
 * bytes, so the next request on the connection is refused), and a missing one with a close
 * flag is read as NaN (Content-Length 9223372036854775808). So the length and the close
 * are plain headers; a connection that must close is closed by the client, which was told.
 */
function endWithoutBody(res: HttpResponse, contentLength: number | undefined, close: boolean): void {
  if (contentLength !== undefined) res.writeHeader('Content-Length', String(contentLength));
  if (close) res.writeHeader('Connection', 'close');
  res.endWithoutBody();
}

/**
 * The last frozen header list that passed `acceptHeaders`, with what it kept: a function answers with
 * the same headers call after call and the runtime hands over one frozen list for them, so the
 * check (two regular expressions and a lower-casing per header) runs once per distinct list.
 */
let lastAccepted: { headers: Array<[string, string]>; dropped: ReadonlySet<string>; bytes: number; kept: Array<[string, string]> } | undefined;

/**
 * Where the sink schedules its end-of-tick flush: a reaction on a settled promise runs in the same
 * microtask queue as `queueMicrotask`'s callbacks, without the AsyncResource and bound function
 * Node's `queueMicrotask` makes per call (~1 µs of the gateway's thread per response, measured apart).
 */
const RESOLVED = Promise.resolve();

/** True for the statuses whose responses never carry a body (RFC 9110 §6.4.1): 1xx, 204, 304. */
const isBodyless = (status: number): boolean => status === 204 || status === 304 || status < 200;

export interface SinkOptions {
  requestId: string;
  head: boolean;
  maxHeaderBytes: number;
  /** True when the response must close the connection (the request body is not fully read, or was chunked). */
  mustClose: () => boolean;
  /** The gateway decided to end the call (bad headers): stop the function. */
  onFailure: () => void;
  /** Drops the request's headers once the runtime has them (a WebSocket call lives on; they are garbage then). */
  releaseRequest: () => void;
}

export class UwsResponseSink implements HttpCallSink {
  onResponseEnd: (() => void) | undefined = undefined;
  /** Set by the gateway's onAborted: `res` must not be touched any more. */
  aborted = false;
  /** Bytes of the response (status line or body) handed to uWS. */
  flushed = false;
  /** The response is complete (`res.end` called) or the connection was closed. */
  finished = false;
  private failed: GatewayFailure | undefined;
  private status = 0;
  private headers: Array<[string, string]> | undefined;
  private pendingChunk: Uint8Array | undefined;
  /** Body bytes the function produced for a HEAD request (never sent; they give its Content-Length). */
  private headBodyBytes = 0;
  /** The function's own Content-Length (dropped from the head; kept for a HEAD answer without body bytes). */
  private declaredLength: number | undefined;
  private flushScheduled = false;
  private backpressured = false;
  private drainWaiter: (() => void) | undefined;
  private writableHooked = false;

  constructor(
    protected readonly res: HttpResponse,
    protected readonly options: SinkOptions,
  ) {}

  failure(): GatewayFailure | undefined {
    return this.failed;
  }

  /** Ends the call on the gateway's side (client gone, body too large, bad headers); the first reason wins. */
  fail(outcome: Outcome, message: string): void {
    if (this.failed) return;
    this.failed = { outcome, message };
    this.pendingChunk = undefined;
    this.wakeDrain();
    this.options.onFailure();
  }

  /** True when nothing can be written any more (gone, failed or done). */
  private get dead(): boolean {
    return this.aborted || this.failed !== undefined || this.finished;
  }

  start(status: number, headers: Array<[string, string]>): void {
    if (this.dead || this.headers) return;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      this.fail('internal', `the function answered HTTP status ${status}; expected 200-599`);
      return;
    }
    const kept = this.acceptHeaders(headers, DROPPED);
    if (kept === undefined) return;
    if (this.options.head) {
      const declared = headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1];
      if (declared !== undefined && /^\d{1,15}$/.test(declared)) this.declaredLength = Number(declared);
    }
    this.status = status;
    this.headers = kept;
  }

  /**
   * The function's response headers the platform passes on (those in `dropped` are the
   * platform's); undefined after failing the call (500) when one is invalid or they are too big.
   */
  protected acceptHeaders(headers: Array<[string, string]>, dropped: ReadonlySet<string>): Array<[string, string]> | undefined {
    const last = lastAccepted;
    if (last !== undefined && last.headers === headers && last.dropped === dropped) {
      if (last.bytes <= this.options.maxHeaderBytes) return last.kept;
    }
    let bytes = 0;
    const kept: Array<[string, string]> = [];
    for (const pair of headers) {
      const [name, value] = pair;
      bytes += name.length + value.length + 4;
      if (!TOKEN.test(name) || BAD_VALUE.test(value)) {
        this.fail('internal', `the function's response header ${JSON.stringify(name)} is not a valid HTTP header`);
        return undefined;
      }
      if (!dropped.has(name.toLowerCase())) kept.push(pair);
    }
    if (bytes > this.options.maxHeaderBytes) {
      this.fail('internal', `the function's response headers are ${bytes} bytes, over the ${this.options.maxHeaderBytes}-byte limit`);
      return undefined;
    }
    // Only a frozen list can be trusted to hold the same pairs next time (the isolate runtime's are).
    if (Object.isFrozen(headers)) lastAccepted = { headers, dropped, bytes, kept: Object.freeze(kept) as Array<[string, string]> };
    return kept;
  }

  /** The call ended (its outcome is recorded): a hook for sinks that outlive the response (WebSocket). */
  settled(_outcome: Outcome): void {}

  write(chunk: Uint8Array): boolean {
    if (this.dead || !this.headers) return true;
    if (this.options.head) {
      this.headBodyBytes += chunk.byteLength;
      return true;
    }
    if (chunk.byteLength === 0 || isBodyless(this.status)) return true;
    if (!this.flushed && this.pendingChunk === undefined) {
      // Hold the first chunk for the rest of this tick: if `end` follows at once the whole response is one send with a Content-Length.
      this.pendingChunk = chunk;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        void RESOLVED.then(() => this.flushPending());
      }
      return true;
    }
    let ok = true;
    this.res.cork(() => {
      if (!this.flushed) this.writeHead();
      const pending = this.pendingChunk;
      if (pending !== undefined) {
        this.pendingChunk = undefined;
        this.res.write(pending);
      }
      ok = this.res.write(chunk);
    });
    if (!ok) this.backpressured = true;
    return ok;
  }

  drained(): Promise<void> {
    if (!this.backpressured || this.dead) return Promise.resolve();
    if (!this.writableHooked) {
      this.writableHooked = true;
      this.res.onWritable(() => {
        this.backpressured = false;
        this.wakeDrain();
        return true;
      });
    }
    return new Promise((resolve) => (this.drainWaiter = resolve));
  }

  end(): void {
    if (this.dead || !this.headers) return;
    this.finished = true;
    const close = this.options.mustClose();
    this.res.cork(() => {
      if (!this.flushed) {
        this.writeHead();
        const chunk = this.pendingChunk;
        this.pendingChunk = undefined;
        if (isBodyless(this.status)) endWithoutBody(this.res, undefined, close);
        else if (this.options.head) endWithoutBody(this.res, this.headBodyBytes > 0 ? this.headBodyBytes : this.declaredLength, close);
        else this.res.end(chunk ?? '', close);
      } else {
        const chunk = this.pendingChunk;
        this.pendingChunk = undefined;
        if (chunk !== undefined) this.res.write(chunk);
        this.res.end(undefined, close);
      }
    });
    this.onResponseEnd?.();
  }

  /** The runtime cannot complete a response it started: drop the connection so the client sees it truncated. */
  abort(_reason: string): void {
    if (this.aborted || this.finished) return;
    if (!this.flushed) {
      // Nothing on the wire yet: forget the head; the gateway answers the error body instead.
      this.headers = undefined;
      this.pendingChunk = undefined;
      return;
    }
    this.close();
  }

  /** Closes the connection (response half-sent, or abandoned). */
  close(): void {
    if (this.aborted || this.finished) return;
    this.finished = true;
    this.wakeDrain();
    this.res.close();
  }

  /** Answers the outcome's error body when nothing of the response was sent; else closes the connection. */
  answerError(outcome: Outcome): void {
    if (this.aborted || this.finished) return;
    if (this.flushed) {
      this.close();
      return;
    }
    this.finished = true;
    const close = this.options.mustClose();
    this.res.cork(() => writeError(this.res, OUTCOMES[outcome], this.options.requestId, close, this.options.head));
  }

  private flushPending(): void {
    this.flushScheduled = false;
    const chunk = this.pendingChunk;
    if (chunk === undefined || this.dead || this.flushed) return;
    this.pendingChunk = undefined;
    let ok = true;
    this.res.cork(() => {
      this.writeHead();
      ok = this.res.write(chunk);
    });
    if (!ok) this.backpressured = true;
  }

  /** Status line and headers (inside a cork). */
  private writeHead(): void {
    this.flushed = true;
    const res = this.res;
    res.writeStatus(statusLine(this.status));
    for (const [name, value] of this.headers!) res.writeHeader(name, value);
    res.writeHeader('X-Scf-Request-Id', this.options.requestId);
  }

  private wakeDrain(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }
}
