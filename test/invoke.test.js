'use strict';
// Invoke / InvokeFunction through the official SDK against a real server:
// results, the Result structure, Tail logs, and each failure's status code
// and error body (issue 3).
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { makeZip } = require('./helpers/zip');

t.test('invoke event functions through the control API', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  await createFunction(client, 'greeter', {
    'index.js': `
      let calls = 0;
      exports.main_handler = async (event, context) => {
        calls += 1;
        console.log('hello from', context.function_name);
        console.warn('careful');
        return { greeting: 'hi ' + event.name, calls, requestId: context.request_id, version: context.function_version,
                 namespace: context.namespace, memory: context.memory_limit_in_mb, timeLimit: context.time_limit_in_ms,
                 remaining: context.getRemainingTimeInMillis() > 0, env: process.env.GREETING };
      };`,
  }, { Environment: { Variables: [{ Key: 'GREETING', Value: 'bonjour' }] }, MemorySize: 256, Timeout: 5 });

  const first = await invoke(client, 'greeter', { name: 'ana' });
  t.equal(first.InvokeResult, 0, 'success is InvokeResult 0');
  t.equal(first.ErrMsg, '');
  const body = JSON.parse(first.RetMsg);
  t.match(body, { greeting: 'hi ana', calls: 1, version: '$LATEST', namespace: 'default', memory: 256, timeLimit: 5000, remaining: true, env: 'bonjour' });
  t.equal(body.requestId, first.FunctionRequestId, 'context.request_id is the FunctionRequestId');
  t.type(first.Duration, 'number');
  t.ok(first.BillDuration >= 1);
  t.ok(first.MemUsage > 0, 'MemUsage in bytes');
  const lines = first.Log.trimEnd().split('\n');
  t.equal(lines[0], `START RequestId: ${first.FunctionRequestId}`);
  t.match(lines[1], /^Init Report RequestId: \S+ Coldstart:[\d.]+ms PullCode:[\d.]+ms InitRuntime:[\d.]+ms InitFunction:[\d.]+ms$/);
  t.match(first.Log, new RegExp(`\\t${first.FunctionRequestId}\\tINFO\\thello from greeter`));
  t.match(first.Log, /\tWARN\tcareful/);
  t.match(lines.at(-2), `END RequestId: ${first.FunctionRequestId}`);
  t.match(lines.at(-1), /^Report RequestId: \S+ Duration:[\d.]+ms BilledDuration:\d+ms Memory:256MB MemUsage:[\d.]+MB StatusCode:200$/);

  const second = await invoke(client, 'greeter', { name: 'bo' });
  t.equal(JSON.parse(second.RetMsg).calls, 2, 'warm instance keeps module state');
  t.notMatch(second.Log, /Init Report/, 'no Init Report on a warm call');

  const quiet = await client.Invoke({ FunctionName: 'greeter', ClientContext: '{"name":"x"}' });
  t.equal(quiet.Result.Log, '', 'no log without LogType Tail');

  const viaInvokeFunction = await client.InvokeFunction({ FunctionName: 'greeter', Event: '{"name":"cy"}', LogType: 'Tail' });
  t.equal(JSON.parse(viaInvokeFunction.Result.RetMsg).greeting, 'hi cy', 'InvokeFunction uses $DEFAULT → $LATEST');
  t.ok(Buffer.byteLength(viaInvokeFunction.Result.Log) <= 4096);

  // Updating the code starts a new instance: module state starts over.
  await client.UpdateFunctionCode({
    FunctionName: 'greeter',
    ZipFile: require('./helpers/zip').makeZip({ 'index.js': 'let n = 0; exports.main_handler = () => ({ n: ++n })' }).toString('base64'),
  });
  const updated = await invoke(client, 'greeter');
  t.same(JSON.parse(updated.RetMsg), { n: 1 }, 'new code runs on a new instance');
  t.match(updated.Log, /Init Report/);
});

