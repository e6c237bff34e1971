/**
 * The data plane: every web function at `/<namespace>/<function>/<rest>`
 * (and `/<namespace>/<function>`, path `/`), any method, on the raw uWS app.
 *
 * Per request, synchronously in the uWS handler: copy the request
 * (request.ts), route it (core, cached), register `onAborted`, then either
 * collect a small body (Content-Length ≤ bufferedBodyBytes, one copy) or
 * start the call at once with the body streaming in (RequestBodyStream,
 * pause/resume). The qualifier comes from the `X-Scf-Qualifier` request
 * header (else `$DEFAULT`); the function never sees that header.
 *
 * Endings: unknown function/qualifier or an Event function → 404 and the
 * spec's error body; a non-Isolate web runtime → 500; Content-Length over
 * 6 MB → 406 at once (Connection: close, the body dropped as it comes); a chunked body
 * crossing 6 MB → 406 as soon as it does (the function's body stream throws
 * and the call is stopped); client gone → the call is aborted and logged as
 * 499, nothing is written. uWS objects never leave this folder.
 */
import type { HttpCallResult, HttpRequestData, HttpTarget, Platform } from '../../core';
import { BAD_REQUEST, NOT_FOUND, NOT_IMPLEMENTED, OUTCOMES, type ErrorAnswer } from '../../core';
import type { HttpRequest, HttpResponse, TemplatedApp } from '../uws';
import { ClientGoneError, RequestBodyStream, RequestTooLargeError } from './body';
import { resolveLimits, type HttpLimits } from './limits';
import { headersJsonOf, readRequest, urlOf, type IncomingRequest } from './request';
import { UwsResponseSink, writeErrorAskingClose, writeErrorInParser, type SinkOptions } from './response';
import { CallSignal } from './signal';
import { serveTrigger } from './trigger';

export { DEFAULT_HTTP_LIMITS, QUALIFIER_HEADER, type HttpLimits } from './limits';
export { readRequest, type IncomingRequest } from './request';
export { UwsResponseSink, writeError, type SinkOptions } from './response';
export { routeTrigger, type TriggerRoute } from './trigger';

/** Makes the response sink of a call (the WebSocket routes make one that can upgrade). */
export type SinkFactory = (res: HttpResponse, options: SinkOptions) => UwsResponseSink;

/** In-flight data-plane requests, for a graceful close. */
export interface DataPlane {
  readonly inFlight: number;
  /** Resolves when no request is in flight (at once if none). */
  idle(): Promise<void>;
  /**
   * Runs a routed request (inside the uWS handler, before it returns): the
   * X-Scf-* headers, the body limits, then the call. `makeSink` defaults to
   * a plain response sink.
   */
  serve(res: HttpResponse, incoming: IncomingRequest, target: HttpTarget, makeSink?: SinkFactory): void;
}

