/**
 * The queue database's schema (`<dataDir>/queue.db`, apart from isola.db;
 * see README "Async queue"). Numbered like the main migrations and recorded
 * in its own `PRAGMA user_version`. Times are epoch ms.
 */
/** What an event keeps wherever it is: waiting in `events` or in `dead_letters`. */
const EVENT_COLUMNS = `
  namespace     TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier     TEXT NOT NULL,
  payload       TEXT NOT NULL,
  invoke_type   TEXT NOT NULL,
  lease_ms      INTEGER NOT NULL,
  enqueued_at   INTEGER NOT NULL,`;

export const queueMigrations: ReadonlyArray<{ id: number; name: string; sql: string }> = [
  {
    id: 1,
    name: 'q0001_events',
    sql: `
-- Waiting and running events, taken in (visible_at, id) order: a first try
-- in enqueue order, a retry when its back-off ends (an index seek, however
-- many events wait invisible in back-off). An event is leased by
-- moving visible_at past now (now + lease_ms); a crash leaves it to become
-- visible again when that passes.
CREATE TABLE events (
  id            INTEGER PRIMARY KEY,
  request_id    TEXT NOT NULL UNIQUE,${EVENT_COLUMNS}
  visible_at    INTEGER NOT NULL,
  attempt       INTEGER NOT NULL DEFAULT 0,   -- runs started (leases that were not throttled)
  failures      INTEGER NOT NULL DEFAULT 0,   -- failed runs counted by the retry policy
  throttles     INTEGER NOT NULL DEFAULT 0,
  last_error    TEXT
);
CREATE INDEX events_visible ON events (visible_at, id);
CREATE INDEX events_function ON events (namespace, function_name);

-- What ListAsyncEvents / GetAsyncEventStatus read; kept 3 days after the end.
CREATE TABLE event_status (
  request_id    TEXT PRIMARY KEY,
  namespace     TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier     TEXT NOT NULL,
  invoke_type   TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'ABORTED')),
  status_code   INTEGER NOT NULL DEFAULT 0,
  start_time    INTEGER NOT NULL,
  end_time      INTEGER,
  attempt       INTEGER NOT NULL DEFAULT 0,
  error         TEXT
);
CREATE INDEX event_status_function ON event_status (namespace, function_name, start_time);
CREATE INDEX event_status_end ON event_status (end_time);

-- isola dead-letter queues (DeadLetterConfig Type QUEUE): listable, re-drivable.
CREATE TABLE dead_letters (
  id            INTEGER PRIMARY KEY,
  queue         TEXT NOT NULL,
  request_id    TEXT NOT NULL,${EVENT_COLUMNS}
  failed_at     INTEGER NOT NULL,
  attempts      INTEGER NOT NULL,
  status_code   INTEGER NOT NULL,
  error         TEXT NOT NULL
);
CREATE INDEX dead_letters_queue ON dead_letters (queue, id);
`,
  },
  {
    id: 2,
    name: 'q0002_timer_fires',
    sql: `
-- The last scheduled time each timer trigger fired for. It lives here, beside
-- the events, so a firing's event and this record commit in one transaction:
-- after a crash either both exist or neither (exactly one firing per
-- scheduled time). The key is the trigger's id and creation time in
-- isola.db, so a re-used id never inherits an old trigger's record.
CREATE TABLE timer_fires (
  timer_key     TEXT PRIMARY KEY,
  last_fired    INTEGER NOT NULL
);
`,
  },
  {
    id: 3,
    name: 'q0003_status_traced',
    sql: `
-- TraceEnable of the event's function when it was queued: a traced event's
-- final status is kept 3 days, an untraced one's only briefly (README).
ALTER TABLE event_status ADD COLUMN traced INTEGER NOT NULL DEFAULT 1;
`,
  },
];
