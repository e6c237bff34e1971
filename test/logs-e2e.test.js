'use strict';
// Invocation logs end to end against a real server (issue 4): calls that
// succeed, throw (430), time out (433) and are throttled (432) each leave a
// record; GetFunctionLogs through the SDK returns exactly the expected items
// for each filter alone and combined, with the right StatusCode and the
// START / Init Report / END / Report text; `isola logs --follow` prints a new
// invocation within a second; and a record older than the flush window
// survives kill -9 of the server.
const t = require('tap');
const { spawn } = require('node:child_process');
const { startServer, BIN, ROOT } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');

const HANDLER = `exports.main_handler = async (event) => {
  console.log('call ' + event.kind + ' ' + event.n);
  if (event.kind === 'throw') throw new Error('boom ' + event.n);
  if (event.kind === 'hang') for (;;) {}
  return { n: event.n };
};
`;
const CODE = { ok: 200, throw: 430, hang: 433, throttled: 432 };
const INIT_REPORT = (id) => new RegExp(`^Init Report RequestId: ${id} Coldstart:[\\d.]+ms PullCode:[\\d.]+ms InitRuntime:[\\d.]+ms InitFunction:[\\d.]+ms$`, 'm');
const REPORT = (id, code) =>
  new RegExp(`\\nReport RequestId: ${id} Duration:[\\d.]+ms BilledDuration:\\d+ms Memory:128MB MemUsage:[\\d.]+MB StatusCode:${code}\\n$`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

t.test('invocation logs through the API, the CLI and a crash', async (t) => {
  let server = await startServer(t);
  let client = server.client();
  await createFunction(client, 'mixed', { 'index.js': HANDLER }, { Timeout: 1 });
  await client.CreateNamespace({ Namespace: 'other' });
  await createFunction(client, 'mixed', { 'index.js': HANDLER }, { Namespace: 'other' });

  /** Every call made, in order: { id, kind, code, phase, tail }. */
  const calls = [];
  let n = 0;
  const call = async (kind, phase) => {
    n++;
    const result = await invoke(client, 'mixed', { kind: kind === 'throttled' ? 'ok' : kind, n });
    t.equal(result.InvokeResult, kind === 'ok' ? 0 : CODE[kind], `call ${n} (${kind}) answered ${CODE[kind]}`);
    calls.push({ id: result.FunctionRequestId, kind, code: CODE[kind], phase, tail: result.Log, n });
  };

  // Phase A, then phase B from the next whole second on (the API's time filters have 1 s resolution).
  await call('ok', 'A'); // the cold start
  await call('ok', 'A');
  await call('throw', 'A');
  await call('hang', 'A');
  await sleep(1000 - (Date.now() % 1000) + 20);
  await client.PutReservedConcurrencyConfig({ FunctionName: 'mixed', ReservedConcurrencyMem: 0 });
  await call('throttled', 'B');
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'mixed' });
  await call('ok', 'B');
  await call('throw', 'B');
  const elsewhere = await invoke(client, 'mixed', { kind: 'ok', n: 99 }, { Namespace: 'other' });

  const logs = (params = {}) => client.GetFunctionLogs({ FunctionName: 'mixed', Limit: 100, ...params });
  const ids = (page) => page.Data.map((item) => item.RequestId);
  const idsOf = (pick) => calls.filter(pick).map((c) => c.id);
  const byId = new Map(calls.map((c) => [c.id, c]));

  await t.test('every call has one record with its StatusCode and text', async (t) => {
    const page = await logs({ Order: 'asc' });
    t.equal(page.TotalCount, calls.length, `${calls.length} records`);
    t.same(ids(page), idsOf(() => true), 'all of them, in start order');
    for (const item of page.Data) {
      const c = byId.get(item.RequestId);
      t.equal(item.StatusCode, c.code, `call ${c.n} (${c.kind}): StatusCode ${c.code}`);
      t.equal(item.RetCode, c.code === 200 ? 0 : 1, `call ${c.n}: RetCode`);
      t.equal(item.Log, c.tail, `call ${c.n}: the stored text is the Tail log Invoke returned`);
      t.ok(item.Log.startsWith(`START RequestId: ${c.id}\n`), `call ${c.n}: START first`);
      t.match(item.Log, `\nEND RequestId: ${c.id}\n`, `call ${c.n}: END`);
      t.match(item.Log, REPORT(c.id, c.code), `call ${c.n}: Report with StatusCode last`);
      if (c.kind !== 'throttled') t.match(item.Log, `\t${c.id}\tINFO\tcall ${c.kind} ${c.n}\n`, `call ${c.n}: the user's line`);
    }
    const [cold, warm] = page.Data;
    t.match(cold.Log, INIT_REPORT(cold.RequestId), 'the cold start carries the Init Report line');
    t.ok(cold.Log.split('\n')[1].startsWith('Init Report'), 'right after START');
    t.notMatch(warm.Log, /Init Report/, 'the warm call after it does not');
    t.match(page.Data.find((i) => byId.get(i.RequestId).kind === 'hang').Log, /\tERROR\t/, 'the timeout logs its error line');
  });

  await t.test('status filters alone', async (t) => {
    const cases = [
      ['is0', (c) => c.code === 200],
      ['not0', (c) => c.code !== 200],
      ['UserCodeException', (c) => c.code === 430],
      ['TimeLimitExceeded', (c) => c.code === 433],
      ['ResourceLimitExceeded', (c) => c.code === 432],
      ['MemoryLimitExceeded', () => false],
      ['433', (c) => c.code === 433],
      ['430', (c) => c.code === 430],
    ];
    for (const [retCode, pick] of cases) {
      const page = await logs({ Filter: { RetCode: retCode }, Order: 'asc' });
      t.same(ids(page), idsOf(pick), `RetCode ${retCode}`);
      t.equal(page.TotalCount, idsOf(pick).length, `RetCode ${retCode}: TotalCount`);
      for (const item of page.Data) t.equal(item.StatusCode, byId.get(item.RequestId).code, `RetCode ${retCode}: StatusCode of ${item.RequestId}`);
    }
  });

  await t.test('request id, qualifier, namespace and function filters alone', async (t) => {
    const target = calls.find((c) => c.kind === 'hang');
    const one = await logs({ FunctionRequestId: target.id });
    t.same(ids(one), [target.id], 'FunctionRequestId: that call only');
    t.equal(one.Data[0].StatusCode, 433);
    t.same(ids(await logs({ FunctionRequestId: 'no-such-request' })), [], 'an unknown FunctionRequestId: nothing');
    t.same(ids(await logs({ Qualifier: '$LATEST', Order: 'asc' })), idsOf(() => true), 'Qualifier $LATEST: every call');
    t.same(ids(await logs({ Qualifier: '1' })), [], 'Qualifier 1 (no such version ran): nothing');
    const other = await logs({ Namespace: 'other' });
    t.same(ids(other), [elsewhere.FunctionRequestId], 'Namespace other: only the call made there');
    t.equal(other.Data[0].StatusCode, 200);
  });

  await t.test('time range, paging and order alone', async (t) => {
    const all = (await logs({ Order: 'asc' })).Data;
    const second = (phase) => all.filter((i) => byId.get(i.RequestId).phase === phase).map((i) => i.StartTime);
    const lastA = second('A').sort().pop();
    const firstB = second('B').sort()[0];
    t.ok(lastA < firstB, `phase A (to ${lastA}) and phase B (from ${firstB}) are in different seconds`);
    t.same(ids(await logs({ StartTime: firstB, Order: 'asc' })), idsOf((c) => c.phase === 'B'), 'StartTime: phase B only');
    t.same(ids(await logs({ EndTime: lastA, Order: 'asc' })), idsOf((c) => c.phase === 'A'), 'EndTime: phase A only');
    t.same(ids(await logs({ StartTime: lastA, EndTime: lastA, Order: 'asc' })), idsOf((c) => all.find((i) => i.RequestId === c.id).StartTime === lastA), 'one second');

    const everything = idsOf(() => true);
    const paged = await logs({ Order: 'asc', Offset: 2, Limit: 3 });
    t.same(ids(paged), everything.slice(2, 5), 'Offset 2 Limit 3, ascending');
    t.equal(paged.TotalCount, everything.length, 'TotalCount counts every match, not the page');
    t.same(ids(await logs({ Order: 'desc' })), [...everything].reverse(), 'Order desc: newest first');
    t.same(ids(await logs({ Order: 'desc', Limit: 2 })), everything.slice(-2).reverse(), 'Order desc Limit 2: the newest two');
    t.same(ids(await logs({ Offset: everything.length, Limit: 5 })), [], 'Offset past the end: nothing');
    t.same(ids(await logs({ OrderBy: 'duration', Order: 'desc', Limit: 1 })), idsOf((c) => c.kind === 'hang'), 'OrderBy duration: the 1 s timeout first');
  });

  await t.test('filters combined', async (t) => {
    const all = (await logs({ Order: 'asc' })).Data;
    const firstB = all.filter((i) => byId.get(i.RequestId).phase === 'B').map((i) => i.StartTime).sort()[0];
    t.same(ids(await logs({ Filter: { RetCode: 'not0' }, StartTime: firstB, Order: 'asc' })), idsOf((c) => c.phase === 'B' && c.code !== 200), 'not0 + StartTime');
    t.same(ids(await logs({ Filter: { RetCode: 'UserCodeException' }, Order: 'desc', Limit: 1 })), idsOf((c) => c.code === 430).slice(-1), '430 + desc + Limit 1');
    t.same(
      ids(await logs({ Filter: { RetCode: 'is0' }, Qualifier: '$LATEST', Order: 'asc', Offset: 1, Limit: 1 })),
      idsOf((c) => c.code === 200).slice(1, 2),
      'is0 + Qualifier + Offset 1 Limit 1',
    );
    const hang = calls.find((c) => c.kind === 'hang');
    t.same(ids(await logs({ FunctionRequestId: hang.id, Filter: { RetCode: 'TimeLimitExceeded' } })), [hang.id], 'RequestId + its own status');
    t.same(ids(await logs({ FunctionRequestId: hang.id, Filter: { RetCode: 'is0' } })), [], 'RequestId + another status: nothing');
    const lastA = all.filter((i) => byId.get(i.RequestId).phase === 'A').map((i) => i.StartTime).sort().pop();
    t.same(ids(await logs({ EndTime: lastA, Filter: { RetCode: 'ResourceLimitExceeded' } })), [], 'EndTime before the throttle + 432: nothing');
    t.same(ids(await logs({ Namespace: 'other', Filter: { RetCode: 'not0' } })), [], 'other namespace + not0: nothing');
  });

  await t.test('isola logs --follow prints a new invocation within a second', async (t) => {
    const child = spawn(process.execPath, [BIN, 'logs', 'mixed', '--follow', '--endpoint', `127.0.0.1:${server.port}`, '--data-dir', server.dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const waitFor = (text, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!out.includes(text)) return false;
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(performance.now());
          return true;
        };
        const onData = (d) => {
          out += d;
          check();
        };
        const timer = setTimeout(() => {
          child.stdout.off('data', onData);
          reject(new Error(`no "${text}" within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        if (!check()) child.stdout.on('data', onData);
      });
    // The first page (every record so far, oldest first) ends with the newest call's Report.
    await waitFor(`Report RequestId: ${calls[calls.length - 1].id}`, 10_000);
    t.ok(calls.every((c) => out.includes(`START RequestId: ${c.id}`)), 'the first page shows the earlier calls');
    const result = await invoke(client, 'mixed', { kind: 'ok', n: 100 });
    const returnedAt = performance.now();
    const shownAt = await waitFor(`START RequestId: ${result.FunctionRequestId}`, 5_000);
    const lag = shownAt - returnedAt;
    t.comment(`--follow showed the new invocation ${lag.toFixed(0)} ms after Invoke returned`);
    t.ok(lag < 1000, `shown within 1 s of Invoke returning (${lag.toFixed(0)} ms)`);
    calls.push({ id: result.FunctionRequestId, kind: 'ok', code: 200, phase: 'C', tail: result.Log, n: 100 });
    child.kill('SIGKILL');
  });

  await t.test('a record past the flush window survives kill -9 of the server', async (t) => {
    const result = await invoke(client, 'mixed', { kind: 'ok', n: 200 });
    t.equal(result.InvokeResult, 0);
    await sleep(200); // > the 50 ms flush window (logFlushIntervalMs) plus a commit
    await server.kill9();
    t.equal(server.child.signalCode, 'SIGKILL', 'the server died of kill -9');
    server = await startServer(t, { dataDir: server.dataDir });
    client = server.client();
    const page = await client.GetFunctionLogs({ FunctionName: 'mixed', FunctionRequestId: result.FunctionRequestId });
    t.same(ids(page), [result.FunctionRequestId], 'the record is there after the restart');
    t.equal(page.Data[0].StatusCode, 200);
    t.equal(page.Data[0].Log, result.Log, 'with its whole text');
    const total = await client.GetFunctionLogs({ FunctionName: 'mixed', Limit: 100 });
    t.equal(total.TotalCount, calls.length + 1, 'and so is every earlier record');
  });
});

t.test('invocationLogs: false still returns the Tail log but stores nothing', async (t) => {
  const dir = t.testdir({ 'config.json': JSON.stringify({ invocationLogs: false }) });
  const server = await startServer(t, { args: ['--config', `${dir}/config.json`] });
  const client = server.client();
  await createFunction(client, 'quiet', { 'index.js': HANDLER });
  const result = await invoke(client, 'quiet', { kind: 'ok', n: 1 });
  t.equal(result.InvokeResult, 0);
  t.match(result.Log, `\t${result.FunctionRequestId}\tINFO\tcall ok 1\n`, "the Tail log has the user's line");
  t.match(result.Log, REPORT(result.FunctionRequestId, 200), 'and the Report line');
  const page = await client.GetFunctionLogs({ FunctionName: 'quiet' });
  t.equal(page.TotalCount, 0, 'GetFunctionLogs finds nothing');
});
