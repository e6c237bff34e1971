'use strict';
// `isola trigger add --cron … --message …` against a real server: the timer
// is created, listed with its schedule, fires (seen by `isola async list`
// as a Timer event), is disabled, enabled and removed by name alone; an
// add with both a path and --cron, or --message without --cron, is refused
// before any call.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { until } = require('./helpers/wait');
const { isola } = require('./helpers/cli');

t.test('isola trigger add --cron --message, list, disable, enable, rm', async (t) => {
  const server = await startServer(t);
  await createFunction(server.client(), 'nightly', { 'index.js': 'exports.main_handler = async (e) => e;' });

  const added = await isola(server, ['trigger', 'add', 'nightly', 'tick', '--cron', '* * * * * * *', '--message', 'go']);
  t.same(added, { code: 0, stdout: 'added trigger tick of function nightly: cron * * * * * * * message "go" → $DEFAULT\n', stderr: '' });
  const table = await isola(server, ['trigger', 'list', 'nightly']);
  t.match(table.stdout, /\ntick +timer +cron \* \* \* \* \* \* \* message "go" +\$DEFAULT +enabled /);

  const fired = await until('a Timer event', async () => {
    const list = await isola(server, ['async', 'list', 'nightly']);
    return /\s+FINISHED\s+Timer\s+\$DEFAULT/.test(list.stdout) && list;
  });
  t.match(fired.stdout, /^REQUEST ID\s+STATUS\s+TYPE/);

  t.same(await isola(server, ['trigger', 'disable', 'nightly', 'tick']), { code: 0, stdout: 'disabled trigger tick of function nightly\n', stderr: '' });
  t.match((await isola(server, ['trigger', 'list', 'nightly'])).stdout, /\ntick +timer .* disabled /);
  t.same(await isola(server, ['trigger', 'enable', 'nightly', 'tick']), { code: 0, stdout: 'enabled trigger tick of function nightly\n', stderr: '' });
  t.same(await isola(server, ['trigger', 'rm', 'nightly', 'tick']), { code: 0, stdout: 'deleted trigger tick of function nightly\n', stderr: '' });
  t.match((await isola(server, ['trigger', 'rm', 'nightly', 'tick'])).stderr, /function nightly has no trigger tick/);

  const both = await isola(server, ['trigger', 'add', 'nightly', 'x', '/x', '--cron', '* * * * * * *']);
  t.equal(both.code, 1);
  t.match(both.stderr, /either a <path> .* or --cron/);
  const stray = await isola(server, ['trigger', 'add', 'nightly', 'x', '/x', '--message', 'm']);
  t.match(stray.stderr, /--message is the message of a timer trigger/);
  const bad = await isola(server, ['trigger', 'add', 'nightly', 'x', '--cron', '0 0 3 * * *']);
  t.match(bad.stderr, /^isola: InvalidParameterValue\.TriggerDesc: .*6 field/);
});
