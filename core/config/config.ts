import os from 'node:os';
import path from 'node:path';

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
  /** Number of isolate-host child processes. */
  isolateHosts: number;
  /** Allow the pure-JS uWebSockets.js fallback (slow; for platforms without the binary). */
  allowUwsFallback: boolean;
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
  /** WebSocket: largest client message (spec: 256 KB); a bigger one closes the connection with 1009. */
  wsMaxMessageBytes: number;
  /** WebSocket: client messages per second per connection (spec: 10); more closes it with 1008. */
  wsMaxMessagesPerSecond: number;
  /** WebSocket: client bytes per second per connection (spec: 128 KB); more closes it with 1008. */
  wsMaxBytesPerSecond: number;
  /** WebSocket: bytes waiting for a slow client before its connection is closed with 1008. */
  wsMaxBackpressureBytes: number;
}

export const defaultConfig: Readonly<PlatformConfig> = Object.freeze({
  dataDir: path.resolve('.isola'),
  host: '127.0.0.1',
  port: 9000,
  region: 'ap-guangzhou',
  maxApiBodyBytes: 70 * 1024 * 1024,
  maxUnpackedBytes: 500 * 1024 * 1024,
  maxPackageFiles: 20_000,
  maxCompressionRatio: 200,
  maxNamespaces: 5,
  maxFunctionsPerNamespace: 50,
  isolateHosts: Math.max(1, os.availableParallelism()),
  allowUwsFallback: false,
  deploySample: true,
  accountConcurrencyMb: 128_000,
  unreservedFloorMb: 12_800,
  burstPerMinute: 500,
  instanceKeepAliveMs: 10 * 60 * 1000,
  logFlushIntervalMs: 50,
  logRetentionMs: 7 * 24 * 60 * 60 * 1000,
  invocationLogs: true,
  metricsRetentionMs: 7 * 24 * 60 * 60 * 1000,
  metricsMaxSeries: 2000,
  wsMaxMessageBytes: 256 * 1024,
  wsMaxMessagesPerSecond: 10,
  wsMaxBytesPerSecond: 128 * 1024,
  wsMaxBackpressureBytes: 1024 * 1024,
});

/**
 * Merges `overrides` over the defaults, rejects unknown keys (with the
 * closest known one as a hint) and values of the wrong type, and freezes it.
 */
export function resolveConfig(overrides: Partial<Record<string, unknown>> = {}): Readonly<PlatformConfig> {
  const result: Record<string, unknown> = { ...defaultConfig };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!(key in defaultConfig)) {
      throw new Error(`Unknown setting \`${key}\`${suggest(key)}`);
    }
    const expected = typeof (defaultConfig as Record<string, unknown>)[key];
    if (typeof value !== expected) {
      throw new Error(`Expected setting \`${key}\` to be a ${expected}, got ${JSON.stringify(value)}`);
    }
    if (expected === 'number' && (!Number.isFinite(value) || (value as number) < 0)) {
      throw new Error(`Expected setting \`${key}\` to be a non-negative number, got ${String(value)}`);
    }
    result[key] = value;
  }
  const config = result as unknown as PlatformConfig;
  if (!Number.isInteger(config.port) || config.port > 65535) {
    throw new Error(`Expected setting \`port\` to be an integer from 0 to 65535, got ${config.port}`);
  }
  if (config.unreservedFloorMb > config.accountConcurrencyMb) {
    throw new Error(
      `Expected setting \`unreservedFloorMb\` to be at most \`accountConcurrencyMb\` (${config.accountConcurrencyMb}), got ${config.unreservedFloorMb}`,
    );
  }
  config.dataDir = path.resolve(config.dataDir);
  return Object.freeze(config);
}

function suggest(key: string): string {
  // Closest known key by letter-pair (bigram) overlap: catches typos and case slips.
  const pairs = (word: string) => {
    const lower = word.toLowerCase();
    const set = new Set<string>();
    for (let i = 0; i < lower.length - 1; i++) set.add(lower.slice(i, i + 2));
    return set;
  };
  const wanted = pairs(key);
  let best = '';
  let bestScore = 0;
  for (const known of Object.keys(defaultConfig)) {
    const have = pairs(known);
    let shared = 0;
    for (const pair of wanted) if (have.has(pair)) shared++;
    const score = (2 * shared) / (wanted.size + have.size || 1);
    if (score > bestScore) [best, bestScore] = [known, score];
  }
  return bestScore >= 0.5 ? ` (did you mean \`${best}\`?)` : '';
}
