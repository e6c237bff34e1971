/**
 * The timer scheduler: fires every enabled timer trigger at its scheduled
 * times, each firing one async event of the spec's shape
 * (`{Type: "Timer", TriggerName, Time, Message}`) queued like any async
 * invocation (retried by the function's policy).
 *
 * Exactly one firing per scheduled time, across restarts: the firing's
 * event and the trigger's last fired time commit in one transaction of the
 * queue (AsyncService.fireTimers), and a time not after the recorded one is
 * never fired again.
 *
 * Missed times (the server was down, or the process stalled past several
 * times) fire at most once: a tick fires only the latest scheduled time
 * that passed since the last firing, never a burst of the older ones. Times
 * before the trigger was created, last changed or enabled are not missed
 * times (a disabled period is not caught up).
 *
 * The trigger table (the main database) is read on every tick, so triggers deleted
 * by any path (DeleteTrigger, a deleted function) simply stop firing.
 * All times come from the injected clock.
 */
import type { Store, TriggerWithFunction } from '../../store';
import type { AsyncService, Clock } from '../async';
import { parseCron, type CronSchedule } from './cron';

export const TIMER = 'timer';

/** The trigger's record key in the queue: its id and creation time (an id re-used after a delete is another trigger). */
export const timerKeyOf = (row: { id: number; add_time: number }): string => `${row.id}@${row.add_time}`;

/** The event a firing delivers (spec/triggers.md); Time in whole seconds, UTC. */
export function timerEvent(triggerName: string, scheduledAt: number, message: string): string {
  return JSON.stringify({ Type: 'Timer', TriggerName: triggerName, Time: new Date(scheduledAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), Message: message });
}

/** Longest wait between ticks: a schedule whose next time is far away is looked at again by then. */
const MAX_SLEEP_MS = 60 * 60 * 1000;

export class TimerScheduler {
  private timer: unknown;
  private stopped = true;
  private readonly schedules = new Map<string, CronSchedule | null>();
  private firings = 0;

  constructor(
    private readonly store: Store,
    private readonly async: AsyncService,
    private readonly clock: Clock,
  ) {}

  /** Starts firing: a missed time (downtime) fires now, once per trigger; records of deleted triggers are dropped. */
  start(): void {
    this.stopped = false;
    try {
      this.async.queue.forgetTimers(new Set(this.store.triggers.ofType(TIMER).map(timerKeyOf)));
    } catch (err) {
      console.error(`[timer] dropping records of deleted triggers failed: ${(err as Error).message}`);
    }
    this.tick();
  }

  /** Fires what is due now and sleeps until the next scheduled time (after a trigger was created or changed, too). */
  tick(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    let next = now + MAX_SLEEP_MS;
    try {
      const rows = this.store.triggers.ofType(TIMER);
      const last = this.async.queue.lastFired(rows.map(timerKeyOf));
      const due: TriggerWithFunction[] = [];
      const dueAt: number[] = [];
      for (const row of rows) {
        const schedule = row.enabled === 1 ? this.scheduleOf(row.trigger_desc) : null;
        if (!schedule) continue;
        const upcoming = schedule.nextAfter(now);
        if (upcoming !== undefined) next = Math.min(next, upcoming);
        const at = schedule.latestAtOrBefore(now);
        const since = Math.max(last.get(timerKeyOf(row)) ?? -Infinity, row.mod_time);
        if (at !== undefined && at > since) (due.push(row), dueAt.push(at));
      }
      this.fire(due, dueAt);
    } catch (err) {
      console.error(`[timer] tick failed (retried at the next one): ${(err as Error).message}`);
    }
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.tick();
    }, Math.max(0, next - now));
  }

  /** Firings committed since start (those that queued an event). */
  get fired(): number {
    return this.firings;
  }

  /** Stops firing. Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private fire(rows: TriggerWithFunction[], times: number[]): void {
    if (rows.length === 0) return;
    const results = this.async.fireTimers(rows.map((row, i) => ({
      timerKey: timerKeyOf(row),
      scheduledAt: times[i] as number,
      namespace: row.namespace,
      functionName: row.function_name,
      qualifier: row.qualifier,
      payload: timerEvent(row.name, times[i] as number, row.custom_argument),
    })));
    results.forEach((result, i) => {
      const row = rows[i] as TriggerWithFunction;
      if (result === 'ok') this.firings += 1;
      else if (result === 'full') console.error(`[timer] ${row.namespace}/${row.function_name} trigger ${row.name}: the firing of ${new Date(times[i] as number).toISOString()} was dropped, the function's async queue is full`);
    });
  }

  /** The parsed schedule of a TriggerDesc (cached by text); null when it does not parse (it was checked at creation; logged once). */
  private scheduleOf(desc: string): CronSchedule | null {
    let schedule = this.schedules.get(desc);
    if (schedule === undefined) {
      try {
        schedule = parseCron(desc);
      } catch (err) {
        console.error(`[timer] ${(err as Error).message}`);
        schedule = null;
      }
      this.schedules.set(desc, schedule);
    }
    return schedule;
  }
}
