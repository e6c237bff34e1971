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
  statusCode: 200 | 430 | 433 | 434 | 499 | 500;
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

export interface IsolateRuntime {
  /** Runs one invocation. Never rejects: platform faults become kind 'internal'. */
  invoke(req: InvokeRequest, signal?: AbortSignal): Promise<InvokeOutcome>;
  /** Snapshot of hosts and instances. */
  stats(): RuntimeStats;
  /** Graceful: stop taking work, finish in-flight, stop hosts; idempotent. */
  close(): Promise<void>;
  /** Immediate kill. */
  destroy(): void;
}
