'use strict';
// Invocation logs without a server: the record text and its limits
// (core/observe/logs.ts), GetFunctionLogs / GetRequestStatus over a fake platform
// (gateway/control-api/actions/logs.ts), retention and the batch writer
// (store/logs.ts), all against a temp database.
const t = require('tap');
const { logRecord } = require('./helpers/log-records');
const { openDatabase } = require('../dist/store/db');
const { LogsRepo, LogWriter } = require('../dist/store/logs');
const { LogService, cutLine } = require('../dist/core/observe/logs');
const { logActions } = require('../dist/gateway/control-api/actions/logs');

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const iso = (ms) => new Date(ms).toISOString();

/** A fresh database and log service committing on its worker thread, as in the server; the pruning timer is off. */
async function setup(t, options = {}) {
  const db = openDatabase(t.testdir());
  const repo = new LogsRepo(db);
  const logs = new LogService(repo, { pruneIntervalMs: 0, ...options });
  t.teardown(() => {
    logs.close();
    db.close();
  });
  t.equal(await logs.writer.whenReady(), 'worker', 'commits run on the worker thread');
  return { db, repo, logs };
}

let seq = 0;
/** An invocation outcome with sensible defaults. */
function outcome(overrides = {}) {
  seq++;
  return {
    requestId: `req-${seq}`,
    namespace: 'default',
    functionName: 'fn',
    qualifier: '$LATEST',
    version: '$LATEST',
    startTime: T0 + seq * 1000,
    durationMs: 12.5,
    memoryMb: 128,
    memUsageBytes: 10 * 1024 * 1024,
    statusCode: 200,
    lines: [],
    ...overrides,
  };
}

/** A platform with just what the log actions use (no async events: GetRequestStatus asks the async service first). */
function fakePlatform(logs, { missing = [] } = {}) {
  return {
    logs,
    async: { findStatus: () => undefined },
    functions: {
      get(namespace, name) {
        if (missing.includes(name)) {
          const err = new Error(`Function ${name} does not exist.`);
          err.code = 'ResourceNotFound.Function';
          throw err;
        }
        return {};
      },
    },
  };
}

const call = (logs, action, params) => logActions[action](params, { platform: fakePlatform(logs), requestId: 'api-req', secretId: 'x', region: 'ap-guangzhou' });
const ids = (response) => response.Data.map((item) => item.RequestId);