/** Registers the data-plane routes on `app` (call before listen). */
export function registerHttpRoutes(app: TemplatedApp, platform: Platform, overrides: Partial<HttpLimits> = {}): DataPlane {
  const limits = resolveLimits(overrides);
  const http = platform.http;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const done = (): void => {
    if (--inFlight === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const track = {
    begin: () => void inFlight++,
    done,
  };
  /** An HTTP trigger's path wins (triggers never shadow a namespace: core/routing/triggers.ts); one tree lookup per request. */
  const servedByTrigger = (res: HttpResponse, req: HttpRequest): boolean => {
    if (platform.triggers.routeCount === 0) return false;
    const url = req.getUrl();
    const hit = platform.triggers.match(req.getMethod().toUpperCase(), url);
    if (hit === undefined) return false;
    serveTrigger(res, req, hit, platform, limits, serve, track);
    return true;
  };

  const handler = (res: HttpResponse, req: HttpRequest): void => {
    if (servedByTrigger(res, req)) return;
    const incoming = readRequest(req);
    const route = http.route(incoming.namespace, incoming.functionName, incoming.qualifier || '$DEFAULT', incoming.headers);
    if (!route.ok) {
      // A body the client may be sending is not read: the connection closes after the answer.
      writeErrorInParser(res, route.notFound ? NOT_FOUND : OUTCOMES.internal, undefined, incoming.contentLength > 0 || incoming.chunked, incoming.method === 'HEAD');
      return;
    }
    serve(res, incoming, route.target);
  };

  const serve = (res: HttpResponse, incoming: IncomingRequest, target: HttpTarget, makeSink?: SinkFactory): void => {
    const requestId = http.newRequestId();
    const startTime = Date.now();
    incoming.headers.push(['x-scf-request-id', requestId]);
    for (const pair of target.scfHeaders) incoming.headers.push([pair[0], pair[1]]);

    if (Number.isNaN(incoming.contentLength) || incoming.unsupportedCoding) {
      // Ambiguous body framing (two different Content-Lengths, one that is not a number, an unknown
      // coding): uWS framed the body one way, and bytes another framing reads as a request never start one.
      writeErrorInParser(res, incoming.unsupportedCoding ? NOT_IMPLEMENTED : BAD_REQUEST, requestId, true, incoming.method === 'HEAD');
      return;
    }
    if (incoming.contentLength > limits.maxRequestBodyBytes) {
      http.reject(target, requestId, startTime, 'request_too_large', `the request body (Content-Length ${incoming.contentLength}) is larger than ${limits.maxRequestBodyBytes} bytes`);
      writeErrorAskingClose(res, OUTCOMES.request_too_large, requestId, incoming.method === 'HEAD');
      return;
    }

    inFlight++;
    const call = new Call(res, incoming, target, requestId, startTime, limits, platform, done, makeSink);
    call.begin();
  };
  // One-segment paths are only ever HTTP triggers' (function routes have two or more segments).
  app.any('/:segment', (res, req) => {
    if (!servedByTrigger(res, req)) writeErrorInParser(res, NOT_FOUND, undefined, req.getHeader('content-length') !== '' || req.getHeader('transfer-encoding') !== '');
  });
  app.any('/:namespace/:function', handler);
  app.any('/:namespace/:function/*', handler);

  return {
    get inFlight() {
      return inFlight;
    },
    idle() {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
    serve,
  };
}

/** One data-plane request from its first byte to its log record. */
class Call {
  private readonly controller = new CallSignal();
  private readonly sink: UwsResponseSink;
  private stream: RequestBodyStream | undefined;
  /** Body bytes received so far. */
  private received = 0;
  private bodyComplete: boolean;
  private started = false;
  private aborted = false;
  /** The request handed to the core (kept so a WebSocket call can drop its headers after the upgrade). */
  private request: HttpRequestData | null = null;

  constructor(
    private readonly res: HttpResponse,
    private readonly incoming: IncomingRequest,
    private readonly target: HttpTarget,
    private readonly requestId: string,
    private readonly startTime: number,
    private readonly limits: Readonly<HttpLimits>,
    private readonly platform: Platform,
    private readonly done: () => void,
    makeSink: SinkFactory = (r, options) => new UwsResponseSink(r, options),
  ) {
    this.bodyComplete = !(incoming.contentLength > 0 || incoming.chunked);
    this.sink = makeSink(res, {
      requestId,
      head: incoming.method === 'HEAD',
      maxHeaderBytes: limits.maxResponseHeaderBytes,
      // Unread body: not worth reading to keep the connection.
      mustClose: () => !this.bodyComplete,
      onFailure: () => this.controller.abort(),
      releaseRequest: () => {
        this.incoming.headers.length = 0;
        this.incoming.headersJson = '';
        if (this.request) this.request.headersJson = '';
      },
    });
  }

  /** Runs synchronously inside the uWS handler. */
  begin(): void {
    const { res, incoming } = this;
    res.onAborted(() => this.onAborted());
    if (this.bodyComplete) {
      this.run(null, undefined);
      return;
    }
    if (!incoming.chunked && incoming.contentLength <= this.limits.bufferedBodyBytes) {
      // Fast path: collect the whole (small) body into one buffer, then call.
      const body = Buffer.allocUnsafe(incoming.contentLength);
      res.onData((chunk, isLast) => {
        if (this.aborted) return;
        const bytes = new Uint8Array(chunk);
        if (this.received + bytes.byteLength <= body.byteLength) body.set(bytes, this.received);
        this.received += bytes.byteLength;
        if (isLast) {
          this.bodyComplete = true;
          this.run(this.received === body.byteLength ? body : body.subarray(0, Math.min(this.received, body.byteLength)), undefined);
        }
      });
      return;
    }
    // Streaming: the call starts now; the body follows as it arrives, under backpressure.
    const stream = new RequestBodyStream(
      this.limits.streamHighWaterBytes,
      this.limits.streamLowWaterBytes,
      () => {
        if (!this.aborted && !this.sink.finished) res.pause();
      },
      () => {
        if (!this.aborted && !this.sink.finished) res.resume();
      },
    );
    this.stream = stream;
    res.onData((chunk, isLast) => {
      // After the response (or a failure) the rest of the body is read and dropped, never buffered.
      if (this.aborted || this.sink.failure() || this.sink.finished) return;
      this.received += chunk.byteLength;
      if (this.received > this.limits.maxRequestBodyBytes) {
        stream.fail(new RequestTooLargeError(this.limits.maxRequestBodyBytes));
        this.sink.fail('request_too_large', `the request body is larger than ${this.limits.maxRequestBodyBytes} bytes`);
        // Answer now if nothing was sent: the call may take a while to notice the abort.
        this.sink.answerError('request_too_large');
        return;
      }
      // uWS neuters `chunk` when this callback returns: copy it.
      stream.push(new Uint8Array(chunk.slice(0)), isLast);
      if (isLast) this.bodyComplete = true;
    });
    this.run(null, stream);
  }

  private run(body: Uint8Array | null, bodyStream: RequestBodyStream | undefined): void {
    if (this.started) return;
    this.started = true;
    const request: HttpRequestData = (this.request = {
      method: this.incoming.method,
      url: urlOf(this.incoming),
      headers: this.incoming.headers,
      headersJson: headersJsonOf(this.incoming, this.requestId, this.target.scfHeadersJson),
      body,
      ...(bodyStream ? { bodyStream } : {}),
    });
    this.platform.http
      .invoke(this.target, this.requestId, request, this.sink, this.controller.asAbortSignal())
      .then((result) => this.finish(result))
      .catch((err: unknown) => {
        console.error('[gateway] data-plane call failed:', err);
        this.finish({ requestId: this.requestId, outcome: 'internal', responseStarted: false });
      });
  }

  private finish(result: HttpCallResult): void {
    try {
      const sink = this.sink;
      sink.settled(result.outcome);
      if (this.aborted || sink.finished) return;
      // The function produced no complete response: the spec's error body, or a dropped connection when part was sent.
      sink.answerError(result.outcome === 'ok' ? 'internal' : result.outcome);
    } finally {
      this.done();
    }
  }

  private onAborted(): void {
    this.aborted = true;
    this.sink.aborted = true;
    this.stream?.fail(new ClientGoneError());
    if (!this.started) {
      // Gone while the (small) body was still arriving: the function never ran; log it as canceled.
      this.platform.http.reject(this.target, this.requestId, this.startTime, 'canceled', 'the client closed the connection before the request body was complete');
      this.done();
      return;
    }
    // A connection we closed ourselves (a half-sent response the runtime could not complete) keeps the runtime's status.
    if (!this.sink.finished) this.sink.fail('canceled', 'the client closed the connection before the response was complete');
  }
}
