/**
 * Restarting a supervised process when it exits: at once, and after a
 * back-off only when it is crash-looping (more than `maxExits` exits within
 * `windowMs`), so one crash costs no delay and a child that dies on start does
 * not spin.
 */

export interface RestartPolicyOptions {
  /** How far back exits count (ms, default 5000). */
  windowMs?: number;
  /** Exits within the window that are still restarted at once (default 3). */
  maxExits?: number;
  /** Delay before a restart while crash-looping (ms, default 500). */
  backoffMs?: number;
}

/** Decides the delay before each restart from the recent exits. */
export class RestartPolicy {
  readonly windowMs: number;
  readonly maxExits: number;
  readonly backoffMs: number;
  private exits: number[] = [];

  constructor(options: RestartPolicyOptions = {}) {
    this.windowMs = options.windowMs ?? 5000;
    this.maxExits = options.maxExits ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
  }

  /** Records an exit at `now` and returns the delay before the restart (0 = at once). */
  exited(now = Date.now()): number {
    this.exits = this.exits.filter((t) => now - t < this.windowMs);
    this.exits.push(now);
    return this.exits.length > this.maxExits ? this.backoffMs : 0;
  }
}

/**
 * Restarts a process after every exit (tell it with `exited()`), with the
 * policy's delay, until `stop()`. A restart that fails to start ends in
 * another exit, which comes back here.
 */
export class Restarter {
  /** Restarts scheduled so far. */
  restarts = 0;
  private readonly policy: RestartPolicy;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly start: () => Promise<unknown>, policy: RestartPolicy | RestartPolicyOptions = {}) {
    this.policy = policy instanceof RestartPolicy ? policy : new RestartPolicy(policy);
  }

  /** The process exited: schedules its restart (nothing once stopped). */
  exited(): void {
    if (this.stopped) return;
    this.restarts++;
    const delay = this.policy.exited();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.start().catch(() => undefined);
    }, delay);
  }

  /** No more restarts; a pending one is cancelled. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
  }
}
