/**
 * Per-minute metric rollups (platform-semantics §7). One row is what one
 * process recorded for one series (namespace × function × version × alias)
 * in one minute; `alias` is '' when no alias routed the calls. A minute may
 * hold more than one row per series (a restart inside the minute flushes the
 * open minute on close and the next process goes on recording it): readers
 * merge the rows of a minute, counters by sum, maxima by max and durations by
 * adding their histograms (`duration_hist`, see core/observe/metrics-sketch.ts), so
 * no row is ever updated in place. Times are epoch ms; `minute` is the start
 * of the minute (a multiple of 60 000).
 */
export const sql = `
CREATE TABLE metric_minutes (
  id              INTEGER PRIMARY KEY,
  minute          INTEGER NOT NULL,
  namespace       TEXT NOT NULL,
  function_name   TEXT NOT NULL,
  version         TEXT NOT NULL,
  alias           TEXT NOT NULL DEFAULT '',
  invocations     INTEGER NOT NULL,          -- calls that ran (throttled calls are not invocations)
  errors          INTEGER NOT NULL,          -- ran and ended with a status other than 200
  throttles       INTEGER NOT NULL,          -- 432 and 429
  duration_sum    REAL NOT NULL,             -- ms, over invocations
  duration_min    REAL NOT NULL,
  duration_max    REAL NOT NULL,
  duration_hist   BLOB,                      -- sparse log-histogram (core/observe/metrics-sketch.ts)
  max_concurrency INTEGER NOT NULL,
  mem_max_mb      REAL NOT NULL,             -- highest memory used by one call
  mem_duration    REAL NOT NULL,             -- Σ configured MB × duration ms
  out_flow        INTEGER NOT NULL,          -- bytes returned
  cold_starts     INTEGER NOT NULL,
  init_sum        REAL NOT NULL,             -- ms, over cold starts
  init_max        REAL NOT NULL,
  http_2xx        INTEGER NOT NULL,
  http_4xx        INTEGER NOT NULL,          -- every 4xx, 432/433/434 included
  http_432        INTEGER NOT NULL,
  http_433        INTEGER NOT NULL,
  http_434        INTEGER NOT NULL,
  http_5xx        INTEGER NOT NULL           -- the spec's syserr
);
CREATE INDEX metric_minutes_by_function ON metric_minutes (namespace, function_name, minute);
CREATE INDEX metric_minutes_by_minute ON metric_minutes (minute);
`;
