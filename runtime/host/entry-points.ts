/**
 * The entry points the bootstrap hands back (runtime/sandbox/bootstrap.js):
 * the functions the host calls to enter the isolate. Declared once, here:
 * host/sandbox.ts ends the bootstrap with `return { <these names> }`, so a
 * part that does not provide one fails the cold start.
 */
import type ivm from 'isolated-vm';

export const ENTRY_POINTS = [
  'configure', 'dispatch', 'fireTimer', 'fetchDone', 'initCjs', 'beginInit', 'initEsm', 'esmReady', 'cjsForEsm', 'forget',
  'dispatchHttp', 'dispatchHttpBatch', 'httpCredit', 'httpBody', 'wsEvents', 'terminate',
] as const;

export type EntryName = typeof ENTRY_POINTS[number];
export type EntryPoints = Readonly<Record<EntryName, ivm.Reference<unknown>>>;

/** References to every entry point of the object the bootstrap returned (the caller releases `ref`). */
export function bindEntryPoints(ref: ivm.Reference<unknown>): EntryPoints {
  const get = ref.getSync as (k: string, o: { reference: true }) => ivm.Reference<unknown>;
  const api: Partial<Record<EntryName, ivm.Reference<unknown>>> = {};
  for (const k of ENTRY_POINTS) api[k] = get.call(ref, k, { reference: true });
  return api as EntryPoints;
}
