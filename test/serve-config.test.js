'use strict';
// `isola serve --config file`: a setting in the file applies unless a flag or
// the environment gives it (a flag not given must not erase the file's value).
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./helpers/server');

async function processesOf(server) {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^isola_executor_processes\{executor="isolate"\} (\d+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

t.test('a setting from the config file applies when no flag names it', async (t) => {
  const dir = t.testdir({ 'isola.json': JSON.stringify({ isolateHosts: 1 }) });
  const server = await startServer(t, { args: ['--config', path.join(dir, 'isola.json')] });
  t.equal(await processesOf(server), 1, 'isolateHosts 1 from the file');
});

t.test('a flag wins over the file', async (t) => {
  const dir = t.testdir({ 'isola.json': JSON.stringify({ isolateHosts: 1 }) });
  const server = await startServer(t, { args: ['--config', path.join(dir, 'isola.json'), '--isolate-hosts', '2'] });
  t.equal(await processesOf(server), 2, 'the flag');
});

t.test('a bad value in the file is refused at start', async (t) => {
  const dir = t.testdir({ 'isola.json': JSON.stringify({ isolateHosts: 'two' }) });
  await t.rejects(startServer(t, { args: ['--config', path.join(dir, 'isola.json')] }).then(() => undefined), /isolateHosts/);
  t.ok(fs.existsSync(path.join(dir, 'isola.json')));
});
