/**
 * Types of the isolate runtime. The executor contract's types (spec, calls,
 * outcomes, the HTTP sink) live in executor/ and are re-exported here for
 * the runtime's own modules.
 */
import type { Executor } from '../executor';

export type {
  ColdStart, EventCall, ExecutorOutcome, ExecutorStats, HttpCall, HttpExecutorOutcome, HttpRequestData, HttpResponseSink,
  InstanceCounts, LogLevel, ProvisionProgress, LogLine, OutcomeKind, VersionSpec, WebSocketChannel, WebSocketPeer,
} from '../executor';

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
  /**
   * Dynamic per-instance concurrency: a host is about to start another instance because every
   * instance of the version is behind (not because their slots are full, which the caller's
   * admission already paid for). Return true when a scale-out token was spent and it may start;
   * false keeps the call on the least busy instance. Default: always true (no scale-out limit).
   */
  scaleOut?: () => boolean;
}

/** The isolate executor: the contract, nothing more (runtime/index.ts implements it). */
export type IsolateRuntime = Executor;
