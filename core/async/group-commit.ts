/**
 * Group commit: callers submit items one by one and each gets a promise;
 * everything submitted in the same event-loop turn (up to `maxBatch`) is
 * handed to `commit` together, so many concurrent enqueues share one
 * transaction and one sync of the WAL. The promise settles after the
 * commit: resolved with the item's result, or rejected with the commit's
 * error (nothing is acknowledged that was not committed).
 */
export class GroupCommit<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly commit: (items: T[]) => R[],
    private readonly maxBatch = 1000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Items waiting for the next commit. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Commits what is pending now (also called by close paths). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let results: R[];
    try {
      results = this.commit(batch.map((p) => p.item));
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i] as R));
  }
}
