/**
 * HTTP invocation of web functions (platform-semantics §2): the data plane's
 * core half. The gateway turns a uWS request into plain data, asks `route()`
 * which version serves it (synchronous, cached), then `invoke()` runs it:
 * admission (432, and 429 when a new instance would exceed the scale-out
 * limit) → runtime.invokeHttp (the response streams into the gateway's
 * sink) → one log record and one metrics record, whatever the ending.
 *
 * Per-instance concurrency: a web function with InstanceConcurrencyConfig
 * MaxConcurrency N > 1 runs with N slots per instance. Admission then holds
 * the version's memory once per instance, not per request: calls in flight
 * are packed onto "slot accounts" of N (AdmissionController.instance), the
 * first call on an account takes the memory and the last one out gives it
 * back. This mirrors how the runtime's pool fills a warm instance before
 * starting another; it does not know which instance the runtime picked.
 */
import { newRequestId } from './request-id';
import type { FunctionVersionSpec, HttpInvokeOutcome, HttpRequestData, HttpResponseSink } from '../../runtime';
import type { AdmissionResult, InstanceAccount } from '../capacity';
import { isApiError } from '../errors';
import { notRun, recordCallQuietly, ScaleOutGate, slotsOf, specOf, type InvocationDeps, type OutcomeLike } from './invocation-shared';
import type { FunctionService } from '../functions';
import type { ResolvedVersion } from '../routing';
import { LIMITS } from '../functions';

/** Idle timeout of a WS function stored without one (the API's default). */
const WS_IDLE_DEFAULT_SECONDS = LIMITS.wsIdleDefault;

/** The runtime's request shape, re-exported so the gateway imports only the core. */
export type { HttpRequestData, WebSocketChannel, WebSocketPeer } from '../../runtime';

/** Everything the gateway needs to call one web function version; cached per resolved version. */
export interface HttpTarget {
  readonly resolved: ResolvedVersion;
  readonly spec: FunctionVersionSpec;
  /** Request slots per instance (InstanceConcurrencyConfig.MaxConcurrency, 1 = off). */
  readonly slots: number;
  /**
   * The platform's request headers except X-Scf-Request-Id (lower-case
   * names): X-Scf-Memory, -Timeout, -Version, -Name, -Namespace, -Region,
   * -Appid, -Uin. The gateway drops any the caller sent and appends these.
   */
  readonly scfHeaders: ReadonlyArray<readonly [string, string]>;
  /** WebSocket enabled (ProtocolType WS): its idle timeout; null for plain web functions. */
  readonly webSocket: { readonly idleSeconds: number } | null;
  /** `scfHeaders` as JSON array elements, each preceded by a comma (appended to the request's header JSON). */
  readonly scfHeadersJson: string;
}

export type HttpRoute = { ok: true; target: HttpTarget } | { ok: false; statusCode: 404 | 500; message: string };

/** Why the gateway ended a call itself (it wins over the runtime's status in the log and metrics). */
export interface GatewayFailure {
  statusCode: number;
  message: string;
}

/** The gateway's response sink, plus what it decided on its own (client gone 499, body over 6 MB 406, bad headers 500). */
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
  /** Platform status (spec §5): 200 when the function answered, whatever its HTTP status. */
  statusCode: number;
  /** The runtime started a response into the sink. */
  responseStarted: boolean;
}

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

/** Slot accounts of one version key (multi-slot web functions only). */
interface SlotPool {
  accounts: InstanceAccount[];
}

export class HttpInvocationService {
  private readonly gate: ScaleOutGate;
  private readonly targets = new WeakMap<ResolvedVersion, HttpTarget>();
  private readonly notFound = new Map<string, { until: number; route: HttpRoute }>();
  private readonly slotPools = new Map<string, SlotPool>();

  constructor(
    private readonly deps: InvocationDeps,
    functions: FunctionService,
  ) {
    this.gate = new ScaleOutGate(deps.runtime, deps.admission);
    // A created function (or alias) must be reachable at once.
    functions.onChange(() => this.notFound.clear());
  }

