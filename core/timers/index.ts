/**
 * Face of core/timers/: timer triggers. Their control actions
 * (timer-triggers.ts), the cron grammar (cron.ts) and the scheduler that
 * fires them into the async queue exactly once per scheduled time
 * (scheduler.ts).
 */
export { type CronSchedule, parseCron } from './cron';
export { TIMER, timerEvent, timerKeyOf, TimerScheduler } from './scheduler';
export { MAX_TIMER_MESSAGE_BYTES, TimerTriggerService } from './timer-triggers';
