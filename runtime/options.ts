/** One defaults object and one validator for IsolateRuntimeOptions; the result is frozen. */
import os from 'node:os';
import path from 'node:path';
import type { FetchPolicy, IsolateRuntimeOptions } from './types';

export type FetchPolicyResolved = Required<FetchPolicy>;
export interface ResolvedOptions {
  hosts: number;
  dataDir: string;
  keepAliveMs: number;
  fetchPolicy: FetchPolicyResolved;
  hostStartTimeoutMs: number;
  hostUnresponsiveMs: number;
  forwardHostStderr: boolean;
}

export const FETCH_DEFAULTS: FetchPolicyResolved = Object.freeze({
  allowLoopback: false, allowPrivate: false, allowLinkLocal: false,
  allowHosts: [], denyHosts: [], maxPerInvocation: 50, maxResponseBytes: 6 * 1024 * 1024, maxRedirects: 5,
});

const DEFAULTS = {
  hosts: Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length),
  keepAliveMs: 10 * 60 * 1000,
  hostStartTimeoutMs: 10_000,
  hostUnresponsiveMs: 5_000,
  forwardHostStderr: false,
};

function suggest(key: string, known: string[]): string {
  let best = '', bestScore = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestScore) { bestScore = d; best = k; }
  }
  return bestScore <= 3 ? ` (did you mean \`${best}\`?)` : '';
}
function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!; dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
function checkKeys(obj: object, known: string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) throw new TypeError(`Unknown option \`${where}${k}\`${suggest(k, known)}`);
  }
}
function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new TypeError(`Expected \`${name}\` to be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}
function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw new TypeError(`Expected \`${name}\` to be a boolean, got ${JSON.stringify(v)}`);
  return v;
}
function strings(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new TypeError(`Expected \`${name}\` to be an array of strings, got ${JSON.stringify(v)}`);
  return Object.freeze([...v]) as string[];
}

/** Validates options, fills defaults, freezes the result. Unknown keys are errors. */
export function resolveOptions(o: IsolateRuntimeOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw new TypeError('Expected options to be an object');
  checkKeys(o, ['hosts', 'dataDir', 'keepAliveMs', 'fetchPolicy', 'hostStartTimeoutMs', 'hostUnresponsiveMs', 'forwardHostStderr'], '');
  if (typeof o.dataDir !== 'string' || o.dataDir === '') throw new TypeError(`Expected \`dataDir\` to be a non-empty string, got ${JSON.stringify(o.dataDir)}`);
  const fp = o.fetchPolicy ?? {};
  checkKeys(fp, Object.keys(FETCH_DEFAULTS), 'fetchPolicy.');
  const f = { ...FETCH_DEFAULTS };
  if (fp.allowLoopback !== undefined) f.allowLoopback = bool(fp.allowLoopback, 'fetchPolicy.allowLoopback');
  if (fp.allowPrivate !== undefined) f.allowPrivate = bool(fp.allowPrivate, 'fetchPolicy.allowPrivate');
  if (fp.allowLinkLocal !== undefined) f.allowLinkLocal = bool(fp.allowLinkLocal, 'fetchPolicy.allowLinkLocal');
  if (fp.allowHosts !== undefined) f.allowHosts = strings(fp.allowHosts, 'fetchPolicy.allowHosts');
  if (fp.denyHosts !== undefined) f.denyHosts = strings(fp.denyHosts, 'fetchPolicy.denyHosts');
  if (fp.maxPerInvocation !== undefined) f.maxPerInvocation = int(fp.maxPerInvocation, 'fetchPolicy.maxPerInvocation', 0, 10_000);
  if (fp.maxResponseBytes !== undefined) f.maxResponseBytes = int(fp.maxResponseBytes, 'fetchPolicy.maxResponseBytes', 0, 64 * 1024 * 1024);
  if (fp.maxRedirects !== undefined) f.maxRedirects = int(fp.maxRedirects, 'fetchPolicy.maxRedirects', 0, 20);
  return Object.freeze({
    hosts: o.hosts === undefined ? DEFAULTS.hosts : int(o.hosts, 'hosts', 1, 256),
    dataDir: path.resolve(o.dataDir),
    keepAliveMs: o.keepAliveMs === undefined ? DEFAULTS.keepAliveMs : int(o.keepAliveMs, 'keepAliveMs', 1, 7 * 24 * 3600 * 1000),
    fetchPolicy: Object.freeze(f),
    hostStartTimeoutMs: o.hostStartTimeoutMs === undefined ? DEFAULTS.hostStartTimeoutMs : int(o.hostStartTimeoutMs, 'hostStartTimeoutMs', 100, 600_000),
    hostUnresponsiveMs: o.hostUnresponsiveMs === undefined ? DEFAULTS.hostUnresponsiveMs : int(o.hostUnresponsiveMs, 'hostUnresponsiveMs', 200, 600_000),
    forwardHostStderr: o.forwardHostStderr === undefined ? DEFAULTS.forwardHostStderr : bool(o.forwardHostStderr, 'forwardHostStderr'),
  });
}
