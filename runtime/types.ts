/** Public contract of the JavaScript runtime (re-exported by runtime/index.ts). Keep stable. */

export interface FunctionVersionSpec {
  /** Unique per deployable unit (function id + version + code sha + config); a new key = a new pool. */
  key: string;
  namespace: string;
  functionName: string;
  /** '$LATEST' or '1', '2', … */
  version: string;
  /** Absolute path of the unpacked read-only code tree. */
  codeDir: string;
  /** Extra module roots searched after codeDir, in order (may be empty). */
  layerDirs: string[];
  /** 'index.main_handler' → file index.(js|mjs|cjs) at the root, export main_handler. */
  handler: string;
  env: Record<string, string>;
  memoryMb: number;
  timeoutMs: number;
  initTimeoutMs: number;
  /** Request slots per instance (1 default). */
  instanceConcurrency: number;
}

export interface InvokeRequest {
  requestId: string;
  spec: FunctionVersionSpec;
  /** JSON text of the event. */
  event: string;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface LogLine {
  /** Epoch ms. */
  time: number;
  level: LogLevel;
  message: string;
  requestId: string;
}

export type OutcomeKind = 'ok' | 'user_error' | 'timeout' | 'oom' | 'canceled' | 'internal';

export interface ColdStart {
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
  totalMs: number;
}

export interface InvokeOutcome {
  kind: OutcomeKind;
  /** 410 only for HTTP invocations (response body over 6 MB). */
  statusCode: 200 | 410 | 430 | 433 | 434 | 499 | 500;
  /** JSON text of the handler's return value (kind 'ok'). */
  result?: string;
  errorMessage?: string;
  /** User stack for 430 (goes to the log, never to HTTP callers). */
  errorStack?: string;
  /** The user's console lines of this invocation, in order, each with this requestId. */
  logs: LogLine[];
  durationMs: number;
  memUsageBytes: number;
  /** Only on the invocation that paid for a cold start. */
  coldStart?: ColdStart;
  instanceId: string;
}

/** Outbound fetch policy. Loopback, link-local and private ranges are denied unless allowed here. */
export interface FetchPolicy {
  allowLoopback?: boolean;
  allowPrivate?: boolean;
  allowLinkLocal?: boolean;
  /** Host names (exact, or '*.example.com') always allowed, even when they resolve to a denied range. */
  allowHosts?: string[];
  /** Host names (exact, or '*.example.com') always denied. */
  denyHosts?: string[];
  /** Fetches per invocation (default 50). */
  maxPerInvocation?: number;
  /** Response body cap in bytes (default 6 MB). */
  maxResponseBytes?: number;
  /** Redirects followed (default 5). */
  maxRedirects?: number;
}

export interface IsolateRuntimeOptions {
  /** Number of isolate host processes (default: number of cores). */
  hosts?: number;
  /** The server's data directory (never reachable from functions). */
  dataDir: string;
  /** Idle instance keep-alive (default 600000 = 10 minutes). */
  keepAliveMs?: number;
  fetchPolicy?: FetchPolicy;
  /** Max time a host may take to start (default 10000). */
  hostStartTimeoutMs?: number;
  /** Host heartbeat: a host silent this long while pinged is killed (default 5000). */
  hostUnresponsiveMs?: number;
  /** Copy host stderr to this process's stderr (default false). */
  forwardHostStderr?: boolean;
}

export interface HostStats {
  index: number;
  pid: number;
  alive: boolean;
  restarts: number;
  instances: number;
  inFlight: number;
}

export interface RuntimeStats {
  hosts: HostStats[];
  /** Per version key: instances busy (≥1 request running) and idle. */
  instances: Record<string, { busy: number; idle: number }>;
}

/**
 * One HTTP request for a web function (a module whose default export has
 * `fetch(request, env, ctx)`, the Workers module format).
 */
export interface HttpRequestData {
  method: string;
  /** Absolute URL the handler sees as `request.url`: `http://<host>/<rest>?<query>`. */
  url: string;
  /** In arrival order; repeated names repeat. The gateway has already added the X-Scf-* headers. */
  headers: Array<[string, string]>;
  /**
   * `JSON.stringify(headers)`, when the caller built it already (the gateway does, as it reads
   * the headers): the runtime sends it to the isolate as is instead of serialising `headers`.
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

export interface HttpInvokeRequest {
  requestId: string;
  spec: FunctionVersionSpec;
  request: HttpRequestData;
}

/**
 * Where the runtime writes the function's Response. `start` comes once,
 * before any `write`; `end` once after the last. A small complete body is
 * delivered as start + one write + end in the same tick so the gateway can
 * cork them into one send.
 */
export interface HttpResponseSink {
  start(status: number, headers: Array<[string, string]>): void;
  /** Returns false when the client is not draining: the runtime waits for `drained()` before writing more. */
  write(chunk: Uint8Array): boolean;
  /** Resolves when a `write` that returned false may be followed by more. */
  drained(): Promise<void>;
  end(): void;
  /**
   * Optional: called instead of `end()` when a response whose head was already
   * sent cannot be completed (body over 6 MB → 410, an error thrown by the body
   * stream → 430, 433, 434, 500): the gateway should drop the connection so
   * the client sees a truncated response. If absent, the outcome says the same
   * (`responseStarted` true, `responseEnded` false). Never called after `end()`.
   */
  abort?(reason: string): void;
  /**
   * Optional: the function answered a WebSocket upgrade (`new Response(null,
   * { status: 101, webSocket })`). The gateway completes the upgrade and
   * returns where the runtime sends the function's frames, or null when the
   * request was not an upgrade it can complete (the call then fails as 500).
   * `channel` is where the gateway hands the client's frames and the close.
   * Absent (or null) means the gateway does not serve WebSockets here.
   */
  upgrade?(headers: Array<[string, string]>, channel: WebSocketChannel): WebSocketPeer | null;
}

/** The gateway's end of an accepted WebSocket: the runtime writes the function's traffic here. */
export interface WebSocketPeer {
  /** A frame to the client: a string is a text frame, bytes a binary frame. */
  send(data: string | Uint8Array): void;
  /**
   * The function closed the connection with this code and reason — or, with
   * `overSendWindow`, the runtime did: the function sent more than the send
   * window while the client had not taken it (a platform limit, 1008).
   */
  close(code: number, reason: string, overSendWindow?: boolean): void;
}

/** The runtime's end of an accepted WebSocket: the gateway hands it the client's traffic. */
export interface WebSocketChannel {
  /** A client frame for the function: a string for text, bytes for binary. */
  message(data: string | Uint8Array): void;
  /**
   * The connection is closed (by the client, the platform, or after the
   * function's own close): the function's `close` event fires and the
   * invocation ends once its listeners and ctx.waitUntil work are done.
   */
  closed(code: number, reason: string): void;
}

/**
 * The end of an HTTP invocation. `statusCode` is the platform status (200
 * when the handler produced a Response, whatever its HTTP status; else 430,
 * 433, 434, 410 (body over 6 MB), 499, 500). When `responseStarted` is false
 * the gateway answers the spec's error body with that status itself.
 */
export interface HttpInvokeOutcome extends InvokeOutcome {
  responseStarted: boolean;
  /** HTTP status the function answered (when it did). */
  httpStatus?: number;
  /** Response body bytes written to the sink. */
  responseBytes: number;
  /** True when `end()` was called (the response is complete); false with `responseStarted` = the response must be aborted. */
  responseEnded: boolean;
  /** The call became a WebSocket connection (the function answered 101 and the gateway upgraded). */
  webSocket?: boolean;
}

export interface IsolateRuntime {
  /** Runs one invocation. Never rejects: platform faults become kind 'internal'. */
  invoke(req: InvokeRequest, signal?: AbortSignal): Promise<InvokeOutcome>;
  /**
   * Runs one HTTP request through a web function's `fetch` handler, streaming
   * the response into `sink`. Never rejects. Aborting `signal` (client gone)
   * ends it as 499 and frees the slot.
   */
  invokeHttp(req: HttpInvokeRequest, sink: HttpResponseSink, signal?: AbortSignal): Promise<HttpInvokeOutcome>;
  /** Snapshot of hosts and instances. */
  stats(): RuntimeStats;
  /** Graceful: stop taking work, finish in-flight, stop hosts; idempotent. */
  close(): Promise<void>;
  /** Immediate kill. */
  destroy(): void;
}
