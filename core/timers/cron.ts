/**
 * Cron expressions of timer triggers (spec/triggers.md): seven fields —
 * second, minute, hour, day-of-month, month, day-of-week, year — with `*`,
 * `,`, `-`, `/` and month and day names; or the cloud's legacy five-field
 * form (minute … day-of-week, fired at second 0). Day-of-week 0 is Sunday;
 * years 1970–2099. Evaluated in UTC. The calendar arithmetic is croner's
 * (README, dependencies).
 */
import { Cron } from 'croner';
import { ApiError } from '../errors';

const YEAR_MIN = 1970;
const YEAR_MAX = 2099;
/** The only words of the grammar (croner's `L`, `W`, `#`, `?` extensions are not the cloud's and are refused). */
const NAMES = new Set(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC', 'SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);

/** A parsed schedule: the times it fires at, in epoch ms (whole seconds). */
export interface CronSchedule {
  readonly expression: string;
  /** The latest scheduled time at or before `t`, or undefined when there is none. */
  latestAtOrBefore(t: number): number | undefined;
  /** The first scheduled time strictly after `t`, or undefined when the schedule has ended (its years passed). */
  nextAfter(t: number): number | undefined;
}

const refuse = (expression: string, why: string): never => {
  throw new ApiError(
    'InvalidParameterValue.TriggerDesc',
    `TriggerDesc ${JSON.stringify(expression)} is not a timer cron expression: ${why}. Use seven fields — second minute hour day-of-month month day-of-week year — such as "0 */5 * * * * *" (or the five-field form "*/5 * * * *").`,
  );
};

/** Parses a timer trigger's TriggerDesc; InvalidParameterValue.TriggerDesc saying what is wrong. */
export function parseCron(text: string): CronSchedule {
  const expression = text.trim().replace(/\s+/g, ' ');
  const fields = expression === '' ? [] : expression.split(' ');
  if (fields.length !== 7 && fields.length !== 5) refuse(text, `it has ${fields.length} field(s)`);
  // Tencent's grammar has no `?`, `L`, `W` or `#`: refused rather than given croner's extended meaning.
  const odd = fields.find((f) => !/^[A-Za-z0-9*,\-/]+$/.test(f));
  if (odd !== undefined) refuse(text, `field ${JSON.stringify(odd)} may only use digits, names, "*", ",", "-" and "/"`);
  const word = fields.join(' ').match(/[A-Za-z]+/g)?.find((w) => !NAMES.has(w.toUpperCase()));
  if (word !== undefined) refuse(text, `${JSON.stringify(word)} is not a month (JAN-DEC) or day (SUN-SAT) name`);
  if (fields.length === 7) {
    // Each part is `*`, a year or a range, optionally `/step` (a count, not a year).
    const years = (fields[6] as string).split(',').flatMap((part) => part.replace(/\/\d+$/, '').match(/\d+/g) ?? []);
    const bad = years.find((y) => Number(y) < YEAR_MIN || Number(y) > YEAR_MAX);
    if (bad !== undefined) refuse(text, `year ${bad} is outside ${YEAR_MIN}-${YEAR_MAX}`);
  }
  let cron: Cron;
  try {
    cron = new Cron(expression, { mode: fields.length === 7 ? '7-part' : '5-part', timezone: 'UTC', paused: true });
  } catch (err) {
    return refuse(text, (err as Error).message.replace(/^CronPattern: /, ''));
  }
  return Object.freeze({
    expression,
    latestAtOrBefore(t: number): number | undefined {
      // croner's previous runs are strictly before the reference: one ms later includes `t` itself.
      return cron.previousRuns(1, new Date(t + 1))[0]?.getTime();
    },
    nextAfter(t: number): number | undefined {
      return cron.nextRun(new Date(t))?.getTime();
    },
  });
}