/** Resolves once `predicate()` holds (polling every 5 ms, at most 5 s: a loaded machine may be slow). */
async function until(predicate) {
  const deadline = Date.now() + 5000;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function apiError(t, fn, code, message) {
  try {
    await fn();
  } catch (err) {
    t.equal(err.code, code, message ?? code);
    return;
  }
  t.fail(`${message ?? code}: expected ${code}, the call succeeded`);
}

t.test('every line kind, with exact formats', async (t) => {
  const { logs } = await setup(t);
  const start = T0 + 60_000;
  const tail = logs.recordInvocation(
    outcome({
      requestId: 'r-warm',
      startTime: start,
      durationMs: 12.5,
      memUsageBytes: 10 * 1024 * 1024,
      lines: [
        { time: start + 1, level: 'info', message: 'hello' },
        { time: start + 2, level: 'error', message: 'bad thing' },
        { time: start + 3, level: 'log', message: 'plain console.log' },
        { time: start + 4, level: 'warn', message: 'careful' },
      ],
    }),
  );
  const expected = [
    'START RequestId: r-warm',
    `${iso(start + 1)}\tr-warm\tINFO\thello`,
    `${iso(start + 2)}\tr-warm\tERROR\tbad thing`,
    `${iso(start + 3)}\tr-warm\tINFO\tplain console.log`,
    `${iso(start + 4)}\tr-warm\tWARN\tcareful`,
    'END RequestId: r-warm',
    'Report RequestId: r-warm Duration:12.5ms BilledDuration:13ms Memory:128MB MemUsage:10MB StatusCode:200',
  ];
  t.equal(tail, expected.join('\n') + '\n', 'Tail text: START, user lines with time/RequestId/level, END, Report');
  t.notMatch(tail, /Init Report/, 'no Init Report without a cold start');

  const cold = logs.recordInvocation(
    outcome({
      requestId: 'r-cold',
      startTime: start,
      durationMs: 40,
      coldStart: { totalMs: 30.25, pullCodeMs: 5, initRuntimeMs: 10, initFunctionMs: 15.25 },
      lines: [{ time: start + 1, level: 'INFO', message: 'first call' }],
    }),
  );
  const coldLines = cold.trimEnd().split('\n');
  t.equal(coldLines[0], 'START RequestId: r-cold');
  t.equal(coldLines[1], 'Init Report RequestId: r-cold Coldstart:30.25ms PullCode:5ms InitRuntime:10ms InitFunction:15.25ms', 'Init Report after START');
  t.equal(coldLines[2], `${iso(start + 1)}\tr-cold\tINFO\tfirst call`);

  // The stored record renders to the same text as the Tail.
  logs.flush();
  const page = logs.search({ namespace: 'default', functionName: 'fn', order: 'asc' });
  t.same(
    page.items.map((i) => i.log),
    [tail, cold],
    'GetFunctionLogs text equals the Tail text',
  );
  t.same(page.items[1].coldStart, { totalMs: 30.25, pullCodeMs: 5, initRuntimeMs: 10, initFunctionMs: 15.25 });
  t.equal(page.items[0].coldStart, null);
});

t.test('StatusCode field and Report line for success, 430, 432, 433, 434', async (t) => {
  const { logs } = await setup(t);
  const cases = [
    { code: 200, retCode: 0 },
    { code: 430, retCode: 1, error: 'Error: boom\n    at main_handler (index.js:2:9)' },
    { code: 432, retCode: 1, error: 'ResourceLimitReached' },
    { code: 433, retCode: 1, error: 'time out' },
    { code: 434, retCode: 1, error: 'MemoryLimitReached' },
    { code: 499, retCode: 3 },
  ];
  const texts = {};
  for (const c of cases) {
    texts[c.code] = logs.recordInvocation(outcome({ requestId: `s${c.code}`, statusCode: c.code, errorMessage: c.error }));
  }
  const res = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', Order: 'asc', Limit: 100 });
  t.equal(res.TotalCount, cases.length);
  for (const [i, c] of cases.entries()) {
    const item = res.Data[i];
    t.equal(item.StatusCode, c.code, `StatusCode ${c.code} is a field`);
    t.equal(item.RetCode, c.retCode, `RetCode for ${c.code}`);
    t.equal(item.InvokeFinished, c.code === 499 ? 0 : 1);
    t.match(item.Log, new RegExp(`^Report RequestId: s${c.code} .* StatusCode:${c.code}$`, 'm'), `Report line carries ${c.code}`);
    t.equal(item.Log, texts[c.code]);
    if (c.error) {
      t.equal(item.RetMsg, c.error, 'RetMsg is the error message');
      t.ok(item.Log.includes(`\ts${c.code}\tERROR\t${c.error}\nEND RequestId: s${c.code}\n`), `error line before END for ${c.code}`);
    }
  }
  t.match(res.Data[0], {
    FunctionName: 'fn',
    RequestId: 's200',
    StartTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    Duration: 12.5,
    BillDuration: 13,
    MemUsage: 10 * 1024 * 1024,
    RetryNum: 0,
  });
});

t.test('lines over 8 KB are cut and the cut is marked', async (t) => {
  const { logs } = await setup(t);
  const long = 'x'.repeat(20_000);
  const wide = 'é'.repeat(5000); // 10 000 bytes of two-byte characters
  const text = logs.recordInvocation(
    outcome({
      requestId: 'r-cut',
      lines: [
        { time: T0, level: 'INFO', message: long },
        { time: T0, level: 'INFO', message: wide },
        { time: T0, level: 'INFO', message: 'y'.repeat(8192) },
      ],
    }),
  );
  const messages = text.split('\n').filter((l) => l.includes('\tr-cut\t')).map((l) => l.split('\t').slice(3).join('\t'));
  t.equal(messages.length, 3);
  t.ok(Buffer.byteLength(messages[0]) <= 8192, 'ASCII line cut to 8 KB');
  t.match(messages[0], /^x+ \.\.\.\[truncated: line of 20000 bytes, limit 8192\]$/);
  t.ok(Buffer.byteLength(messages[1]) <= 8192, 'multi-byte line cut to 8 KB');
  t.match(messages[1], /^é+ \.\.\.\[truncated: line of 10000 bytes, limit 8192\]$/, 'cut on a character boundary');
  t.equal(messages[2], 'y'.repeat(8192), 'a line of exactly 8 KB is kept whole');
  t.equal(cutLine('short', 8192), 'short');
});

t.test('a flood beyond 5000 lines per 5 s is dropped with one notice', async (t) => {
  const { logs } = await setup(t);
  const start = T0;
  const lines = [];
  for (let i = 0; i < 6000; i++) lines.push({ time: start + 10, level: 'INFO', message: `line ${i}` });
  // A later 5 s window starts a new count.
  for (let i = 0; i < 10; i++) lines.push({ time: start + 6000, level: 'INFO', message: `later ${i}` });
  const text = logs.recordInvocation(outcome({ requestId: 'r-flood', startTime: start, durationMs: 7000, lines }));
  const rows = text.trimEnd().split('\n');
  const user = rows.filter((l) => /\tr-flood\tINFO\t/.test(l));
  t.equal(user.length, 5010, '5000 lines of the first window and all 10 of the next');
  t.ok(user[4999].endsWith('line 4999') && user[5000].endsWith('later 0'));
  const notices = rows.filter((l) => l.includes('dropped'));
  t.equal(notices.length, 1, 'exactly one notice');
  t.equal(notices[0], `${iso(start + 7000)}\tr-flood\tWARN\t[PLATFORM] 1000 log lines dropped: a request may log at most 5000 lines and 1 MB per 5 s`);
  t.equal(rows[rows.length - 2], 'END RequestId: r-flood', 'notice comes before END');
  await logs.settle();
  const stored = logs.search({ namespace: 'default', functionName: 'fn', requestId: 'r-flood' }).items[0];
  t.equal(stored.log, text, 'stored record equals the Tail');
});

t.test('a flood beyond 1 MB per 5 s is dropped with one notice', async (t) => {
  const { logs } = await setup(t);
  const big = 'z'.repeat(8000);
  const lines = [];
  for (let i = 0; i < 200; i++) lines.push({ time: T0, level: 'INFO', message: big });
  const text = logs.recordInvocation(outcome({ requestId: 'r-mb', startTime: T0, lines, droppedLines: 5 }));
  const kept = Math.floor((1024 * 1024) / 8000);
  t.equal(text.split('\n').filter((l) => l.endsWith(big)).length, kept, `${kept} lines of 8000 bytes fit in 1 MB`);
  const notices = text.split('\n').filter((l) => l.includes('dropped'));
  t.equal(notices.length, 1, 'one notice');
  t.match(notices[0], new RegExp(`\\[PLATFORM\\] ${200 - kept + 5} log lines dropped`), 'counts the runtime-dropped lines too');
});

/** Records for the filter tests: fn `a` and `b` in default, fn `a` in `other`. */
function seedFilters(logs) {
  const rows = [
    { requestId: 'a1', qualifier: '$LATEST', version: '$LATEST', statusCode: 200, startTime: T0 + 1000, durationMs: 50, memUsageBytes: 3e6 },
    { requestId: 'a2', qualifier: '1', version: '1', statusCode: 430, startTime: T0 + 2000, durationMs: 10, memUsageBytes: 9e6, errorMessage: 'Error: x' },
    { requestId: 'a3', qualifier: 'prod', version: '1', alias: 'prod', statusCode: 433, startTime: T0 + 3000, durationMs: 3000, memUsageBytes: 1e6, errorMessage: 'time out' },
    { requestId: 'a4', qualifier: 'prod', version: '2', alias: 'prod', statusCode: 432, startTime: T0 + 4000, durationMs: 0, memUsageBytes: 0, errorMessage: 'ResourceLimitReached' },
    { requestId: 'a5', qualifier: '$LATEST', version: '$LATEST', statusCode: 429, startTime: T0 + 5000, durationMs: 0, memUsageBytes: 0 },
    { requestId: 'a6', qualifier: '2', version: '2', statusCode: 200, startTime: T0 + 6000, durationMs: 20, memUsageBytes: 5e6 },
    { requestId: 'a7', qualifier: '$LATEST', version: '$LATEST', statusCode: 434, startTime: T0 + 7000, durationMs: 30, memUsageBytes: 2e8 },
  ];
  for (const row of rows) logs.recordInvocation(outcome({ functionName: 'a', ...row }));
  logs.recordInvocation(outcome({ functionName: 'b', requestId: 'b1', startTime: T0 + 1500 }));
  logs.recordInvocation(outcome({ namespace: 'other', functionName: 'a', requestId: 'o1', startTime: T0 + 1500 }));
}

const at = (ms) => new Date(T0 + ms).toISOString().replace('T', ' ').slice(0, 19);

t.test('GetFunctionLogs filters, alone and combined', async (t) => {
  const { logs } = await setup(t);
  seedFilters(logs);
  const get = (params) => call(logs, 'GetFunctionLogs', { FunctionName: 'a', Limit: 100, Order: 'asc', ...params });

  t.same(ids(await get({})), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'], 'function scope: only fn a of the default namespace');
  t.same(ids(await get({ Namespace: 'other' })), ['o1'], 'Namespace');
  t.same(ids(await get({ FunctionName: 'b' })), ['b1']);
  t.same(ids(await get({ Qualifier: '1' })), ['a2', 'a3'], 'Qualifier = version matches calls through an alias too');
  t.same(ids(await get({ Qualifier: 'prod' })), ['a3', 'a4'], 'Qualifier = alias');
  t.same(ids(await get({ Qualifier: '$LATEST' })), ['a1', 'a5', 'a7']);
  t.same(ids(await get({ FunctionRequestId: 'a3' })), ['a3'], 'FunctionRequestId');
  t.same(ids(await get({ FunctionRequestId: 'b1' })), [], 'a request of another function is not found');
  t.same(ids(await get({ Filter: { RetCode: 'is0' } })), ['a1', 'a6'], 'success');
  t.same(ids(await get({ Filter: { RetCode: 'not0' } })), ['a2', 'a3', 'a4', 'a5', 'a7'], 'failure');
  t.same(ids(await get({ Filter: { RetCode: 'TimeLimitExceeded' } })), ['a3'], 'timeout');
  t.same(ids(await get({ Filter: { RetCode: 'ResourceLimitExceeded' } })), ['a4', 'a5'], 'throttled (432 and 429)');
  t.same(ids(await get({ Filter: { RetCode: 'UserCodeException' } })), ['a2'], 'code exception');
  t.same(ids(await get({ Filter: { RetCode: 'MemoryLimitExceeded' } })), ['a7'], 'out of memory');
  t.same(ids(await get({ Filter: { RetCode: '434' } })), ['a7'], 'a bare status code');
  t.same(ids(await get({ Filter: {} })), ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'], 'empty filter = all');
  t.same(ids(await get({ StartTime: at(3000) })), ['a3', 'a4', 'a5', 'a6', 'a7'], 'StartTime alone');
  t.same(ids(await get({ EndTime: at(2000) })), ['a1', 'a2'], 'EndTime alone (inclusive second)');
  t.same(ids(await get({ StartTime: at(2000), EndTime: at(5000) })), ['a2', 'a3', 'a4', 'a5'], 'time range');

  t.same(ids(await get({ Qualifier: 'prod', Filter: { RetCode: 'not0' }, StartTime: at(4000) })), ['a4'], 'qualifier + status + time');
  t.same(ids(await get({ Qualifier: '$LATEST', Filter: { RetCode: 'is0' } })), ['a1'], 'qualifier + status');
  t.same(ids(await get({ FunctionRequestId: 'a2', Filter: { RetCode: 'is0' } })), [], 'request id + status that does not match');
  t.same(ids(await get({ Filter: { RetCode: 'not0' }, StartTime: at(1000), EndTime: at(4000) })), ['a2', 'a3', 'a4'], 'status + time range');
});

t.test('GetFunctionLogs paging and order', async (t) => {
  const { logs } = await setup(t);
  seedFilters(logs);
  const get = (params) => call(logs, 'GetFunctionLogs', { FunctionName: 'a', ...params });

  const first = await get({ Limit: 3 });
  t.equal(first.TotalCount, 7, 'TotalCount ignores paging');
  t.same(ids(first), ['a7', 'a6', 'a5'], 'default: newest first, by start time');
  t.same(ids(await get({ Limit: 3, Offset: 3 })), ['a4', 'a3', 'a2']);
  t.same(ids(await get({ Limit: 3, Offset: 6 })), ['a1']);
  t.same(ids(await get({ Limit: 3, Offset: 9 })), []);
  t.equal((await get({ Limit: 20 })).Data.length, 7, 'default limit covers all');
  t.equal((await get({})).Data.length, 7);
  t.same(ids(await get({ Order: 'asc', Limit: 2 })), ['a1', 'a2'], 'asc');
  t.same(ids(await get({ Order: 'ASC', Limit: 2 })), ['a1', 'a2'], 'Order is case-insensitive');
  t.same(ids(await get({ OrderBy: 'duration', Order: 'desc', Limit: 3 })), ['a3', 'a1', 'a7'], 'OrderBy duration');
  t.same(ids(await get({ OrderBy: 'mem_usage', Order: 'asc', Limit: 3 })), ['a4', 'a5', 'a3'], 'OrderBy mem_usage (ties by commit order)');
  t.same(ids(await get({ OrderBy: 'function_name', Order: 'asc', Limit: 2 })), ['a1', 'a2'], 'OrderBy function_name');
  t.same(ids(await get({ Filter: { RetCode: 'not0' }, Limit: 2, Offset: 1, Order: 'asc' })), ['a3', 'a4'], 'paging within a filter');
  t.equal((await get({ Filter: { RetCode: 'not0' }, Limit: 2 })).TotalCount, 5);

  await apiError(t, () => get({ Order: 'up' }), 'InvalidParameterValue.Order');
  await apiError(t, () => get({ OrderBy: 'memory' }), 'InvalidParameterValue.OrderBy');
  await apiError(t, () => get({ Filter: { RetCode: 'bad' } }), 'InvalidParameterValue.Filter');
  await apiError(t, () => get({ Filter: 'not0' }), 'InvalidParameterValue.Filter');
  await apiError(t, () => get({ Offset: 9990, Limit: 20 }), 'LimitExceeded.Offset', 'Offset + Limit > 10000');
  await apiError(t, () => get({ StartTime: '2026-11-20T10:00:00Z' }), 'InvalidParameterValue.StartTime');
  await apiError(t, () => get({ StartTime: at(5000), EndTime: at(1000) }), 'InvalidParameterValue.EndTime');
  await apiError(t, () => call(logs, 'GetFunctionLogs', {}), 'MissingParameter', 'FunctionName required');
  await apiError(
    t,
    () => logActions.GetFunctionLogs({ FunctionName: 'gone' }, { platform: fakePlatform(logs, { missing: ['gone'] }) }),
    'ResourceNotFound.Function',
    'unknown function',
  );
});

t.test('GetRequestStatus', async (t) => {
  const { logs } = await setup(t);
  const now = Date.now();
  logs.recordInvocation(outcome({ requestId: 'ok', startTime: now - 1000, memUsageBytes: 5 * 1024 * 1024, retMsg: '{"ok":true}' }));
  logs.recordInvocation(outcome({ requestId: 'bad', startTime: now - 500, statusCode: 433, errorMessage: 'time out' }));
  logs.recordInvocation(outcome({ requestId: 'old', startTime: now - 3600_000 }));

  const ok = await call(logs, 'GetRequestStatus', { FunctionName: 'fn', FunctionRequestId: 'ok' });
  t.equal(ok.TotalCount, 1);
  t.match(ok.Data[0], { FunctionName: 'fn', RequestId: 'ok', RetCode: 0, StatusCode: 200, MemUsage: 5, Duration: 12.5, RetMsg: '{"ok":true}', RetryNum: 0 });
  const bad = await call(logs, 'GetRequestStatus', { FunctionName: 'fn', FunctionRequestId: 'bad' });
  t.match(bad.Data[0], { RequestId: 'bad', RetCode: -1, StatusCode: 433, RetMsg: 'time out' });
  t.equal((await call(logs, 'GetRequestStatus', { FunctionName: 'fn', FunctionRequestId: 'old' })).TotalCount, 0, 'default window is the last 15 minutes');
  const fmt = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const old = await call(logs, 'GetRequestStatus', { FunctionName: 'fn', FunctionRequestId: 'old', StartTime: fmt(now - 7200_000), EndTime: fmt(now) });
  t.same(ids(old), ['old'], 'found with an explicit window');
  await apiError(t, () => call(logs, 'GetRequestStatus', { FunctionName: 'fn' }), 'MissingParameter');
});

t.test('follow cursor: only what committed after it, in commit order', async (t) => {
  const { logs } = await setup(t, { flushIntervalMs: 60_000 }); // commits only when the test flushes
  logs.recordInvocation(outcome({ requestId: 'f1' }));
  const first = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', Limit: 10 });
  t.same(ids(first), ['f1']);
  const cursor = first.SearchContext.Offset;
  t.match(cursor, /^\d+$/);
  const empty = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', SearchContext: { Offset: cursor } });
  t.same(ids(empty), [], 'nothing new');
  t.equal(empty.SearchContext.Offset, cursor, 'cursor unchanged');

  // An older start time still shows: follow is by commit, not start time.
  logs.recordInvocation(outcome({ requestId: 'f2', startTime: T0 - 1e6 }));
  logs.recordInvocation(outcome({ requestId: 'f3', functionName: 'other' }));
  logs.recordInvocation(outcome({ requestId: 'f4', statusCode: 430 }));
  t.same(ids(await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', SearchContext: { Offset: cursor } })), [], 'a follower sees nothing before the commit');
  logs.flush();
  const next = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', SearchContext: { Offset: cursor } });
  t.same(ids(next), ['f2', 'f4'], 'new records of this function, oldest first');
  const filtered = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', Filter: { RetCode: 'not0' }, SearchContext: { Offset: cursor } });
  t.same(ids(filtered), ['f4'], 'filters apply while following');

  // A full page resumes after its last row.
  for (let i = 5; i < 10; i++) logs.recordInvocation(outcome({ requestId: `f${i}` }));
  logs.flush();
  const page1 = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', Limit: 3, SearchContext: { Offset: next.SearchContext.Offset } });
  t.same(ids(page1), ['f5', 'f6', 'f7']);
  const page2 = await call(logs, 'GetFunctionLogs', { FunctionName: 'fn', Limit: 3, SearchContext: { Offset: page1.SearchContext.Offset } });
  t.same(ids(page2), ['f8', 'f9']);
  await apiError(t, () => call(logs, 'GetFunctionLogs', { FunctionName: 'fn', SearchContext: { Offset: 'abc' } }), 'InvalidParameterValue.SearchContext');
});

/** A record for the writer directly, with a chosen log time. */
const record = (i, logTime, lines = 2) => logRecord(i, { logTime, lines });

t.test('retention prunes old records in small batches', async (t) => {
  const db = openDatabase(t.testdir());
  const repo = new LogsRepo(db);
  let now = T0;
  const writer = new LogWriter(repo, { retentionMs: 1000, pruneBatch: 5000, pruneIntervalMs: 0, now: () => now });
  t.teardown(() => {
    writer.close();
    db.close();
  });
  for (let i = 0; i < 12_000; i++) writer.append(record(i, T0, i % 3)); // 0, 1 or 2 lines each
  writer.append(record('nolines', T0 + 500, 0)); // newer, line-less: must not block pruning of older lines
  for (let i = 0; i < 10; i++) writer.append(record(`new${i}`, T0 + 5000));
  writer.flush();
  t.same(repo.counts(), { invocations: 12_011, lines: 12_000 + 20 });
  t.equal(repo.search({ namespace: 'default', functionName: 'fn', limit: 1 }).total, 10_000, 'TotalCount saturates at 10000, the most the API can page');
  t.same(repo.search({ namespace: 'default', functionName: 'fn', requestId: 'w11999' }).rows.map((r) => r.request_id), ['w11999']);

  now = T0 + 1200; // only the 12 000 at T0 are older than 1 s
  const steps = [];
  for (;;) {
    const step = repo.pruneStep(now - 1000, 5000);
    steps.push(step);
    if (step.invocations < 5000 && step.lines < 5000) break;
  }
  t.ok(steps.length >= 3, `pruned in ${steps.length} bounded steps`);
  t.ok(steps.every((s) => s.invocations <= 5000 && s.lines <= 5000), 'no step deletes more than the batch');
  t.same(repo.counts(), { invocations: 11, lines: 20 }, 'old invocations and their lines are gone');

  now = T0 + 1600;
  t.same(writer.prune(), { invocations: 1, lines: 0 }, 'the line-less record ages out next');
  const kept = repo.search({ namespace: 'default', functionName: 'fn', order: 'asc', limit: 100 }).rows;
  t.same(kept.map((r) => r.request_id), Array.from({ length: 10 }, (_, i) => `wnew${i}`));
  t.same(repo.linesOf(kept[0]).map((l) => l.message), ['wnew0 line 0', 'wnew0 line 1'], 'surviving records keep their lines');
  t.same(writer.stats().pruned, { invocations: 1, lines: 0 });

  now = T0 + 10_000;
  writer.prune();
  t.same(repo.counts(), { invocations: 0, lines: 0 }, 'everything ages out');
  writer.append(record('after', now, 1));
  writer.flush();
  const after = repo.search({ namespace: 'default', functionName: 'fn' }).rows;
  t.same(repo.linesOf(after[0]).map((l) => l.message), ['wafter line 0'], 'ids keep working after the tables emptied');
});

t.test('the pruning timer runs in the background', async (t) => {
  const db = openDatabase(t.testdir());
  const repo = new LogsRepo(db);
  const writer = new LogWriter(repo, { retentionMs: 1000, pruneIntervalMs: 20, pruneBatch: 100, now: () => T0 + 10_000 });
  t.teardown(() => {
    writer.close();
    db.close();
  });
  for (let i = 0; i < 450; i++) writer.append(record(i, T0, 1));
  writer.flush();
  await until(() => writer.stats().pruned.invocations === 450);
  t.same(repo.counts(), { invocations: 0, lines: 0 });
  t.same(writer.stats().pruned, { invocations: 450, lines: 450 });
});

for (const thread of ['inline', 'worker']) t.test(`batch writer (${thread}): many appends, few transactions; flush() makes them visible`, async (t) => {
  const db = openDatabase(t.testdir());
  const repo = new LogsRepo(db);
  const commits = [];
  const writer = new LogWriter(repo, { thread, flushIntervalMs: 30, maxBatch: 1000, pruneIntervalMs: 0, onCommit: (records, info) => commits.push({ n: records.length, ...info }) });
  t.teardown(() => {
    writer.close();
    db.close();
  });
  t.equal(await writer.whenReady(), thread, `commits run ${thread === 'worker' ? 'on the worker thread' : 'on the caller thread'}`);

  let accepted = 0;
  for (let i = 0; i < 2500; i++) accepted += writer.append(record(i, Date.now(), 1)) ? 1 : 0;
  t.equal(accepted, 2500);
  t.same(repo.counts(), { invocations: 0, lines: 0 }, 'append never touches the database');
  t.equal(writer.stats().pending, 2500);
  await until(() => commits.length >= 1);
  t.same(repo.counts(), { invocations: 2500, lines: 2500 }, 'written by the flusher');
  t.equal(commits.length, 1, 'one synchronous burst of appends, one transaction');
  t.equal(commits[0].n, 2500);

  // Steady appends across turns: a batch each time maxBatch is reached or the interval passes.
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 300; i++) writer.append(record(`s${round}-${i}`, Date.now(), 1));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await until(() => writer.stats().records === 4000);
  t.equal(repo.counts().invocations, 4000);
  t.ok(commits.length <= 4, `1500 appends over 5 turns took ${commits.length - 1} transactions`);

  writer.append(record('x1', Date.now()));
  writer.append(record('x2', Date.now()));
  t.equal(repo.counts().invocations, 4000);
  writer.flush();
  t.equal(repo.counts().invocations, 4002, 'flush() writes synchronously');

  const stats = writer.stats();
  t.match(stats, { thread, records: 4002, lines: 4000 + 4, pending: 0, inFlight: 0, dropped: 0, failedBatches: 0, lastBatchSize: 2 });
  t.equal(stats.batches, commits.length);
  t.ok(stats.avgBatchSize > 100, `avg batch ${stats.avgBatchSize}`);
  t.ok(stats.p99CommitMs >= stats.lastCommitMs || stats.p99CommitMs > 0, 'latencies recorded');
  t.comment(`batch writer stats (${thread}): ${JSON.stringify(stats)}`);

  writer.close();
  writer.close();
  t.equal(writer.append(record('late', Date.now())), false, 'append after close is refused');
  t.equal(writer.stats().dropped, 1);
});

t.test('maxPending bounds memory when the disk cannot keep up', async (t) => {
  const db = openDatabase(t.testdir());
  const writer = new LogWriter(new LogsRepo(db), { maxPending: 10, maxBatch: 100, pruneIntervalMs: 0 });
  t.teardown(() => {
    writer.close();
    db.close();
  });
  let accepted = 0;
  for (let i = 0; i < 15; i++) accepted += writer.append(record(i, Date.now())) ? 1 : 0;
  t.equal(accepted, 10);
  t.equal(writer.stats().dropped, 5);
});

t.test('options are validated', async (t) => {
  const db = openDatabase(t.testdir());
  t.teardown(() => db.close());
  const repo = new LogsRepo(db);
  t.throws(() => new LogWriter(repo, { flushIntervalMS: 10 }), /Unknown log writer option `flushIntervalMS`; did you mean `flushIntervalMs`\?/);
  t.throws(() => new LogWriter(repo, { maxBatch: -1 }), /Expected `maxBatch` to be a positive integer, got -1/);
  t.throws(() => new LogService(repo, { maxLineBytes: 'big' }), /Expected `maxLineBytes` to be an integer of at least 128, got "big"/);
});

/**
 * A stand-in control API over `logs` (the log actions, no signature check),
 * so the `isola logs` command runs against it before the server wires logs.
 */
async function fakeApiServer(t, logs) {
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let response;
      try {
        const result = await call(logs, req.headers['x-tc-action'], JSON.parse(Buffer.concat(chunks).toString() || '{}'));
        response = { ...result, RequestId: 'fake' };
      } catch (err) {
        response = { Error: { Code: err.code ?? 'InternalError', Message: err.message }, RequestId: 'fake' };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ Response: response }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return server.address().port;
}

/** Runs the `logs` command (registered on its own program) against `port`; returns the child. */
function isolaLogs(port, args) {
  const { spawn } = require('node:child_process');
  const script = `
    const { Command } = require('commander');
    const { registerLogs } = require(${JSON.stringify(require.resolve('../dist/cli/commands/logs'))});
    const program = new Command();
    registerLogs(program);
    program.parseAsync(process.argv.slice(1), { from: 'user' }).catch((err) => { console.error(err.message); process.exit(1); });
  `;
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ISOLA_')));
  const child = spawn(process.execPath, ['-e', script, 'logs', ...args, '--endpoint', `127.0.0.1:${port}`, '--secret-id', 'AKIDtest', '--secret-key', 'key'], {
    cwd: require('node:path').resolve(__dirname, '..'),
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.out = '';
  child.err = '';
  child.stdout.on('data', (d) => (child.out += d));
  child.stderr.on('data', (d) => (child.err += d));
  child.done = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return child;
}

t.test('isola logs prints records oldest first, with filters', async (t) => {
  const { logs } = await setup(t);
  const now = Date.now();
  logs.recordInvocation(outcome({ requestId: 'c1', startTime: now - 3000, lines: [{ time: now - 3000, level: 'INFO', message: 'one' }] }));
  logs.recordInvocation(outcome({ requestId: 'c2', startTime: now - 2000, statusCode: 433, errorMessage: 'time out' }));
  logs.recordInvocation(outcome({ requestId: 'c3', startTime: now - 1000 }));
  const port = await fakeApiServer(t, logs);

  const all = isolaLogs(port, ['fn']);
  t.equal(await all.done, 0, all.err);
  const starts = all.out.split('\n').filter((l) => l.startsWith('START'));
  t.same(starts, ['START RequestId: c1', 'START RequestId: c2', 'START RequestId: c3'], 'oldest first');
  t.match(all.out, /\tc1\tINFO\tone\n/);

  const timeouts = isolaLogs(port, ['fn', '--status', 'timeout']);
  t.equal(await timeouts.done, 0, timeouts.err);
  t.same(timeouts.out.split('\n').filter((l) => l.startsWith('START')), ['START RequestId: c2'], '--status timeout');

  const one = isolaLogs(port, ['fn', '--request-id', 'c3', '--json']);
  t.equal(await one.done, 0, one.err);
  const parsed = JSON.parse(one.out);
  t.equal(parsed.TotalCount, 1);
  t.match(parsed.Data[0], { RequestId: 'c3', StatusCode: 200, RetCode: 0 });

  const newest = isolaLogs(port, ['fn', '--limit', '2', '--since', '1h']);
  t.equal(await newest.done, 0, newest.err);
  t.same(newest.out.split('\n').filter((l) => l.startsWith('START')), ['START RequestId: c2', 'START RequestId: c3'], '--limit keeps the newest');

  const bad = isolaLogs(port, ['fn', '--status', 'sometimes']);
  t.equal(await bad.done, 1);
  t.match(bad.err, /--status expects success, ok, fail/);
});

t.test('isola logs --follow shows a new invocation within a second', async (t) => {
  const { logs } = await setup(t);
  logs.recordInvocation(outcome({ requestId: 'before', startTime: Date.now() - 1000 }));
  const port = await fakeApiServer(t, logs);
  const child = isolaLogs(port, ['fn', '--follow']);
  t.teardown(() => child.kill('SIGKILL'));
  await until(() => child.out.includes('START RequestId: before'));
  t.match(child.out, /START RequestId: before/, 'existing records first');

  for (const id of ['new-1', 'new-2']) {
    const started = Date.now();
    // As the invocation path does: record only; the writer commits on its own timer.
    logs.recordInvocation(outcome({ requestId: id, startTime: started, lines: [{ time: started, level: 'INFO', message: `hello ${id}` }] }));
    await until(() => child.out.includes(`START RequestId: ${id}`));
    const shownAfter = Date.now() - started;
    t.ok(child.out.includes(`\t${id}\tINFO\thello ${id}\n`), `${id} shown with its lines`);
    t.ok(shownAfter < 1000, `${id} shown after ${shownAfter} ms (< 1 s)`);
  }
  t.equal(child.out.split('START RequestId: before').length, 2, 'nothing shown twice');
  child.kill('SIGINT');
  await child.done;
});
