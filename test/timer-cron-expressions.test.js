'use strict';
// The cron expressions of timer triggers: the examples the cloud's timer
// documentation shows (7 fields, and the legacy 5-field form) parse and
// fire when the documentation says (UTC); malformed ones are refused with
// InvalidParameterValue.TriggerDesc saying why.
const t = require('tap');
const { parseCron } = require('../dist/core/timers');

const at = (s) => Date.parse(s);
const iso = (ms) => new Date(ms).toISOString();
// Wednesday 2 December 2026, 11:49:00 UTC.
const REF = at('2026-12-02T11:49:00Z');

const DOC_EXAMPLES = [
  // [expression, what the documentation says, the next two times after REF]
  ['*/5 * * * * * *', 'every 5 seconds', ['2026-12-02T11:49:05.000Z', '2026-12-02T11:49:10.000Z']],
  ['0 0 2 1 * * *', 'at 2:00 on the 1st of every month', ['2027-01-01T02:00:00.000Z', '2027-02-01T02:00:00.000Z']],
  ['0 15 10 * * MON-FRI *', 'at 10:15 Monday to Friday', ['2026-12-03T10:15:00.000Z', '2026-12-04T10:15:00.000Z']],
  ['0 0 10,14,16 * * * *', 'at 10:00, 14:00 and 16:00 every day', ['2026-12-02T14:00:00.000Z', '2026-12-02T16:00:00.000Z']],
  ['0 */30 9-17 * * * *', 'every half hour from 9:00 to 17:30', ['2026-12-02T12:00:00.000Z', '2026-12-02T12:30:00.000Z']],
  ['0 0 12 * * WED *', 'at 12:00 every Wednesday', ['2026-12-02T12:00:00.000Z', '2026-12-09T12:00:00.000Z']],
  ['0 0 0 1 JAN,JUL * 2027-2028', 'month names and a year range', ['2027-01-01T00:00:00.000Z', '2027-07-01T00:00:00.000Z']],
  ['0 0 0 * * 0 *', '0 is Sunday', ['2026-12-06T00:00:00.000Z', '2026-12-13T00:00:00.000Z']],
  // The legacy five-field form: minute hour day month day-of-week, at second 0.
  ['*/5 * * * *', 'legacy: every 5 minutes', ['2026-12-02T11:50:00.000Z', '2026-12-02T11:55:00.000Z']],
  ['15 10 * * MON-FRI', 'legacy: at 10:15 on weekdays', ['2026-12-03T10:15:00.000Z', '2026-12-04T10:15:00.000Z']],
];

t.test('the documentation examples parse and fire when it says', async (t) => {
  for (const [expression, meaning, next] of DOC_EXAMPLES) {
    const schedule = parseCron(expression);
    const first = schedule.nextAfter(REF);
    t.same([iso(first), iso(schedule.nextAfter(first))], next, `${expression}: ${meaning}`);
  }
});

t.test('latest time at or before: a scheduled instant counts as passed', async (t) => {
  const schedule = parseCron('*/5 * * * * * *');
  t.equal(iso(schedule.latestAtOrBefore(REF)), '2026-12-02T11:49:00.000Z', 'REF itself is a scheduled time');
  t.equal(iso(schedule.latestAtOrBefore(REF + 4999)), '2026-12-02T11:49:00.000Z');
  t.equal(iso(schedule.latestAtOrBefore(REF + 5000)), '2026-12-02T11:49:05.000Z');
  t.equal(parseCron('0 0 0 1 1 * 2020').nextAfter(REF), undefined, 'a schedule whose years passed has no next time');
});

t.test('malformed expressions are refused, saying why', async (t) => {
  const refused = [
    ['', /0 field/],
    ['* * * * * *', /6 field/],
    ['61 * * * * * *', /second/i],
    ['0 0 25 * * * *', /hour/i],
    ['0 0 0 32 * * *', /day/i],
    ['0 0 0 * 13 * *', /month/i],
    ['0 0 0 * * * 1960', /year 1960 is outside 1970-2099/],
    ['0 0 0 * * * 2100', /year 2100/],
    ['0 0 0 ? * * *', /may only use/],
    ['0 0 0 L * * *', /"L" is not a month/],
    ['0 0 0 * * MONDAY *', /"MONDAY" is not/],
    ['rm -rf / * * *', /may only use|field/],
  ];
  for (const [expression, why] of refused) {
    t.throws(() => parseCron(expression), { code: 'InvalidParameterValue.TriggerDesc', message: why }, JSON.stringify(expression));
  }
});
