/**
 * `compute(op, ...args)`: the host's pure computations the isolate lacks —
 * `'digest'` (digest.ts: hash/HMAC for the compatibility set's crypto),
 * `'idna'` (idna.ts: UTS #46 ToASCII for URL hosts), `'encoding'`
 * (encoding.ts: a TextDecoder label's name and index), `'multibyte'`
 * (multibyte.ts: the source of the CJK decoders). One capability for
 * the three, because every capability is a function made in each new
 * isolate at hand-over, and three of them measured about +0.1 ms of
 * InitRuntime; these need nothing of the instance (no scope, no quota beyond
 * their input caps), so one callback, created once per host process, carries
 * them all. Each op checks its own arguments; an unknown op throws.
 */
import ivm from 'isolated-vm';
import { digest } from './digest';
import { encoding } from './encoding';
import { idna } from './idna';
import { multibyte } from './multibyte';

const OPS: Record<string, (a: unknown, b: unknown, c: unknown) => string> = { digest, idna, encoding, multibyte };

let shared: ivm.Callback | null = null;

export function computeCapability(): ivm.Callback {
  shared ??= new ivm.Callback((op: unknown, a: unknown, b: unknown, c: unknown): string => {
    const fn = typeof op === 'string' && Object.prototype.hasOwnProperty.call(OPS, op) ? OPS[op] : undefined;
    if (fn === undefined) throw new TypeError(`compute: unknown operation ${String(op).slice(0, 40)}`);
    return fn(a, b, c);
  });
  return shared;
}
