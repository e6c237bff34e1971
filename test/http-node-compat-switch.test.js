'use strict';
// Issue 18: the Node.js compatibility switch set through the control API (the
// official SDK's Environment.Variables) reaches the isolate: a Workers-style
// app using node-cache (events + the global Buffer) and safe-buffer (buffer)
// answers with the switch on; the same code without it fails with the clear
// built-in error (430, the message in the function's log).
const t = require('tap');
const { npmPackages } = require('./helpers/npm-fixtures');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');

const APP = `
const NodeCache = require('node-cache');
const { Buffer: SafeBuffer } = require('safe-buffer');
const cache = new NodeCache({ checkperiod: 0 });
module.exports = {
  async fetch(request) {
    const key = new URL(request.url).pathname;
    const hits = (cache.get(key) ?? 0) + 1;
    cache.set(key, hits);
    const body = SafeBuffer.from(await request.text()).toString('base64');
    return Response.json({ key, hits, body, stats: cache.getStats().keys });
  },
};`;

t.test('the switch set through the API turns the compatibility set on for that function only', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  const files = { 'index.js': APP, ...npmPackages('node-cache', 'clone', 'safe-buffer') };
  const WEB = { Type: 'HTTP', Handler: 'index.fetch' };
  await createFunction(client, 'compat-on', files, { ...WEB, Environment: { Variables: [{ Key: 'ISOLA_COMPATIBILITY_FLAGS', Value: 'nodejs_compat' }] } });
  await createFunction(client, 'compat-off', files, WEB);

  const first = await request(`${server.url}/default/compat-on/a`, { method: 'POST', body: 'hello' });
  t.equal(first.status, 200, first.body.toString());
  t.same(JSON.parse(first.body), { key: '/a', hits: 1, body: 'aGVsbG8=', stats: 1 });
  const second = JSON.parse((await request(`${server.url}/default/compat-on/a`, { method: 'POST', body: '' })).body);
  t.equal(second.hits, 2, 'the cache lives on in the warm instance');

  const off = await request(`${server.url}/default/compat-off/a`, { method: 'POST', body: 'hello' });
  t.equal(off.status, 430, 'without the switch the module cannot load');
  const logs = JSON.stringify(await client.GetFunctionLogs({ FunctionName: 'compat-off', Limit: 10 }));
  t.match(logs, /Cannot find module 'events': Node\.js built-in modules are not available in the isolate runtime/, 'the log names the missing built-in');
});
