/**
 * The executor contract: what the core asks of anything that runs user
 * code. The isolate runtime (runtime/) and the subprocess runners
 * (native/process) implement it. The core picks one executor per function from
 * its runtime (core/invoke/executors.ts) and drives every call through the
 * one invocation pipeline; an executor never decides a status code — it
 * reports an `OutcomeKind` and core/invoke/outcomes.ts maps it.
 *
 * Types only: this folder is a leaf every layer may import.
 */

/** One function version as the core hands it to an executor. Frozen by the core. */
export interface VersionSpec {
  /** Unique per deployable unit (function id + version + code sha + config); a new key = new instances. */
  key: string;
  namespace: string;
  functionName: string;
  /** '$LATEST' or '1', '2', … */
  version: string;
  /** The runtime's catalogue name ('Isolate', 'Nodejs16.13', 'Python3.9', …). */
  runtime: string;
  /** 'Event' (handler called with an event) or 'HTTP' (a web function answering requests). */
  type: 'Event' | 'HTTP';
  /** Absolute path of the unpacked read-only code tree. */
  codeDir: string;
  /**
   * The function's layers (unpacked, read-only), in binding order: the
   * executor presents them merged as `/opt`, a later layer's file winning
   * (the isolate runtime's resolver overlays them; process runners put them
   * on their search paths: PYTHONPATH, NODE_PATH, class path).
   */
  layerDirs: string[];
  /** The handler string as stored ('index.main_handler'; '' where the runtime reads none). */
  handler: string;
  env: Record<string, string>;
  memoryMb: number;
  timeoutMs: number;
  initTimeoutMs: number;
  /** Request slots per instance (1 = one request at a time). */
  instanceConcurrency: number;
  /**
   * Smart dynamic per-instance concurrency (SCF's InstanceConcurrencyConfig
   * DynamicEnabled): `instanceConcurrency` is then a ceiling, and an instance
   * takes another request only while it keeps up with the ones it has; when
   * it does not, the request goes to another instance or a new one. The
   * isolate runtime measures "keeps up" (runtime/host/instance.ts); an
   * executor that cannot measure it treats the ceiling as fixed slots.
   * Absent or false: exactly `instanceConcurrency` slots.
   */
  dynamicConcurrency?: boolean;
}

/**
 * How an invocation ended, from the executor's side — a closed list. The
 * core adds the outcomes it decides itself (throttles, gateway limits,
 * WebSocket endings) and maps every one to a status in one table.
 */
export type OutcomeKind =
  /** The handler returned (event) or produced a Response (HTTP). */
  | 'ok'
  /** The user's code threw or rejected (at init or in the handler). */
  | 'user_error'
  /** The handler's module or export does not exist. */
  | 'handler_missing'
  /** Execution (or init) overran its time limit. */
  | 'timeout'
  /** The instance ran out of memory; every request on it ends so. */
  | 'oom'
  /** The response body was over the limit (HTTP, 6 MB). */
  | 'response_too_large'
  /** The caller went away (the signal was aborted). */
  | 'canceled'
  /** The user's process exited while it ran (subprocess runners). */
  | 'process_exit'
  /** The instance's process exited before it reported ready (subprocess runners: a bootstrap that dies on start). */
  | 'init_exit'
  /** The runtime's start file is missing or not executable (custom runtime: `scf_bootstrap`). */
  | 'bootstrap_missing'
  /** The instance's process did not report ready within the init timeout; it was killed (subprocess runners). */
  | 'init_timeout'
  /** A web function's server listened, but not where the platform reaches it (127.0.0.1 only, another port). */
  | 'port_binding_failed'
  /** A platform fault: the executor could not run the call. */
  | 'internal';

export const OUTCOME_KINDS: ReadonlySet<OutcomeKind> = new Set<OutcomeKind>([
  'ok', 'user_error', 'handler_missing', 'timeout', 'oom', 'response_too_large', 'canceled', 'process_exit',
  'init_exit', 'bootstrap_missing', 'init_timeout', 'port_binding_failed', 'internal',
]);

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface LogLine {
  /** Epoch ms. */
  time: number;
  level: LogLevel;
  message: string;
  requestId: string;
}

export interface ColdStart {
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
  totalMs: number;
}

