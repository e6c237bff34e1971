'use strict';
// Throttling through Invoke (platform-semantics §3, §5): reserved N MB with
// N/mem + 1 concurrent slow calls → exactly one 432; reserved 0 → every call
// 432; the account quota shared across functions. A throttled Invoke answers
// Result.InvokeResult 432 with the spec's error body.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { makeZip } = require('./helpers/zip');

const SLOW = makeZip({
  'index.js': "exports.main_handler = async () => { await new Promise(r => setTimeout(r, 1500)); return 'ok' }\n",
}).toString('base64');
const THROTTLED = '{"errorCode":-1,"errorMessage":"ResourceLimitReached","statusCode":432}';

const createSlow = (client, FunctionName, MemorySize = 128) =>
  client.CreateFunction({ FunctionName, Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: { ZipFile: SLOW }, MemorySize, Timeout: 10 });
const invoke = (client, FunctionName) => client.Invoke({ FunctionName, ClientContext: '{}' }).then((r) => r.Result);
const isThrottled = (result) => result.InvokeResult === 432;

function assertThrottled(t, result, what) {
  t.equal(result.InvokeResult, 432, `${what}: InvokeResult 432`);
  t.equal(result.ErrMsg, THROTTLED, `${what}: the spec's error body`);
  t.equal(result.RetMsg, '', `${what}: no return value`);
}

t.test('throttling through Invoke', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  t.test('reserved 0 disables the function: every call is 432', async (t) => {
    await createSlow(client, 'disabled');
    await client.PutReservedConcurrencyConfig({ FunctionName: 'disabled', ReservedConcurrencyMem: 0 });
    const results = await Promise.all([invoke(client, 'disabled'), invoke(client, 'disabled'), invoke(client, 'disabled')]);
    results.forEach((r, i) => assertThrottled(t, r, `call ${i + 1}`));
    await client.DeleteReservedConcurrencyConfig({ FunctionName: 'disabled' });
    const after = await invoke(client, 'disabled');
    t.equal(after.InvokeResult, 0, 'enabled again once the reservation is removed');
    t.equal(after.RetMsg, '"ok"');
  });

  t.test('reserved 256 MB, 128 MB function, 3 concurrent slow calls → exactly one 432', async (t) => {
    await createSlow(client, 'capped', 128);
    await client.PutReservedConcurrencyConfig({ FunctionName: 'capped', ReservedConcurrencyMem: 256 });
    const results = await Promise.all([invoke(client, 'capped'), invoke(client, 'capped'), invoke(client, 'capped')]);
    const throttled = results.filter(isThrottled);
    t.equal(throttled.length, 1, 'exactly one throttled');
    assertThrottled(t, throttled[0], 'the throttled call');
    for (const r of results.filter((r) => !isThrottled(r))) {
      t.equal(r.InvokeResult, 0);
      t.equal(r.RetMsg, '"ok"');
    }
    // Once the slow calls are done the capacity is back (releases happened).
    const again = await Promise.all([invoke(client, 'capped'), invoke(client, 'capped')]);
    t.same(again.map((r) => r.InvokeResult), [0, 0], 'both fit after the earlier calls released');
  });

  t.test('the account quota is shared across functions', async (t) => {
    // Smallest possible account: 12,800 MB, all unreserved → four 3072 MB calls fit, a fifth does not.
    await client.DeleteReservedConcurrencyConfig({ FunctionName: 'capped' });
    await client.PutTotalConcurrencyConfig({ TotalConcurrencyMem: 12800 });
    await createSlow(client, 'big-a', 3072);
    await createSlow(client, 'big-b', 3072);
    const results = await Promise.all([
      invoke(client, 'big-a'),
      invoke(client, 'big-a'),
      invoke(client, 'big-a'),
      invoke(client, 'big-b'),
      invoke(client, 'big-b'),
    ]);
    const throttled = results.filter(isThrottled);
    t.equal(throttled.length, 1, 'exactly one of five 3072 MB calls throttled by the 12,800 MB account quota');
    if (throttled[0]) assertThrottled(t, throttled[0], 'the throttled call');
  });
});
