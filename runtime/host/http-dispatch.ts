/**
 * How HTTP requests enter the isolate. A dispatch whose body is small (or
 * absent) is queued with its arguments so that the dispatches queued next to
 * it cross in one isolate call (`dispatchHttpBatch`, up to MAX_BATCH): one
 * isolated-vm round trip costs ~23 µs, which made per-instance concurrency
 * latency-bound before batching. A larger body is transferred on its own.
 *
 * These entries carry no isolated-vm `timeout`: the instance's Watchdog
 * (one timer per instance, armed at the call's deadline) already ends a call
 * whose entry runs past it — it disposes the isolate when the entry is that
 * call's, the case isolated-vm's timeout would catch, and it fires first (the
 * timeout was the deadline + 50 ms). isolated-vm's timeout registers a timer
 * with its timer thread and cancels it per entry: a thread wake-up per request
 * entry, measured in bench/results/issue-15-hop2.md.
 */
import ivm from 'isolated-vm';
import type { EntryPoints } from './entry-points';
import type { Batcher, Job } from './entry-queue';
import type { HttpHead } from './http-exchange';

/** HTTP dispatches queued together cross into the isolate in one call (up to this many). */
const MAX_BATCH = 32;
/** Request bodies up to this size may ride in a batch (copied with the call's arguments). */
const MAX_BATCH_BODY = 64 * 1024;

/**
 * The entry of one HTTP request. Takes the head's headers and body (the entry
 * holds what it needs; a WebSocket call lives on, and its head would stay with it).
 */
export function dispatchJob(api: EntryPoints, rid: string, h: HttpHead): Job {
  const headers = h.headersJson;
  h.headersJson = '';
  const body = h.body !== null && h.body.byteLength > 0 ? h.body : null;
  h.body = null;
  if (body === null || body.byteLength <= MAX_BATCH_BODY) {
    // A view into a larger buffer (a msgpack frame) would be copied whole: copy the bytes out.
    const own = body === null || (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) ? body : new Uint8Array(body);
    const args = [rid, h.method, h.url, headers, own, h.streamed];
    // Alone in the queue: plain arguments (copy: true costs more than the body's ExternalCopy).
    const run = (): Promise<unknown> => api.dispatchHttp.apply(undefined,
      [rid, h.method, h.url, headers, own === null ? null : new ivm.ExternalCopy(own).copyInto({ release: true }), h.streamed]);
    return { run, rid, owner: rid, batch: args };
  }
  const own = new Uint8Array(body);
  const copy = new ivm.ExternalCopy(own.buffer, { transferList: [own.buffer] }).copyInto({ release: true, transferIn: true });
  return { run: () => api.dispatchHttp.apply(undefined, [rid, h.method, h.url, headers, copy, h.streamed]), rid, owner: rid };
}

/** The batcher of an instance: `api` is read when a batch is made. */
export function httpBatcher(inst: { readonly api: EntryPoints }): Batcher {
  return { max: MAX_BATCH, run: (jobs) => batchRun(inst.api, jobs) };
}

function batchRun(api: EntryPoints, jobs: Job[]): () => Promise<unknown> {
  if (jobs.every((j) => j.batch![4] === null && !(j.batch![3] as string).includes('\0'))) {
    // No bodies: the batch crosses as strings, which need no structured clone (that cost ~25 µs per
    // call): the rest of each request as one JSON list, and the header JSON texts (no NUL in a
    // JSON text) joined by NULs, so the isolate parses a request's headers only if it reads them
    // (parsing them all with the batch was ~20 % of the isolate's thread).
    let json = '[';
    let heads = '';
    for (let i = 0; i < jobs.length; i++) {
      const b = jobs[i]!.batch!;
      json += `${i === 0 ? '' : ','}${JSON.stringify(b[0])},${JSON.stringify(b[1])},${JSON.stringify(b[2])},null,null,${b[5] === true}`;
      heads += i === 0 ? (b[3] as string) : `\0${b[3] as string}`;
    }
    json += ']';
    return () => api.dispatchHttpBatch.apply(undefined, [json, heads]);
  }
  const list = jobs.flatMap((j) => j.batch!);
  return () => api.dispatchHttpBatch.apply(undefined, [list], { arguments: { copy: true } });
}