/** The end of one invocation as the executor saw it. */
export interface ExecutorOutcome {
  kind: OutcomeKind;
  /** JSON text of the handler's return value (kind 'ok', event calls). */
  result?: string;
  errorMessage?: string;
  /** The user's stack (user_error): goes to the log, never to HTTP callers. */
  errorStack?: string;
  /** The user's console lines of this invocation, in order, each with its requestId. */
  logs: LogLine[];
  durationMs: number;
  memUsageBytes: number;
  /** Only on the invocation that paid for a cold start. */
  coldStart?: ColdStart;
  instanceId: string;
}

/** One event invocation. */
export interface EventCall {
  requestId: string;
  /** The spec `prepare` returned. */
  spec: VersionSpec;
  /** JSON text of the event. */
  event: string;
  /**
   * Aborted when a graceful stop is asked (TerminateAsyncEvent with
   * GraceShutdown): the executor delivers it to the running code — SIGTERM
   * to a process (group), the `abort` event of `context.signal` in an
   * isolate —, writes `[PLATFORM] Signal received successfully` into the
   * call's log once the code got it, and lets the call run on until it
   * ends or the call's own abort signal kills it. Optional: absent = never.
   */
  stop?: AbortSignal;
}

/** One HTTP request for a web function. */
export interface HttpRequestData {
  method: string;
  /** Absolute URL the handler sees as `request.url`: `http://<host>/<rest>?<query>`. */
  url: string;
  /** In arrival order; repeated names repeat. The gateway has already added the X-Scf-* headers. */
  headers: Array<[string, string]>;
  /**
   * `JSON.stringify(headers)`, when the caller built it already (the gateway does, as it reads
   * the headers): an executor may pass it on as is instead of serialising `headers`.
   */
  headersJson?: string;
  /** The whole body when the gateway already holds all of it (the fast path), or null. */
  body: Uint8Array | null;
  /**
   * The body still arriving (set only when `body` is null and the request has
   * one): chunks in order; the iterator throws if the client went away.
   */
  bodyStream?: AsyncIterable<Uint8Array>;
}

export interface HttpCall {
  requestId: string;
  /** The spec `prepare` returned. */
  spec: VersionSpec;
  request: HttpRequestData;
}

/**
 * Where an executor writes the function's response. `start` comes once,
 * before any `write`; `end` once after the last. A small complete body is
 * delivered as start + one write + end in the same tick so the gateway can
 * cork them into one send.
 */
export interface HttpResponseSink {
  /** `headers` are read, never modified: an executor may hand the same (frozen) list to many calls. */
  start(status: number, headers: Array<[string, string]>): void;
  /** Returns false when the client is not draining: the executor waits for `drained()` before writing more. */
  write(chunk: Uint8Array): boolean;
  /** Resolves when a `write` that returned false may be followed by more. */
  drained(): Promise<void>;
  end(): void;
  /**
   * Optional: called instead of `end()` when a response whose head was already
   * sent cannot be completed (body over 6 MB, an error thrown by the body
   * stream, timeout, memory, a fault): the gateway drops the connection so
   * the client sees a truncated response. Never called after `end()`.
   */
  abort?(reason: string): void;
  /**
   * Optional — how a WebSocket is carried: the function answered an upgrade
   * (101). The gateway completes the upgrade and returns where the executor
   * sends the function's frames, or null when it cannot (the call then fails
   * as internal). `channel` is where the gateway hands the client's frames
   * and the close. The HTTP call then lasts as long as the connection.
   */
  upgrade?(headers: Array<[string, string]>, channel: WebSocketChannel): WebSocketPeer | null;
}

/** The gateway's end of an accepted WebSocket: the executor writes the function's traffic here. */
export interface WebSocketPeer {
  /** A frame to the client: a string is a text frame, bytes a binary frame. */
  send(data: string | Uint8Array): void;
  /**
   * The function closed the connection with this code and reason — or, with
   * `overSendWindow`, the executor did: the function sent more than the send
   * window while the client had not taken it (a platform limit, 1008).
   */
  close(code: number, reason: string, overSendWindow?: boolean): void;
}

/** The executor's end of an accepted WebSocket: the gateway hands it the client's traffic. */
export interface WebSocketChannel {
  /** A client frame for the function: a string for text, bytes for binary. */
  message(data: string | Uint8Array): void;
  /**
   * The connection is closed (by the client, the platform, or after the
   * function's own close): the function's `close` event fires and the
   * invocation ends once its listeners and pending work are done.
   */
  closed(code: number, reason: string): void;
}

