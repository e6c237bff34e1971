'use strict';
// The Concurrency actions (scf-api.md §3.8) and GetAccount's concurrency
// fields, through the official SDK against a real server.
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');
const { makeZip } = require('./helpers/zip');

const ZIP = makeZip({ 'index.js': 'exports.main_handler = async () => "ok";\n' }).toString('base64');
const createFunction = (client, FunctionName, extra = {}) =>
  client.CreateFunction({ FunctionName, Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: { ZipFile: ZIP }, ...extra });

t.test('reserved and total concurrency through the SDK', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'capped');
  await createFunction(client, 'other');
  await client.CreateNamespace({ Namespace: 'team' });
  await createFunction(client, 'capped', { Namespace: 'team' });

  // Nothing reserved yet.
  t.equal((await client.GetReservedConcurrencyConfig({ FunctionName: 'capped' })).ReservedMem, null, 'no reservation → null');
  let account = await client.GetAccount({});
  t.match(account.AccountUsage, { TotalConcurrencyMem: 128000, TotalAllocatedConcurrencyMem: 0, UserConcurrencyMemLimit: 128000 });

  // Put / Get.
  await client.PutReservedConcurrencyConfig({ FunctionName: 'capped', ReservedConcurrencyMem: 100000 });
  t.equal((await client.GetReservedConcurrencyConfig({ FunctionName: 'capped' })).ReservedMem, 100000);
  await client.PutReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'team', ReservedConcurrencyMem: 2048 });
  t.equal((await client.GetReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'team' })).ReservedMem, 2048, 'per namespace');
  t.equal((await client.GetReservedConcurrencyConfig({ FunctionName: 'other' })).ReservedMem, null);

  // GetAccount and ListFunctions reflect the reservations.
  account = await client.GetAccount({});
  t.equal(account.AccountUsage.TotalAllocatedConcurrencyMem, 102048);
  const byNs = Object.fromEntries(account.AccountUsage.Namespace.map((n) => [n.Namespace, n]));
  t.equal(byNs.default.TotalAllocatedConcurrencyMem, 100000);
  t.equal(byNs.team.TotalAllocatedConcurrencyMem, 2048);
  const listed = await client.ListFunctions({});
  t.equal(listed.Functions.find((f) => f.FunctionName === 'capped').ReservedConcurrencyMem, 100000);

  // The floor: 128000 − 12800 = 115200 reservable; 102048 taken.
  const breaking = await expectApiError(
    t,
    client.PutReservedConcurrencyConfig({ FunctionName: 'other', ReservedConcurrencyMem: 115200 - 102048 + 1 }),
    'LimitExceeded.FunctionReservedConcurrencyMemory',
    'a reservation eating into the 12,800 MB floor is refused',
  );
  t.match(breaking?.message, /12800 MB always unreserved/);
  await client.PutReservedConcurrencyConfig({ FunctionName: 'other', ReservedConcurrencyMem: 115200 - 102048 });
  t.equal((await client.GetAccount({})).AccountUsage.TotalAllocatedConcurrencyMem, 115200, 'exactly up to the floor is fine');
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'other' });

  // Errors: unknown function / namespace, bad values.
  await expectApiError(t, client.PutReservedConcurrencyConfig({ FunctionName: 'nope', ReservedConcurrencyMem: 128 }), 'ResourceNotFound.Function');
  await expectApiError(t, client.GetReservedConcurrencyConfig({ FunctionName: 'nope' }), 'ResourceNotFound.Function');
  await expectApiError(t, client.DeleteReservedConcurrencyConfig({ FunctionName: 'nope' }), 'ResourceNotFound.Function');
  await expectApiError(t, client.GetReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'nons' }), 'ResourceNotFound.Namespace');
  await expectApiError(t, client.PutReservedConcurrencyConfig({ FunctionName: 'capped', ReservedConcurrencyMem: -1 }), 'InvalidParameterValue.ReservedConcurrencyMem');
  await expectApiError(t, client.PutReservedConcurrencyConfig({ FunctionName: 'capped' }), 'MissingParameter');
  await expectApiError(t, client.PutReservedConcurrencyConfig({ ReservedConcurrencyMem: 128 }), 'MissingParameter');

  // Reserved 0 is a valid value (it disables the function).
  await client.PutReservedConcurrencyConfig({ FunctionName: 'other', ReservedConcurrencyMem: 0 });
  t.equal((await client.GetReservedConcurrencyConfig({ FunctionName: 'other' })).ReservedMem, 0);

  // Delete.
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'team' });
  t.equal((await client.GetReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'team' })).ReservedMem, null);
  await client.DeleteReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'team' }); // no reservation: still fine
  t.equal((await client.GetAccount({})).AccountUsage.TotalAllocatedConcurrencyMem, 100000);

  // PutTotalConcurrencyConfig: at least Σ reserved (100000) + 12800.
  await expectApiError(t, client.PutTotalConcurrencyConfig({ TotalConcurrencyMem: 112799 }), 'FailedOperation.ReservedExceedTotal');
  await expectApiError(t, client.PutTotalConcurrencyConfig({ TotalConcurrencyMem: 200000, Namespace: 'nons' }), 'ResourceNotFound.Namespace');
  await expectApiError(t, client.PutTotalConcurrencyConfig({ TotalConcurrencyMem: 1.5 }), 'InvalidParameterValue.TotalConcurrencyMem');
  await expectApiError(t, client.PutTotalConcurrencyConfig({}), 'MissingParameter');
  await client.PutTotalConcurrencyConfig({ TotalConcurrencyMem: 112800 });
  account = await client.GetAccount({});
  t.match(account.AccountUsage, { TotalConcurrencyMem: 112800, UserConcurrencyMemLimit: 112800, TotalAllocatedConcurrencyMem: 100000 });
  t.ok(account.AccountUsage.Namespace.every((n) => n.TotalConcurrencyMem === 112800), 'per-namespace view shows the account quota');
  t.equal(account.AccountLimit.Namespace[0].ConcurrentExecutions, Math.floor(112800 / 128));
  // Now nothing more can be reserved without breaking the floor.
  await expectApiError(
    t,
    client.PutReservedConcurrencyConfig({ FunctionName: 'capped', Namespace: 'team', ReservedConcurrencyMem: 1 }),
    'LimitExceeded.FunctionReservedConcurrencyMemory',
  );
  await client.PutTotalConcurrencyConfig({ TotalConcurrencyMem: 256000, Namespace: 'team' });
  t.equal((await client.GetAccount({})).AccountUsage.TotalConcurrencyMem, 256000);

  // Deleting a function releases its reservation.
  await client.DeleteFunction({ FunctionName: 'capped' });
  t.equal((await client.GetAccount({})).AccountUsage.TotalAllocatedConcurrencyMem, 0);

  // Quota and reservations survive a restart.
  await server.stop();
  const again = await startServer(t, { dataDir: server.dataDir });
  const client2 = again.client();
  t.equal((await client2.GetAccount({})).AccountUsage.TotalConcurrencyMem, 256000, 'total persisted');
  t.equal((await client2.GetReservedConcurrencyConfig({ FunctionName: 'other' })).ReservedMem, 0, 'reservation persisted');
});
