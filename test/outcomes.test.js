'use strict';
// The closed outcome list (core/outcomes): one table gives every outcome's
// status, error body, InvokeResult, RetCode, log status, metric class and
// retry rule; the executor's kinds are all in it; and no module outside the
// table writes a status number.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { OUTCOMES, errorBody, rowOfStatus, statusesOf, NOT_FOUND, errorBodyOf } = require('../dist/core/outcomes');
const { OUTCOME_KINDS } = require('../dist/executor');

t.test('every executor kind has a row; the platform adds its own', async (t) => {
  for (const kind of OUTCOME_KINDS) t.ok(OUTCOMES[kind], `${kind} is in the table`);
  t.same(Object.keys(OUTCOMES).filter((k) => !OUTCOME_KINDS.has(k)).sort(), [
    'request_too_large', 'scale_limited', 'throttled', 'ws_client_close', 'ws_idle', 'ws_server_close',
  ]);
});

t.test('the spec statuses (platform-semantics §5)', async (t) => {
  const status = Object.fromEntries(Object.entries(OUTCOMES).map(([k, r]) => [k, r.status]));
  t.same(status, {
    ok: 200, user_error: 430, handler_missing: 430, timeout: 433, oom: 434, response_too_large: 410, canceled: 499,
    process_exit: 439, init_exit: 405, bootstrap_missing: 445, init_timeout: 450, port_binding_failed: 446, internal: 500, throttled: 432, scale_limited: 429, request_too_large: 406,
    ws_server_close: 439, ws_client_close: 456, ws_idle: 455,
  });
  t.equal(errorBody('timeout'), '{"errorCode":-1,"errorMessage":"TimeLimitReached","statusCode":433}');
  t.equal(errorBody('throttled'), '{"errorCode":-1,"errorMessage":"ResourceLimitReached","statusCode":432}');
  t.equal(errorBodyOf(NOT_FOUND), '{"errorCode":-1,"errorMessage":"NotFound","statusCode":404}');
  t.equal(OUTCOMES.ok.invokeResult, 0);
  t.equal(OUTCOMES.user_error.invokeResult, 430);
  t.same([OUTCOMES.ok.retCode, OUTCOMES.canceled.retCode, OUTCOMES.timeout.retCode], [0, 3, 1]);
});

t.test('log status, metric class and retry rule', async (t) => {
  t.same(statusesOf('throttled'), [432, 429]);
  t.same(statusesOf('code_exception'), [430]);
  t.equal(OUTCOMES.throttled.metricClass, 'throttle');
  t.equal(OUTCOMES.scale_limited.metricClass, 'throttle');
  t.equal(OUTCOMES.ok.metricClass, 'success');
  for (const [k, r] of Object.entries(OUTCOMES)) if (k !== 'ok' && r.metricClass === 'success') t.fail(`${k} counted as a success`);
  // Platform failures and throttles are always retried; what the caller ended or a retry cannot fix never.
  t.same(['internal', 'throttled', 'scale_limited'].map((k) => OUTCOMES[k].retry), ['always', 'always', 'always']);
  t.same(['user_error', 'timeout', 'oom'].map((k) => OUTCOMES[k].retry), ['policy', 'policy', 'policy']);
  t.same(['canceled', 'handler_missing', 'request_too_large', 'ok'].map((k) => OUTCOMES[k].retry), ['never', 'never', 'never', 'never']);
  t.equal(rowOfStatus(433), OUTCOMES.timeout);
  t.equal(rowOfStatus(999), OUTCOMES.internal, 'an unknown stored status counts as a platform failure');
});

t.test('no status literal outside the table', async (t) => {
  const ROOT = path.resolve(__dirname, '..');
  const statuses = new Set(Object.values(OUTCOMES).map((r) => r.status).concat([NOT_FOUND.status, 400, 426]));
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) scan(full);
    }
  };
  // Comparisons and assignments of a status number: `=== 433`, `433 !==`, `statusCode: 432`, `case 499`.
  const patterns = [/(?:===|!==|==|!=|\bcase)\s*(\d{3})\b/g, /\b(\d{3})\s*(?:===|!==|==|!=)/g, /\b[sS]tatus(?:Code)?\s*[:=]\s*(\d{3})\b/g];
  const scan = (file) => {
    const rel = path.relative(ROOT, file);
    if (rel.startsWith('core/outcomes/')) return;
    // Strip comments and string literals: prose and messages may name statuses.
    const code = fs.readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/[^\n]*/g, '')
      .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g, "''");
    for (const re of patterns) for (const m of code.matchAll(re)) if (statuses.has(Number(m[1]))) found.push(`${rel}: ${m[0].trim()}`);
  };
  // cli/ is not scanned: it is an HTTP client of the control API, and the statuses it reads are HTTP's.
  for (const dir of ['core', 'gateway', 'runtime', 'native', 'store', 'executor']) if (fs.existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  t.same(found, []);
});
