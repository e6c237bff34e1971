/**
 * Per-request state keyed by invocation id (the supervisor's calls in flight),
 * in a null-prototype dictionary object instead of a `Map`.
 *
 * Why not a Map: a long-lived Map that takes a fresh key and deletes an old one
 * per request rehashes into a new backing table every few dozen requests, and
 * V8 leaves each obsolete table pointing at its successor with its old entries
 * still in it (for live iterators). Once one table has been promoted, the dead
 * chain from it keeps every later table, and every value they ever held, alive
 * through the next scavenges: each request's whole object graph (HttpCall →
 * sink → uWS response, Call, headers, …) was promoted to old space and only a
 * full GC freed it. Measured in the gateway at hello c=64: ~40 % of all young
 * allocation survived each scavenge (6–9 ms pauses every ~65 ms, a full GC
 * every ~0.5 s). A dictionary object shrinks and grows into unlinked stores,
 * so a deleted value is garbage at the next scavenge.
 */
/** What readers of a table may use. */
export interface ReadonlyIdTable<V> {
  readonly size: number;
  get(id: string): V | undefined;
  has(id: string): boolean;
  valueList(): V[];
}

export class IdTable<V> implements ReadonlyIdTable<V> {
  private entries: Record<string, V | undefined> = Object.create(null) as Record<string, V | undefined>;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: string): V | undefined {
    return this.entries[id];
  }

  has(id: string): boolean {
    return this.entries[id] !== undefined;
  }

  /** `value` must not be undefined (undefined means absent). */
  set(id: string, value: V): void {
    if (this.entries[id] === undefined) this.count++;
    this.entries[id] = value;
  }

  delete(id: string): boolean {
    if (this.entries[id] === undefined) return false;
    delete this.entries[id];
    this.count--;
    return true;
  }

  clear(): void {
    this.entries = Object.create(null) as Record<string, V | undefined>;
    this.count = 0;
  }

  /** A snapshot of the entries (safe to delete while looping over it). */
  entryList(): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    for (const id in this.entries) out.push([id, this.entries[id]!]);
    return out;
  }

  /** A snapshot of the ids. */
  idList(): string[] {
    const out: string[] = [];
    for (const id in this.entries) out.push(id);
    return out;
  }

  /** A snapshot of the values. */
  valueList(): V[] {
    const out: V[] = [];
    for (const id in this.entries) out.push(this.entries[id]!);
    return out;
  }
}
