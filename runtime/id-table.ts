/**
 * Per-request state keyed by invocation id (the supervisor's and the host's
 * calls in flight): a `Map` that is replaced by a fresh copy every
 * RENEW_EVERY insertions.
 *
 * Why not a plain long-lived Map: one that takes a fresh key and deletes an
 * old one per request rehashes into a new backing table every few dozen
 * requests, and V8 leaves each obsolete table pointing at its successor with
 * its old entries still in it (for live iterators). Once one table has been
 * promoted (the Map sat through two scavenges, e.g. while traffic was
 * light), that old-space table is a root of every scavenge, and the chain
 * from it keeps every later table, and every value they ever held, alive:
 * each request's whole object graph (HttpCall → sink → uWS response, Call,
 * headers, …) was promoted to old space and only a full GC freed it
 * (measured in the gateway at hello c=64: ~40 % of all young allocation
 * survived each scavenge). A copy made every RENEW_EVERY insertions starts a
 * new chain that nothing old points into, so at most that many entries'
 * values can be held that way, and under load (where the copies come every
 * few ms) no table lives long enough to be promoted.
 *
 * Why not a dictionary object (this table's previous form): a property key
 * must be an internalised string, so every fresh id string (made per request,
 * or decoded from a frame) cost a string-table look-up or insertion, and an
 * old-space copy of each id; a Map hashes the string itself. Measured apart
 * (three tables, 64 ids in flight, the supervisor's set/get/delete pattern):
 * ~0.6 µs per request over making the ids against ~2.2 µs, and 0.1 MB of old
 * space after 200k requests against 2.6 MB (a promoted plain Map: 12.6 MB).
 */

/** Insertions between two fresh copies (copying costs one insertion per live entry: ~64 under load). */
const RENEW_EVERY = 256;

/** What readers of a table may use. */
export interface ReadonlyIdTable<V> {
  readonly size: number;
  get(id: string): V | undefined;
  has(id: string): boolean;
  valueList(): V[];
}

export class IdTable<V> implements ReadonlyIdTable<V> {
  private entries = new Map<string, V>();
  private insertions = 0;

  get size(): number {
    return this.entries.size;
  }

  get(id: string): V | undefined {
    return this.entries.get(id);
  }

  has(id: string): boolean {
    return this.entries.get(id) !== undefined;
  }

  /** `value` must not be undefined (undefined means absent). */
  set(id: string, value: V): void {
    if (++this.insertions >= RENEW_EVERY) {
      this.insertions = 0;
      // No iterator of the old Map is alive (the list methods below copy), so nothing needs its chain.
      this.entries = new Map(this.entries);
    }
    this.entries.set(id, value);
  }

  delete(id: string): boolean {
    return this.entries.delete(id);
  }

  clear(): void {
    this.entries = new Map();
    this.insertions = 0;
  }

  /** A snapshot of the entries (safe to delete while looping over it). */
  entryList(): Array<[string, V]> {
    return [...this.entries];
  }

  /** A snapshot of the ids. */
  idList(): string[] {
    return [...this.entries.keys()];
  }

  /** A snapshot of the values. */
  valueList(): V[] {
    return [...this.entries.values()];
  }
}