/** The end of an HTTP call. */
export interface HttpExecutorOutcome extends ExecutorOutcome {
  /** A response head reached the sink. When false the core answers the error body itself. */
  responseStarted: boolean;
  /** HTTP status the function answered (when it did). */
  httpStatus?: number;
  /** Response body bytes written to the sink. */
  responseBytes: number;
  /** `end()` was called (the response is complete); false with `responseStarted` = it was aborted. */
  responseEnded: boolean;
  /** The call became a WebSocket connection. */
  webSocket?: boolean;
}

/** Instances of one version key: busy (≥ 1 request running) and idle. */
export interface InstanceCounts {
  busy: number;
  idle: number;
}

/**
 * How far `provision` has got for one version key: `target` instances asked
 * for, `ready` of them started and warm (busy or idle; never more than
 * `target`), and the last start failure while fewer than `target` are ready
 * (null once they all are).
 */
export interface ProvisionProgress {
  target: number;
  ready: number;
  error: string | null;
}

/** A snapshot (fresh objects; later changes do not show through). */
export interface ExecutorStats {
  /** The executor's name ('isolate', 'process'). */
  executor: string;
  /** Worker processes the executor supervises (isolate hosts, runner processes). */
  processes: Array<{ index: number; pid: number; alive: boolean; restarts: number; instances: number; inFlight: number }>;
  /** Per version key. */
  instances: Record<string, InstanceCounts>;
}

/**
 * Anything that runs user code. Every method but `prepare`, `instanceCount`
 * and `stats` is asynchronous; none rejects: a platform fault is an outcome
 * of kind 'internal'.
 */
export interface Executor {
  /** 'isolate', 'process': the label in metrics and logs. */
  readonly name: string;
  /**
   * Optional: what runs functions of the runtime `runtime` here, in words
   * ('a subprocess of /usr/bin/python3 (Python 3.11.2)'), for GetFunction's
   * StatusDesc; absent = the executor's name says it.
   */
  describeRuntime?(runtime: string): string;
  /**
   * Optional: why this host cannot run `runtime` (its interpreter or JDK is
   * not installed: "php not found in PATH (Debian: php-cli)"), or null when
   * it can; absent = it always can. The core answers an invocation of such a
   * function with the runtime-not-available error, not an internal one.
   */
  unavailableReason?(runtime: string): string | null;
  /**
   * Prepares a version once, when the core first resolves it (not per call):
   * returns the spec the executor wants back in `invoke`/`serveHttp` (it may
   * derive fields, such as a web function's default handler). Synchronous and
   * free of I/O. Throws an Error whose message says why when this executor
   * cannot run the version.
   */
  prepare(spec: VersionSpec): VersionSpec;
  /** Runs one event invocation. Aborting `signal` ends it as 'canceled'. */
  invoke(call: EventCall, signal?: AbortSignal): Promise<ExecutorOutcome>;
  /**
   * Serves one HTTP exchange of a web function, streaming the response into
   * `sink`; a WebSocket upgrade is carried through `sink.upgrade`. Aborting
   * `signal` (client gone) ends it as 'canceled' and frees its slot.
   */
  serveHttp(call: HttpCall, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpExecutorOutcome>;
  /**
   * Instances of `key` that exist now (busy or idle), for the capacity owner:
   * a call beyond their free slots starts a new one. O(1); may lag a little
   * behind the executor's own processes.
   */
  instanceCount(key: string): number;
  /**
   * Instances of `key` running at least one call now, for the capacity
   * owner's memory accounting under dynamic concurrency (where the executor,
   * not the slot count, decides how many instances the calls occupy). O(1);
   * may lag a little. Optional: executors that treat dynamic concurrency as
   * fixed slots need not implement it.
   */
  busyInstanceCount?(key: string): number;
  /**
   * Provisioned concurrency: keeps `count` instances of `spec` started ahead
   * of traffic — started now (without a call), never reclaimed for idling,
   * replaced when they die (a start that fails is retried after a back-off
   * and reported in `provisioned`). A call finding one of them free pays no
   * cold start. The last call per key wins; `count` 0 hands the instances
   * back to the usual idle reclaim. Synchronous and never throws: the work
   * happens in the background.
   */
  provision(spec: VersionSpec, count: number): void;
  /** Progress of `provision` for `key` (target 0 when none was asked for). */
  provisioned(key: string): ProvisionProgress;
  stats(): ExecutorStats;
  /** Graceful: stop taking work, finish what is in flight, stop processes; idempotent. */
  close(): Promise<void>;
  /** Immediate: kill everything. */
  destroy(): void;
}
