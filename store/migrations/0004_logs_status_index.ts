/**
 * The status index of `invocation_logs` holds only the rows that are not
 * 200. Status filters exist to pick rare rows (timeouts, throttles, code
 * exceptions) out of a busy function's history; success (200) is most rows,
 * and a search for it reads the function index as well. Every index is paid
 * for on the log writer's thread once per data-plane request: this one was
 * ~0.35–0.5 µs of its ~5 µs per hello record (issue 15). A search whose
 * status filter excludes 200 carries the term `status_code <> 200` so
 * SQLite may use the partial index (LogsRepo.search).
 */
export const sql = `
DROP INDEX invocation_logs_by_status;
CREATE INDEX invocation_logs_by_status ON invocation_logs (namespace, function_name, status_code, start_time) WHERE status_code <> 200;
`;
