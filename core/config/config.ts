import os from 'node:os';
import path from 'node:path';
import { resolveOptions, type Schema } from '../../lib';

/** Every setting of the server, with the spec's cloud quotas as defaults. */
export interface PlatformConfig {
  /** Data directory holding the database, code packages and credentials. */
  dataDir: string;
  host: string;
  port: number;
  region: string;
  /** Largest control-API request body accepted (a base64 zip is ~4/3 of the zip). */
  maxApiBodyBytes: number;
  /** Largest unpacked code package, layers included (spec: 500 MB). */
  maxUnpackedBytes: number;
  /** Largest number of files in one unpacked package. */
  maxPackageFiles: number;
  /** Largest ratio of unpacked to compressed size accepted for one entry. */
  maxCompressionRatio: number;
  maxNamespaces: number;
  maxFunctionsPerNamespace: number;
  /** Layers with at least one version (spec: 20). */
  maxLayers: number;
  /** Versions per layer (spec: 200). */
  maxLayerVersions: number;
  /** Number of isolate-host child processes. */
  isolateHosts: number;
  /**
   * What runs functions on the Node.js runtime names (Nodejs12.16 … 18.15):
   * 'process' (default: full Node.js in a subprocess, built-in modules
   * available, as in the cloud) or 'isolate' (the isolate runtime: faster
   * starts, no Node.js built-ins).
   */
  nodejsExecutor: 'process' | 'isolate';
  /** The Python interpreter of Python functions (every Python3.x runtime name runs on it). */
  pythonPath: string;

  /** Idle time after which a warm instance is reclaimed. */
  instanceKeepAliveMs: number;
  /** Log records are committed at least this often; bounds what a crash can lose. */
  logFlushIntervalMs: number;
  /** Log records older than this are pruned. */
  logRetentionMs: number;
  /**
   * Store invocation log records (default true). When false, every call
   * still builds its log text (Invoke's `LogType: "Tail"` is unchanged) but
   * nothing is written to the database, so GetFunctionLogs, GetRequestStatus
   * and `isola logs` find nothing. For measuring what logging costs
   * (bench/logging.js), not for production.
   */
  invocationLogs: boolean;
  /** Stored per-minute metric rollups older than this are pruned. */
  metricsRetentionMs: number;
  /** Metric series (namespace × function × version × alias) tracked at most; further ones only count as overflow. */
  metricsMaxSeries: number;
  /** Deploy the sample function `hello` on the first start of a data directory. */
  deploySample: boolean;
  /** Account concurrency quota in MB (instances × memory) until PutTotalConcurrencyConfig sets one (spec: 128,000 MB). */
  accountConcurrencyMb: number;
  /** Part of the account quota that reservations can never take (spec: 12,800 MB = 100 × 128 MB). */
  unreservedFloorMb: number;
  /** New instances the account may start per minute ("burst"; spec: 500); beyond it cold starts get 429. 0 = no limit. */
  burstPerMinute: number;
  /** Async invocation: events one function's queue may hold (spec: 100,000); Invoke with InvocationType Event beyond it answers LimitExceeded.Quota. */
  asyncQueueMaxEvents: number;
  /** Async invocation: a queued event's lease is the function's timeout plus this; a run that outlives it (a crashed server) runs again. */
  asyncLeaseMarginMs: number;
  /** Async invocation: TerminateAsyncEvent with GraceShutdown kills a run this long after signalling it, if it still runs. */
  asyncGraceShutdownMs: number;
  /** Async invocation: back-off of the first retry of a failed event; each next retry doubles it (with jitter), up to 5 minutes. */
  asyncRetryBaseMs: number;
  /** Async invocation: queued events running at once, all functions (each still needs its function's concurrency). 0 = accept and store events but run none (an enqueue-only server; bench/async.js). */
  asyncMaxInFlight: number;
  /** WebSocket: largest client message (spec: 256 KB); a bigger one closes the connection with 1009. */
  wsMaxMessageBytes: number;
  /** WebSocket: client messages per second per connection (spec: 10); more closes it with 1008. */
  wsMaxMessagesPerSecond: number;
  /** WebSocket: client bytes per second per connection (spec: 128 KB); more closes it with 1008. */
  wsMaxBytesPerSecond: number;
  /** WebSocket: bytes waiting for a slow client before its connection is closed with 1008. */
  wsMaxBackpressureBytes: number;
}

