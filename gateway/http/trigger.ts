/**
 * Requests that matched an HTTP (apigw) trigger (spec/triggers.md): the
 * trigger's qualifier picks the version (alias rules read the request's
 * headers). A web function gets the request passed through unchanged — the
 * full path it arrived on, or without the trigger's prefix when the trigger
 * says `stripPrefix` — exactly as on its own route; a WebSocket upgrade on
 * a trigger path reaches it the same way (gateway/ws). An event function
 * gets the integration-request event: the body is collected (up to the
 * sync limit, 406 beyond it), the call runs, and its answer (integrated
 * response, JSON result, or the spec's error body) is written in one cork.
 * A function in async execution mode (AsyncRunEnable) gets the same event
 * queued instead: `202 Accepted` with its RequestId once it is durable.
 * A disabled trigger answers 404 like a path nothing serves.
 */
import { STATUS_CODES } from 'node:http';
import type { ApigwAnswer, ErrorAnswer, HttpTarget, HttpTrigger, InvokeTarget, Platform, RouteMatch } from '../../core';
import { BAD_REQUEST, functionPath, NOT_FOUND, OUTCOMES } from '../../core';
import type { HttpRequest, HttpResponse } from '../uws';
import type { HttpLimits } from './limits';
import { readRequest, type IncomingRequest } from './request';
import { writeError, writeErrorInParser } from './response';
import { CallSignal } from './signal';

/** Serves a request that matched `hit` (call inside the uWS handler, before any await). */
export function serveTrigger(
  res: HttpResponse,
  req: HttpRequest,
  hit: RouteMatch<HttpTrigger>,
  platform: Platform,
  limits: Readonly<HttpLimits>,
  serveWeb: (res: HttpResponse, incoming: IncomingRequest, target: HttpTarget) => void,
  track: { begin(): void; done(): void },
): void {
  const url = req.getUrl();
  const incoming = readRequest(req);
  const route = routeTrigger(hit, platform, incoming, url);
  if (route.kind === 'refused') {
    writeErrorInParser(res, route.answer, undefined, incoming.contentLength > 0 || incoming.chunked);
    return;
  }
  if (route.kind === 'web') {
    serveWeb(res, incoming, route.target);
    return;
  }
  const sourceIp = Buffer.from(res.getRemoteAddressAsText()).toString();
  new EventTriggerCall(res, incoming, url, sourceIp, hit, route.target, platform, limits, track).begin();
}

/** Where a request that matched a trigger goes (HTTP and WebSocket upgrades alike). */
export type TriggerRoute =
  | { kind: 'refused'; answer: ErrorAnswer }
  | { kind: 'web'; target: HttpTarget }
  | { kind: 'event'; target: InvokeTarget };

/**
 * Routes a request that matched `hit`: a disabled trigger or a qualifier
 * that resolves to nothing is refused (404; 500 for a platform fault); a web
 * function gets `incoming` re-pointed at it with the path it sees (as
 * received, or without the trigger's prefix: core's `functionPath`).
 */
export function routeTrigger(hit: RouteMatch<HttpTrigger>, platform: Platform, incoming: IncomingRequest, url: string): TriggerRoute {
  const trigger = hit.value;
  if (!trigger.enabled) return { kind: 'refused', answer: NOT_FOUND };
  const route = platform.apigw.route(trigger, incoming.headers);
  if (route.kind === 'none') return { kind: 'refused', answer: route.notFound ? NOT_FOUND : OUTCOMES.internal };
  if (route.kind === 'event') return route;
  incoming.namespace = trigger.namespace;
  incoming.functionName = trigger.functionName;
  incoming.path = functionPath(trigger.desc, url);
  return route;
}

/** One request to an event function through a trigger, from its first byte to its answer. */
class EventTriggerCall {
  private readonly signal = new CallSignal();
  private readonly requestId: string;
  private readonly startTime = Date.now();
  private aborted = false;
  private chunks: Buffer[] = [];
  private received = 0;

  constructor(
    private readonly res: HttpResponse,
    private readonly incoming: IncomingRequest,
    private readonly url: string,
    private readonly sourceIp: string,
    private readonly hit: RouteMatch<HttpTrigger>,
    private readonly target: InvokeTarget,
    private readonly platform: Platform,
    private readonly limits: Readonly<HttpLimits>,
    private readonly track: { begin(): void; done(): void },
  ) {
    this.requestId = platform.http.newRequestId();
  }

  begin(): void {
    const { res, incoming, limits } = this;
    if (Number.isNaN(incoming.contentLength)) {
      writeErrorInParser(res, BAD_REQUEST, this.requestId, true);
      return;
    }
    if (incoming.contentLength > limits.maxRequestBodyBytes) {
      this.platform.apigw.reject(this.target, this.requestId, this.startTime, 'request_too_large', `the request body (Content-Length ${incoming.contentLength}) is larger than ${limits.maxRequestBodyBytes} bytes`);
      writeErrorInParser(res, OUTCOMES.request_too_large, this.requestId, true);
      return;
    }
    this.track.begin();
    res.onAborted(() => {
      this.aborted = true;
      this.signal.abort(new Error('client gone'));
    });
    if (!(incoming.contentLength > 0 || incoming.chunked)) {
      this.run(Buffer.alloc(0));
      return;
    }
    res.onData((chunk, isLast) => {
      if (this.aborted || this.received < 0) return;
      this.received += chunk.byteLength;
      if (this.received > limits.maxRequestBodyBytes) {
        this.received = -1; // refused: ignore the rest
        this.platform.apigw.reject(this.target, this.requestId, this.startTime, 'request_too_large', `the request body is larger than ${limits.maxRequestBodyBytes} bytes`);
        writeErrorInParser(res, OUTCOMES.request_too_large, this.requestId, true);
        this.track.done();
        return;
      }
      // uWS neuters `chunk` when this callback returns: copy it.
      this.chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) this.run(Buffer.concat(this.chunks));
    });
  }

  private run(body: Buffer): void {
    const q = this.url.indexOf('?');
    const request = {
      method: this.incoming.method.toUpperCase(),
      path: q === -1 ? this.url : this.url.slice(0, q),
      query: this.incoming.query,
      headers: this.incoming.headers,
      body,
      sourceIp: this.sourceIp,
      pathParameters: this.hit.params,
    };
    this.chunks = [];
    // A function in async execution mode answers every call at once: queued, 202 with the RequestId (core/async).
    const answered = this.target.resolved.asyncRunEnable
      ? this.platform.async.queueTriggerCall(this.target, this.hit.value, request, this.requestId)
      : this.platform.apigw.invokeEvent(this.target, this.hit.value, request, this.requestId, this.signal.asAbortSignal());
    answered
      .then((answer) => this.answer(answer))
      .catch((err: unknown) => {
        console.error('[gateway] trigger call failed:', err);
        if (!this.aborted) this.res.cork(() => writeError(this.res, OUTCOMES.internal, this.requestId));
      })
      .finally(() => this.track.done());
  }

  private answer(answer: ApigwAnswer): void {
    if (this.aborted) return;
    const { res } = this;
    res.cork(() => {
      res.writeStatus(`${answer.status} ${answer.statusText || STATUS_CODES[answer.status] || ''}`);
      for (const [name, value] of answer.headers) res.writeHeader(name, value);
      res.end(this.incoming.method.toUpperCase() === 'HEAD' ? '' : answer.body);
    });
  }
}