  /**
   * Which version serves `/<namespace>/<functionName>/…` with `qualifier`
   * ('$DEFAULT' when the caller named none). Synchronous; reads SQLite only
   * on the first call of a version (the resolver caches it) or of an
   * unknown name once a second. 404: no such namespace/function/qualifier,
   * or an Event function; 500: a runtime that cannot serve HTTP here.
   */
  route(namespace: string, functionName: string, qualifier: string): HttpRoute {
    // The common case (no unknown names seen lately) skips building the key.
    const cacheKey = this.notFound.size > 0 ? `${namespace}\u0000${functionName}\u0000${qualifier}` : '';
    const miss = cacheKey === '' ? undefined : this.notFound.get(cacheKey);
    if (miss !== undefined) {
      if (miss.until > Date.now()) return miss.route;
      this.notFound.delete(cacheKey);
    }
    let resolved: ResolvedVersion;
    try {
      resolved = this.deps.resolver.resolve(namespace, functionName, qualifier);
    } catch (err) {
      const route: HttpRoute = {
        ok: false,
        statusCode: isApiError(err) && err.code.startsWith('ResourceNotFound') ? 404 : 500,
        message: (err as Error).message,
      };
      if (this.notFound.size >= NOT_FOUND_MAX) this.notFound.clear();
      this.notFound.set(`${namespace}\u0000${functionName}\u0000${qualifier}`, { until: Date.now() + NOT_FOUND_TTL_MS, route });
      return route;
    }
    const known = this.targets.get(resolved);
    if (known) return { ok: true, target: known };
    if (resolved.config.type !== 'HTTP') return { ok: false, statusCode: 404, message: `${functionName} is an event function; call it with Invoke.` };
    // Web functions of the Node.js and other subprocess runtimes are started by scf_bootstrap: not served by this build.
    if (resolved.runtime.family !== 'isolate') {
      return { ok: false, statusCode: 500, message: `runtime ${resolved.runtime.name} is not available for web functions on this server` };
    }
    const target = this.buildTarget(resolved);
    this.targets.set(resolved, target);
    return { ok: true, target };
  }

  /** A fresh RequestId (the X-Scf-Request-Id the function and the caller see). */
  newRequestId(): string {
    return newRequestId();
  }

  /**
   * Runs one request through the target's fetch handler; the response goes
   * into `sink`. Never rejects. When the result says `responseStarted:
   * false` (throttled, failed before answering) the gateway answers the
   * spec's error body with `statusCode`.
   */
  async invoke(target: HttpTarget, requestId: string, request: HttpRequestData, sink: HttpCallSink, signal: AbortSignal): Promise<HttpCallResult> {
    const { resolved } = target;
    const startTime = Date.now();
    const lease = this.admit(target);
    if (!lease.ok) return this.end(target, requestId, startTime, notRun(lease.statusCode, lease.reason), sink, false, 0);
    if (!this.gate.enter(resolved, target.slots, startTime)) {
      lease.release();
      return this.end(target, requestId, startTime, notRun(429, 'scale-out speed limit reached (new instances per minute)'), sink, false, 0);
    }
    const running = this.deps.metrics.begin(resolved, startTime);
    // The scale-out gate counts a call until its response is complete, not until its outcome frame
    // arrives: under load the outcome lags the response, and counting that lag as "needs a new
    // instance" spent burst tokens on cold starts that never happened (then 429s). A handler's
    // ctx.waitUntil work after the response is therefore not counted here.
    let left = false;
    const leave = (): void => {
      if (left) return;
      left = true;
      this.gate.leave(resolved.key);
    };
    sink.onResponseEnd = leave;
    let outcome: HttpInvokeOutcome | OutcomeLike;
    let started = false;
    let bytes = 0;
    try {
      const o = await this.deps.runtime.invokeHttp({ requestId, spec: target.spec, request }, sink, signal);
      outcome = o;
      started = o.responseStarted;
      bytes = o.responseBytes;
    } catch (err) {
      // invokeHttp never rejects by contract; a bug there must still end the call as one outcome.
      outcome = { ...notRun(500, `runtime fault: ${(err as Error).message}`), durationMs: Date.now() - startTime };
    } finally {
      sink.onResponseEnd = undefined;
      leave();
      this.deps.metrics.end(running);
      lease.release();
    }
    return this.end(target, requestId, startTime, outcome, sink, started, bytes);
  }

