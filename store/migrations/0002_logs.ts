/**
 * Invocation logs (platform-semantics §6): one row per invocation and one row
 * per log line. Times are epoch milliseconds.
 *
 * The platform lines that follow from the invocation's figures (START,
 * Init Report, END, Report) are not stored as rows: they are rendered from
 * the invocation row by core/observe/log-format.ts, the same code that renders them
 * for the Tail log, so the text is identical. Measured on this machine, four
 * line rows per invocation cost ~13 µs of commit time per record against
 * ~7 µs for one, and that time is taken from the gateway's event loop.
 * `log_lines` holds the user's lines and the platform lines that carry their
 * own text (the error of a failed call, the flood notice), in order.
 *
 * The lines of one invocation are written consecutively in one transaction,
 * so they hold a contiguous id range: an invocation points at its lines with
 * `first_line` + `line_count` and `log_lines` needs no secondary index (every
 * index is paid for on the write path, which runs beside request handling).
 * Both tables grow at the end and are pruned from the front by id, so
 * retention never scans: see `LogsRepo.pruneStep`.
 */
export const sql = `
CREATE TABLE invocation_logs (
  id            INTEGER PRIMARY KEY,       -- commit order; the cursor of \`isola logs --follow\`
  request_id    TEXT NOT NULL,
  namespace     TEXT NOT NULL,
  function_name TEXT NOT NULL,
  qualifier     TEXT NOT NULL,             -- as the caller named it ($LATEST, 2, an alias)
  version       TEXT NOT NULL,             -- the version that ran
  alias         TEXT,                      -- the alias that routed the call, if any
  start_time    INTEGER NOT NULL,
  log_time      INTEGER NOT NULL,          -- when the record was made (end of the invocation)
  duration_ms   REAL NOT NULL,
  bill_duration INTEGER NOT NULL,
  memory_mb     INTEGER NOT NULL,          -- configured memory
  mem_usage     INTEGER NOT NULL,          -- bytes used
  status_code   INTEGER NOT NULL,          -- spec §5: 200, 430, 432, 433, 434, 429, 499, 500…
  ret_code      INTEGER NOT NULL,          -- FunctionLog.RetCode: 0 ok, 3 interrupted, 1 failed
  retry_num     INTEGER NOT NULL DEFAULT 0,
  error_message TEXT,
  ret_msg       TEXT,
  coldstart_ms  REAL,                      -- cold start figures, NULL for a warm call
  pull_code_ms  REAL,
  init_runtime_ms  REAL,
  init_function_ms REAL,
  first_line    INTEGER NOT NULL,          -- log_lines.id of the first stored line
  line_count    INTEGER NOT NULL
);
CREATE INDEX invocation_logs_by_function ON invocation_logs (namespace, function_name, start_time);
CREATE INDEX invocation_logs_by_request ON invocation_logs (request_id);
-- Status filters (timeouts, throttles…) pick rare rows out of a busy function's history.
CREATE INDEX invocation_logs_by_status ON invocation_logs (namespace, function_name, status_code, start_time);

CREATE TABLE log_lines (
  id         INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL,
  time       INTEGER NOT NULL,
  level      TEXT NOT NULL,
  type       TEXT NOT NULL CHECK (type IN ('Platform', 'Custom')),
  message    TEXT NOT NULL
);
`;