t.test('failures answer the spec status code and error body', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'thrower', { 'index.js': 'exports.main_handler = () => { throw new TypeError("boom") }' });
  await createFunction(client, 'sleeper', { 'index.js': 'exports.main_handler = () => { for (;;) {} }' }, { Timeout: 1 });
  await createFunction(client, 'hog', { 'index.js': 'exports.main_handler = () => { const a = []; for (;;) a.push(new Array(1e5).fill(1)) }' }, { MemorySize: 64 });
  await createFunction(client, 'nohandler', { 'index.js': 'exports.other = () => 1' });
  await createFunction(client, 'cyclic', { 'index.js': 'exports.main_handler = () => { const o = {}; o.o = o; return o }' });
  await createFunction(client, 'fine', { 'index.js': 'exports.main_handler = () => "still fine"' });

  const cases = [
    ['thrower', 430, 'UserCodeException'],
    ['sleeper', 433, 'TimeLimitReached'],
    ['hog', 434, 'MemoryLimitReached'],
    ['nohandler', 430, 'UserCodeException'],
    ['cyclic', 430, 'UserCodeException'],
  ];
  for (const [name, statusCode, errorMessage] of cases) {
    const result = await invoke(client, name);
    t.equal(result.InvokeResult, statusCode, `${name}: InvokeResult ${statusCode}`);
    t.equal(result.RetMsg, '', `${name}: no RetMsg`);
    const err = JSON.parse(result.ErrMsg);
    t.match(err, { errorCode: -1, errorMessage, statusCode }, `${name}: error body`);
    t.match(result.Log, new RegExp(`StatusCode:${statusCode}$`, 'm'), `${name}: Report carries the status`);
  }
  const thrown = await invoke(client, 'thrower');
  t.match(thrown.Log, /TypeError: boom/, 'the stack is in the log');
  t.match((await invoke(client, 'nohandler')).Log, /handler missing/i, 'missing handler is named in the log');

  t.equal((await invoke(client, 'fine')).RetMsg, '"still fine"', 'other functions keep serving');
  t.equal((await invoke(client, 'sleeper')).InvokeResult, 433, 'the timed-out function recovers on a new instance');
});

t.test('bad invocations answer API errors', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'ok', { 'index.js': 'exports.main_handler = (e) => e' });
  // A web function (on a subprocess runtime) is called over HTTP, not through Invoke.
  await client.CreateFunction({ FunctionName: 'pyweb', Runtime: 'Python3.9', Type: 'HTTP', Code: { ZipFile: makeZip([{ name: 'scf_bootstrap', data: '#!/bin/sh\nexec python3 -m http.server 9000\n', mode: 0o755 }]).toString('base64') } });

  await expectApiError(t, client.Invoke({ FunctionName: 'missing' }), 'ResourceNotFound.Function', 'unknown function');
  await expectApiError(t, client.Invoke({ FunctionName: 'ok', Qualifier: 'nope' }), 'ResourceNotFound.Qualifier', 'unknown qualifier');
  await expectApiError(t, client.Invoke({ FunctionName: 'ok', Namespace: 'ghost' }), 'ResourceNotFound.Namespace', 'unknown namespace');
  await expectApiError(t, client.Invoke({ FunctionName: 'ok', ClientContext: '{not json' }), 'InvalidParameterValue.Param', 'event not JSON');
  await expectApiError(t, client.Invoke({ FunctionName: 'ok', LogType: 'Everything' }), 'InvalidParameterValue.LogType', 'bad LogType');
  await expectApiError(t, client.Invoke({ FunctionName: 'ok', InvocationType: 'Sometimes' }), 'InvalidParameterValue.InvocationType');
  await expectApiError(t, client.Invoke({ FunctionName: 'pyweb' }), 'InvalidParameterValue.FunctionType', 'Invoke of a web function');
  const big = JSON.stringify({ blob: 'x'.repeat(6 * 1024 * 1024) });
  await expectApiError(t, client.Invoke({ FunctionName: 'ok', ClientContext: big }), 'InvalidParameter.RequestTooLarge', 'event over 6 MB');
  const echoed = await invoke(client, 'ok', { a: [1, 2, { b: null }] });
  t.same(JSON.parse(echoed.RetMsg), { a: [1, 2, { b: null }] }, 'the event arrives intact');
});

t.test('the sample function is deployed on first start and callable', async (t) => {
  const server = await startServer(t, { sample: true });
  const client = server.client();
  const result = await invoke(client, 'hello', { name: 'isola' });
  t.equal(JSON.parse(result.RetMsg).message, 'Hello, isola!');
});
