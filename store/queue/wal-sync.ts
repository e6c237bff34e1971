/**
 * Group sync of the queue's WAL off the event loop.
 *
 * Enqueues commit with `synchronous = NORMAL`: the commit's frames are
 * written (write(2)) to `queue.db-wal` before the transaction returns, so
 * they survive a crash of the process, but nothing was synced. This class
 * then syncs that file with `fs.fsync` in libuv's threadpool (on Linux
 * fsync flushes the inode's dirty pages whichever descriptor wrote them)
 * and resolves a caller's `durable()` only when a sync that STARTED AFTER
 * the caller's commit has completed. Commits made while a sync is in
 * flight share the next one: one sync at a time, each covering every
 * commit counted before it began (group commit, but the event loop never
 * blocks on the disk).
 *
 * Why the descriptor stays valid: SQLite re-uses the WAL file for the
 * connection's lifetime. A checkpoint followed by a WAL restart writes
 * over the same file from its start (same inode), `journal_size_limit`
 * shrinks it with ftruncate (same inode); the file is only deleted when
 * the last connection closes or the journal mode changes — neither
 * happens while the queue is open (it is the file's only connection and
 * never leaves WAL). Each sync still checks the path's inode against the
 * descriptor's and re-opens (and syncs the directory) if they differ, so
 * a file replaced behind our back is never silently left unsynced.
 *
 * A failed sync is final: after fsync reports an error Linux may already
 * have dropped the dirty pages, so a later successful fsync proves
 * nothing. Every waiting and later `durable()` rejects with that error
 * (the server must be restarted; SQLite's recovery then reads what really
 * reached the disk).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Syncs one file descriptor; `fs.fsync` unless a test holds it back. */
export type SyncFile = (fd: number, done: (err: Error | null) => void) => void;

interface Round {
  promise: Promise<void>;
  /** Settles like `promise` but never rejects. */
  ended: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
  /** The commits this round covers: those counted before it started. */
  covers: number;
}

export class WalSyncer {
  private fd: number;
  private ino: number;
  /** Commits that must reach the disk before they are acknowledged (counted after each returns). */
  private committed = 0;
  /** Commits known to be on disk. */
  private synced = 0;
  private inFlight: Round | undefined;
  private next: Round | undefined;
  private failed: Error | undefined;
  private closed = false;
  /** fsyncs issued (rounds, plus the one at close). */
  syncs = 0;

  constructor(
    private readonly walPath: string,
    private readonly syncFile: SyncFile = fs.fsync,
  ) {
    ({ fd: this.fd, ino: this.ino } = this.open());
  }

  /** Counts a commit whose durability a later `durable()` waits for. */
  noteCommit(): void {
    this.committed += 1;
  }

  /**
   * Counts a commit that synced the WAL itself (`synchronous = FULL`): it
   * also made every earlier commit durable (a sync covers the whole file).
   */
  noteSyncedCommit(): void {
    this.committed += 1;
    this.synced = this.committed;
  }

  /** Resolves once every commit counted before the call is on disk; rejects if syncing failed. */
  durable(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.synced >= this.committed) return Promise.resolve();
    // The sync in flight started after every commit counted so far: join it.
    if (this.inFlight && this.inFlight.covers >= this.committed) return this.inFlight.promise;
    const round = (this.next ??= newRound());
    if (!this.inFlight) this.start();
    return round.promise;
  }

  /** The sync in flight, if any; resolves when it ends, whatever its result. */
  syncing(): Promise<void> | undefined {
    return this.inFlight?.ended;
  }

  /**
   * Syncs what is written now, synchronously, and releases every waiter;
   * the descriptor is closed once a sync in flight ends. Called before
   * the database closes (close checkpoints and may delete the WAL).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.failed && this.committed > this.synced) {
      try {
        fs.fsyncSync(this.fd);
        this.syncs += 1;
        this.synced = this.committed;
      } catch (err) {
        this.fail(err as Error);
      }
    }
    const waiting = [this.inFlight, this.next];
    this.next = undefined;
    for (const round of waiting) if (round) this.failed ? round.reject(this.failed) : round.resolve();
    if (!this.inFlight) fs.closeSync(this.fd);
  }

  private start(): void {
    const round = this.next as Round;
    this.next = undefined;
    round.covers = this.committed;
    this.inFlight = round;
    try {
      this.followRenames();
    } catch (err) {
      this.inFlight = undefined;
      this.fail(err as Error);
      round.reject(this.failed as Error);
      return;
    }
    this.syncs += 1;
    this.syncFile(this.fd, (err) => this.finish(round, err));
  }

  private finish(round: Round, err: Error | null): void {
    this.inFlight = undefined;
    if (this.closed) {
      fs.closeSync(this.fd);
      return;
    }
    if (err) {
      this.fail(err);
      round.reject(this.failed as Error);
      this.next?.reject(this.failed as Error);
      this.next = undefined;
      return;
    }
    this.synced = Math.max(this.synced, round.covers);
    round.resolve();
    if (this.next) this.start();
  }

  private fail(err: Error): void {
    this.failed ??= new Error(`the async queue's WAL (${this.walPath}) could not be synced, so nothing more is acknowledged until the server restarts: ${err.message}`);
  }

  /** Re-opens the WAL if the path no longer names the file the descriptor holds (defensive; see the header). */
  private followRenames(): void {
    if (fs.statSync(this.walPath).ino === this.ino) return;
    const old = this.fd;
    ({ fd: this.fd, ino: this.ino } = this.open());
    fs.closeSync(old);
  }

  /** Opens the WAL and syncs its directory once, so the file's own entry survives a power loss too. */
  private open(): { fd: number; ino: number } {
    const fd = fs.openSync(this.walPath, 'r');
    const dir = fs.openSync(path.dirname(this.walPath), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
    return { fd, ino: fs.fstatSync(fd).ino };
  }
}

function newRound(): Round {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // A round nobody awaits any more (its callers gave up) must not end the process when it rejects.
  const ended = promise.catch(() => undefined);
  return { promise, ended, resolve, reject, covers: 0 };
}