const MS_PER_DAY = 24 * 60 * 60 * 1000;
const count = (value: number, min = 0) => ({ type: 'number', integer: true, min, default: value }) as const;

/** Every setting's type, range and default (the spec's cloud quotas); `resolveConfig` checks overrides against it. */
export const CONFIG_SCHEMA: Schema<PlatformConfig> = {
  dataDir: { type: 'string', nonEmpty: true, default: '.isola', normalize: (dir) => path.resolve(dir) },
  host: { type: 'string', nonEmpty: true, default: '127.0.0.1' },
  port: { type: 'number', integer: true, min: 0, max: 65535, default: 9000 },
  region: { type: 'string', nonEmpty: true, default: 'ap-guangzhou' },
  maxApiBodyBytes: count(70 * 1024 * 1024, 1),
  maxUnpackedBytes: count(500 * 1024 * 1024, 1),
  maxPackageFiles: count(20_000, 1),
  maxCompressionRatio: { type: 'number', min: 1, default: 200 },
  maxNamespaces: count(5),
  maxFunctionsPerNamespace: count(50),
  maxLayers: count(20),
  maxLayerVersions: count(200),
  // The runtime's own bound on isolate hosts.
  isolateHosts: { type: 'number', integer: true, min: 1, max: 256, default: Math.max(1, os.availableParallelism()) },
  nodejsExecutor: { type: 'enum', values: ['process', 'isolate'], default: 'process' },
  pythonPath: { type: 'string', nonEmpty: true, default: '/usr/bin/python3' },
  deploySample: { type: 'boolean', default: true },
  accountConcurrencyMb: count(128_000),
  unreservedFloorMb: count(12_800),
  burstPerMinute: count(500),
  // The runtime's own bounds on its keep-alive: 1 ms to 7 days.
  instanceKeepAliveMs: { type: 'number', integer: true, min: 1, max: 7 * MS_PER_DAY, default: 10 * 60 * 1000 },
  logFlushIntervalMs: count(50),
  logRetentionMs: count(7 * MS_PER_DAY),
  invocationLogs: { type: 'boolean', default: true },
  metricsRetentionMs: count(7 * MS_PER_DAY),
  metricsMaxSeries: count(2000, 1),
  asyncQueueMaxEvents: count(100_000, 1),
  asyncLeaseMarginMs: count(10_000, 1),
  asyncGraceShutdownMs: count(10_000, 1),
  asyncRetryBaseMs: count(1000, 1),
  asyncMaxInFlight: count(100),
  wsMaxMessageBytes: count(256 * 1024, 1),
  wsMaxMessagesPerSecond: count(10, 1),
  wsMaxBytesPerSecond: count(128 * 1024, 1),
  wsMaxBackpressureBytes: count(1024 * 1024, 1),
};

/**
 * Merges `overrides` (the config file, flags and environment; undefined =
 * not given) over the defaults through the one options validator: unknown
 * keys are refused with the closest known one suggested, values of the wrong
 * type or range name the setting. Then the cross-setting rule
 * (unreservedFloorMb ≤ accountConcurrencyMb). The result is frozen.
 */
export function resolveConfig(overrides: Partial<Record<string, unknown>> = {}): Readonly<PlatformConfig> {
  const config = resolveOptions(CONFIG_SCHEMA, overrides, { noun: 'setting' });
  if (config.unreservedFloorMb > config.accountConcurrencyMb) {
    throw Object.assign(
      new RangeError(`Expected \`unreservedFloorMb\` to be at most \`accountConcurrencyMb\` (${config.accountConcurrencyMb}), got ${config.unreservedFloorMb}`),
      { code: 'ERR_INVALID_OPTION' },
    );
  }
  return config;
}

/** Every setting at its default. */
export const defaultConfig: Readonly<PlatformConfig> = resolveConfig();