  /**
   * Records a call the gateway ended before it ran (406 body too large, 499
   * client gone while the body was still arriving): one log record and its
   * metrics, so it shows in GetFunctionLogs like any other call.
   */
  reject(target: HttpTarget, requestId: string, startTime: number, statusCode: number, message: string): void {
    recordCallQuietly(this.deps, { resolved: target.resolved, requestId, startTime, outcome: notRun(statusCode, message), outFlowBytes: 0 });
  }

  private end(
    target: HttpTarget,
    requestId: string,
    startTime: number,
    outcome: OutcomeLike,
    sink: HttpCallSink,
    responseStarted: boolean,
    outFlowBytes: number,
  ): HttpCallResult {
    const failure = sink.failure();
    // A call the gateway ended (client gone, body too large) lasted until now, whatever the runtime measured.
    const final: OutcomeLike = failure
      ? { ...outcome, statusCode: failure.statusCode, errorMessage: failure.message, errorStack: '', durationMs: Math.max(outcome.durationMs, Date.now() - startTime) }
      : outcome;
    recordCallQuietly(this.deps, { resolved: target.resolved, requestId, startTime, outcome: final, outFlowBytes });
    return { requestId, statusCode: final.statusCode, responseStarted };
  }

  /** 432 when over the function's or the account's concurrency; multi-slot functions hold memory per instance. */
  private admit(target: HttpTarget): AdmissionResult {
    const { resolved } = target;
    const request = { namespace: resolved.namespace, functionName: resolved.functionName, memoryMb: resolved.config.memorySize };
    if (target.slots === 1) return this.deps.admission.tryAcquire(request);
    let pool = this.slotPools.get(resolved.key);
    if (!pool) {
      pool = { accounts: [] };
      this.slotPools.set(resolved.key, pool);
    }
    let account: InstanceAccount | undefined;
    for (const a of pool.accounts) {
      if (a.busySlots < target.slots) {
        account = a;
        break;
      }
    }
    if (!account) {
      account = this.deps.admission.instance(request);
      pool.accounts.push(account);
    }
    const result = account.enter();
    if (!result.ok) return result;
    const key = resolved.key;
    return {
      ok: true,
      release: () => {
        result.release();
        // Idle accounts hold no memory; drop them so the list stays as long as the busy instances.
        if (account.busySlots === 0) {
          const p = this.slotPools.get(key);
          if (!p) return;
          const i = p.accounts.indexOf(account);
          if (i >= 0) p.accounts.splice(i, 1);
          if (p.accounts.length === 0) this.slotPools.delete(key);
        }
      },
    };
  }

  private buildTarget(resolved: ResolvedVersion): HttpTarget {
    const { identity, region } = this.deps;
    const scfHeaders: Array<readonly [string, string]> = [
      ['x-scf-memory', String(resolved.config.memorySize)],
      ['x-scf-timeout', String(resolved.config.timeout)],
      ['x-scf-version', resolved.version],
      ['x-scf-name', resolved.functionName],
      ['x-scf-namespace', resolved.namespace],
      ['x-scf-region', region],
      ['x-scf-appid', identity.appId],
      ['x-scf-uin', identity.uin],
    ];
    const { options } = resolved.config;
    const webSocket = options.protocolType === 'WS' ? Object.freeze({ idleSeconds: options.wsIdleTimeout ?? WS_IDLE_DEFAULT_SECONDS }) : null;
    const scfHeadersJson = scfHeaders.map((pair) => `,${JSON.stringify(pair)}`).join('');
    return Object.freeze({ resolved, spec: specOf(resolved, this.deps), slots: slotsOf(resolved), scfHeaders: Object.freeze(scfHeaders), scfHeadersJson, webSocket });
  }
}
