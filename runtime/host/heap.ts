/**
 * Heap readings of one isolate, for `memUsageBytes` (the highest reading seen
 * while a call ran). A reading takes the isolate lock synchronously (measured
 * ~0.3 ms each under load, the lock being busy), so after entries it is taken
 * at most every HEAP_SAMPLE_MS: entries sharing one reading are still covered,
 * since each call keeps the maximum.
 */
import type ivm from 'isolated-vm';
import type { ReadonlyIdTable } from '../id-table';
import type { Inflight } from './inflight';

/** Minimum interval between heap readings after entries. */
const HEAP_SAMPLE_MS = 25;

export class HeapSampler {
  /** The last reading (used + external bytes). */
  used = 0;
  private sampledAt = 0;

  /** Reads the heap now and raises the high-water mark of every call in `calls`. */
  sample(isolate: ivm.Isolate, calls: ReadonlyIdTable<Inflight>): void {
    try {
      const h = isolate.getHeapStatisticsSync();
      this.used = h.used_heap_size + (h.externally_allocated_size ?? 0);
      for (const inf of calls.valueList()) if (this.used > inf.heap) inf.heap = this.used;
    } catch { /* disposed */ }
  }

  /** After an entry: reads the heap unless it was read less than HEAP_SAMPLE_MS ago. */
  afterEntry(isolate: ivm.Isolate, calls: ReadonlyIdTable<Inflight>): void {
    const now = Date.now();
    if (now - this.sampledAt < HEAP_SAMPLE_MS) return;
    this.sampledAt = now;
    this.sample(isolate, calls);
  }
}
