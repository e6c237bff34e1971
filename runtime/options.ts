/** IsolateRuntimeOptions: their schema (types, ranges, defaults) for the one options validator; the result is frozen. */
import os from 'node:os';
import path from 'node:path';
import { defaultsOf, resolveOptions as resolveWith, type Schema } from '../lib';
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
  scaleOut: () => boolean;
}

const FETCH_SCHEMA: Schema<FetchPolicyResolved> = {
  allowLoopback: { type: 'boolean', default: false },
  allowPrivate: { type: 'boolean', default: false },
  allowLinkLocal: { type: 'boolean', default: false },
  allowHosts: { type: 'strings', default: [] },
  denyHosts: { type: 'strings', default: [] },
  maxPerInvocation: { type: 'number', integer: true, min: 0, max: 10_000, default: 50 },
  maxResponseBytes: { type: 'number', integer: true, min: 0, max: 64 * 1024 * 1024, default: 6 * 1024 * 1024 },
  maxRedirects: { type: 'number', integer: true, min: 0, max: 20, default: 5 },
};

export const FETCH_DEFAULTS: FetchPolicyResolved = defaultsOf(FETCH_SCHEMA);

const SCHEMA: Schema<ResolvedOptions> = {
  hosts: { type: 'number', integer: true, min: 1, max: 256, default: Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length) },
  // Required: the runtime never guesses where the server's data lives.
  dataDir: { type: 'string', nonEmpty: true, normalize: (dir) => path.resolve(dir) },
  keepAliveMs: { type: 'number', integer: true, min: 1, max: 7 * 24 * 3600 * 1000, default: 10 * 60 * 1000 },
  fetchPolicy: { type: 'object', shape: FETCH_SCHEMA },
  hostStartTimeoutMs: { type: 'number', integer: true, min: 100, max: 600_000, default: 10_000 },
  hostUnresponsiveMs: { type: 'number', integer: true, min: 200, max: 600_000, default: 5_000 },
  forwardHostStderr: { type: 'boolean', default: false },
  scaleOut: { type: 'function', default: () => true },
};

/** Validates options, fills defaults, freezes the result. Unknown keys are errors naming the closest known one. */
export function resolveOptions(o: IsolateRuntimeOptions): ResolvedOptions {
  return resolveWith(SCHEMA, o);
}
