/**
 * HTTP invocation of web functions (platform-semantics §2): the data plane's
 * core half. The gateway turns a uWS request into plain data, asks `route()`
 * which version serves it (synchronous, cached), then `invoke()` runs it
 * through the pipeline (admission → the executor's serveHttp, the response
 * streaming into the gateway's sink → one log record and one metrics
 * record, whatever the ending). A WebSocket is an HTTP call whose response
 * was an upgrade: it lasts as long as the connection.
 *
 * Per-instance concurrency: a web function with InstanceConcurrencyConfig
 * MaxConcurrency N > 1 runs with N slots per instance; the capacity owner
 * holds its memory per instance, not per request.
 */
import type { HttpExecutorOutcome, HttpRequestData, HttpResponseSink } from '../../executor';
import { isApiError } from '../errors';
import type { FunctionService } from '../functions';
import type { Outcome } from '../outcomes';
import type { ResolvedVersion, RoutingKeys, VersionResolver } from '../routing';
import type { Ended, InvocationPipeline } from './pipeline';
import { newRequestId } from './request-id';
import { NotRunnableError, type HttpTarget, type Targets } from './targets';

/** Why the gateway ended a call itself (it wins over the executor's outcome in the log and metrics). */
export interface GatewayFailure {
  outcome: Outcome;
  message: string;
}

/** The gateway's response sink, plus what it decided on its own (client gone, body over the limit, bad headers). */
export interface HttpCallSink extends HttpResponseSink {
  failure(): GatewayFailure | undefined;
  /**
   * Set by the core before the call; the sink calls it once when the
   * response is complete (its `end()`), which can be a frame earlier than
   * the call's outcome arrives.
   */
  onResponseEnd: (() => void) | undefined;
}

export interface HttpCallResult {
  requestId: string;
  /** How the call ended: 'ok' when the function answered, whatever its HTTP status. */
  outcome: Outcome;
  /** The executor started a response into the sink. */
  responseStarted: boolean;
}

/** A route that does not lead to a call: no such function/qualifier (or an Event function), or a runtime that cannot serve HTTP here. */
export type HttpRoute = { ok: true; target: HttpTarget } | { ok: false; notFound: boolean; message: string };

/** The X-Scf-* request headers the platform sets (lower case); callers' copies are dropped. */
export const PLATFORM_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'x-scf-request-id',
  'x-scf-memory',
  'x-scf-timeout',
  'x-scf-version',
  'x-scf-name',
  'x-scf-namespace',
  'x-scf-region',
  'x-scf-appid',
  'x-scf-uin',
]);

/** Unknown (namespace, function, qualifier) triples are remembered this long, so a scan of bad URLs does not read SQLite per request. */
const NOT_FOUND_TTL_MS = 1000;
const NOT_FOUND_MAX = 10_000;

export class HttpInvocationService {
  private readonly notFound = new Map<string, { until: number; route: HttpRoute }>();
  private readonly routes = new WeakMap<ResolvedVersion, HttpRoute>();

  constructor(
    private readonly resolver: VersionResolver,
    private readonly targets: Targets,
    private readonly pipeline: InvocationPipeline,
    functions: FunctionService,
  ) {
    // A created function (or alias) must be reachable at once.
    functions.onChange(() => this.notFound.clear());
  }

  /**
   * Which version serves `/<namespace>/<functionName>/…` with `qualifier`
   * ('$DEFAULT' when the caller named none). Synchronous; reads SQLite only
   * on the first call of a version (the resolver caches it) or of an
   * unknown name once a second. Not found: no such namespace, function or
   * qualifier, or an Event function; else not runnable: a runtime no
   * executor here serves. `headers` (lower-case names) are what an
   * alias's rules match against.
   */
  route(namespace: string, functionName: string, qualifier: string, headers?: RoutingKeys): HttpRoute {
    // The common case (no unknown names seen lately) skips building the key.
    const cacheKey = this.notFound.size > 0 ? `${namespace}\u0000${functionName}\u0000${qualifier}` : '';
    const miss = cacheKey === '' ? undefined : this.notFound.get(cacheKey);
    if (miss !== undefined) {
      if (miss.until > Date.now()) return miss.route;
      this.notFound.delete(cacheKey);
    }
    let resolved: ResolvedVersion;
    try {
      resolved = this.resolver.resolve(namespace, functionName, qualifier, headers);
    } catch (err) {
      const route: HttpRoute = { ok: false, notFound: isApiError(err) && err.code.startsWith('ResourceNotFound'), message: (err as Error).message };
      if (this.notFound.size >= NOT_FOUND_MAX) this.notFound.clear();
      this.notFound.set(`${namespace}\u0000${functionName}\u0000${qualifier}`, { until: Date.now() + NOT_FOUND_TTL_MS, route });
      return route;
    }
    let route = this.routes.get(resolved);
    if (route === undefined) {
      route = this.routeOf(resolved, functionName);
      this.routes.set(resolved, route);
    }
    return route;
  }

  /** A fresh RequestId (the X-Scf-Request-Id the function and the caller see). */
  newRequestId(): string {
    return newRequestId();
  }

  /**
   * Runs one request through the pipeline; the response goes into `sink`.
   * Never rejects. When the result says `responseStarted: false`
   * (throttled, failed before answering) the gateway answers the spec's
   * error body for the outcome itself.
   */
  async invoke(target: HttpTarget, requestId: string, request: HttpRequestData, sink: HttpCallSink, signal: AbortSignal): Promise<HttpCallResult> {
    const startTime = Date.now();
    const { executor, spec } = target;
    const { ended, executed } = await this.pipeline.call<HttpExecutorOutcome>({
      target,
      requestId,
      startTime,
      run: (ticket) => {
        // The call stops counting for scale-out when its response is complete, not when its outcome frame
        // arrives: under load the outcome lags the response, and counting that lag as "needs a new instance"
        // spent burst tokens on cold starts that never happened (then 429s). A handler's ctx.waitUntil work
        // after the response is therefore not counted for scale-out (its memory stays held until the end).
        sink.onResponseEnd = ticket.slotFreed;
        return executor.serveHttp({ requestId, spec, request }, sink, signal);
      },
      settle: (e) => {
        sink.onResponseEnd = undefined;
        return gatewaySettles(e, sink, startTime);
      },
      outFlowOf: (o) => o.responseBytes,
    });
    return { requestId, outcome: ended.kind, responseStarted: executed?.responseStarted ?? false };
  }

  /**
   * Records a call the gateway ended before it ran (request body over the
   * limit, client gone while the body was still arriving).
   */
  reject(target: HttpTarget, requestId: string, startTime: number, outcome: Outcome, message: string): void {
    this.pipeline.refused(target, requestId, startTime, outcome, message);
  }

  private routeOf(resolved: ResolvedVersion, functionName: string): HttpRoute {
    if (resolved.config.type !== 'HTTP') return { ok: false, notFound: true, message: `${functionName} is an event function; call it with Invoke.` };
    try {
      return { ok: true, target: this.targets.httpOf(resolved) };
    } catch (err) {
      if (err instanceof NotRunnableError) return { ok: false, notFound: false, message: err.message };
      throw err;
    }
  }
}

/** A call the gateway ended (client gone, body too large, bad headers, a WebSocket's ending) lasted until now, whatever the executor measured. */
function gatewaySettles(ended: Ended, sink: HttpCallSink, startTime: number): Ended {
  const failure = sink.failure();
  if (failure === undefined) return ended;
  return { ...ended, kind: failure.outcome, errorMessage: failure.message, errorStack: '', durationMs: Math.max(ended.durationMs, Date.now() - startTime) };
}
