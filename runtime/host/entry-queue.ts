/**
 * The entry queue of one instance. Every entry into the isolate (a dispatch,
 * a timer due, a fetch completion, request body bytes, response credit,
 * WebSocket events) is serialised here and runs with isolated-vm's async API,
 * so the host's event loop stays free for the wall-clock watchdog, which reads
 * `busy` and the running entry's owners to tell a runaway from a neighbour.
 * Consecutive HTTP dispatches at the head of the queue become one isolate call
 * (the batcher, http-dispatch.ts).
 */

/** One queued entry. */
export interface Job {
  run: () => Promise<unknown>;
  /** The request an entry failure is reported to (null: none). */
  rid: string | null;
  /** The request whose code the entry runs, when known (timeout handling). */
  owner: string | null;
  /** An HTTP dispatch that may share one isolate call with others queued next to it: its arguments. */
  batch?: unknown[];
  /** Builds the entry when it runs (the WebSocket events queued by then): its call and the requests it serves. */
  collect?: () => { run: () => Promise<unknown>; rids: string[] };
  /** When it was queued (performance.now(); set by the queue): how long entries wait is the instance's lag. */
  at?: number;
}

/** What the queue needs of its instance. */
export interface EntryOwner {
  readonly disposed: boolean;
  /** An entry threw (an isolated-vm error: timeout, memory, a fault). */
  entryFailed(e: unknown, rids: string[]): void;
  /** After every entry, failed or not. */
  afterEntry(): void;
}

/** Merges queued HTTP dispatches into one isolate call. */
export interface Batcher {
  /** Most dispatches in one call. */
  readonly max: number;
  run(jobs: Job[]): () => Promise<unknown>;
}

interface Entry { job: object; run: () => Promise<unknown>; rids: string[]; owners: string[] }

export class EntryQueue {
  /** An entry is running: the isolate may be executing. */
  busy = false;
  /** The entry running now (identity) and the requests it was made for (empty = unknown). */
  runningJob: object | null = null;
  runningOwners: string[] = [];
  private readonly jobs: Job[] = [];
  /** A pump start is queued (schedule). */
  private pumpQueued = false;
  /** When the running entry started (performance.now()). */
  private runningSince = 0;

  constructor(private readonly owner: EntryOwner, private readonly batcher: Batcher) {}

  /** Queues an entry; the pump starts in a microtask when idle (see schedule). */
  push(job: Job): void {
    job.at = performance.now();
    this.jobs.push(job);
    this.schedule();
  }

  /** Queues an entry and starts the pump now when idle. */
  pushNow(job: Job): void {
    job.at = performance.now();
    this.jobs.push(job);
    if (!this.busy) void this.pump();
  }

  /**
   * How far behind the isolate is, ms: the longer of the oldest queued
   * entry's wait and the running entry's run so far. Near 0 while the
   * isolate keeps up with its requests (a batch of hello dispatches takes
   * well under a millisecond); it grows with synchronous work per request.
   */
  lagMs(now = performance.now()): number {
    const waiting = this.jobs.length > 0 ? now - (this.jobs[0]!.at ?? now) : 0;
    const running = this.busy && this.runningJob !== null ? now - this.runningSince : 0;
    return waiting > running ? waiting : running;
  }

  /** Drops every queued entry (the instance is disposed). */
  clear(): void {
    this.jobs.length = 0;
  }

  /**
   * Starts the pump in a microtask, not in the caller's stack: the requests of one frame chunk (all
   * read synchronously) are then queued before the first entry and cross as one batch, and the
   * async apply captures its 10-frame stack trace from a shallow stack (from deep in the frame
   * reader that capture cost ~6 % of the host's thread).
   */
  private schedule(): void {
    if (this.busy || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(this.startPump);
  }

  private readonly startPump = (): void => {
    this.pumpQueued = false;
    if (!this.busy) void this.pump();
  };

  /** The next entry: consecutive HTTP dispatches at the head of the queue become one isolate call. */
  private next(): Entry {
    const job = this.jobs.shift()!;
    if (job.collect) {
      const c = job.collect();
      return { job, run: c.run, rids: c.rids, owners: c.rids };
    }
    if (!job.batch || !this.jobs[0]?.batch) return { job, run: job.run, rids: job.rid === null ? [] : [job.rid], owners: job.owner === null ? [] : [job.owner] };
    const jobs = [job];
    while (jobs.length < this.batcher.max && this.jobs[0]?.batch) jobs.push(this.jobs.shift()!);
    const rids = jobs.map((j) => j.rid!);
    return { job, rids, owners: rids, run: this.batcher.run(jobs) };
  }

  private async pump(): Promise<void> {
    this.busy = true;
    const owner = this.owner;
    while (this.jobs.length && !owner.disposed) {
      const { job, run, rids, owners } = this.next();
      this.runningJob = job;
      this.runningOwners = owners;
      this.runningSince = performance.now();
      try {
        await run();
      } catch (e) {
        if (!owner.disposed) owner.entryFailed(e, rids);
      }
      this.runningJob = null;
      owner.afterEntry();
    }
    this.busy = false;
  }
}
