/** SandboxOptions: their schema for the one options validator; the result is frozen. */
import path from 'node:path';
import { resolveOptions, type Schema } from '../../lib';
import type { SandboxOptions } from './types';

export type ResolvedSandboxOptions = Required<SandboxOptions>;

const UID_MAX = 2 ** 31 - 2;

const SCHEMA: Schema<ResolvedSandboxOptions> = {
  // Required: the sandbox hides it from instances and keeps its records there.
  dataDir: { type: 'string', nonEmpty: true, normalize: (dir) => path.resolve(dir) },
  // Above the usual system/user ranges and below the 65536-wide subordinate ranges usually handed out from 100000.
  uidBase: { type: 'number', integer: true, min: 1000, max: UID_MAX, default: 200_000 },
  uidCount: { type: 'number', integer: true, min: 1, max: 1_000_000, default: 10_000 },
  enabled: { type: 'boolean', default: true },
};

export function resolveSandboxOptions(o: SandboxOptions): ResolvedSandboxOptions {
  const r = resolveOptions(SCHEMA, o, { noun: 'sandbox option' });
  if (r.uidBase + r.uidCount > UID_MAX) {
    throw Object.assign(new RangeError(`Expected \`uidBase + uidCount\` to be at most ${UID_MAX}, got ${r.uidBase + r.uidCount}`), { code: 'ERR_INVALID_OPTION' });
  }
  return r;
}
