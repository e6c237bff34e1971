'use strict';
// A web function that tries the host's loopback services (the control API, a database on
// 127.0.0.1) is refused: 127.0.0.1 inside its namespace is its own, and slirp4netns's gateway
// address does not lead to the host's loopback (--disable-host-loopback).
const net = require('node:net');
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('the host\'s 127.0.0.1 service is out of reach', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  if (ex.network !== 'namespace') return t.skip(`network mode is ${ex.network}: ${ex.describe()}`);
  // A "database" on the host's loopback that the server itself can reach.
  const secret = net.createServer((s) => s.end('secret')).listen(0, '127.0.0.1');
  await new Promise((r) => secret.once('listening', r));
  t.teardown(() => secret.close());
  const { port } = secret.address();
  const spec = deploy(WEB_APP, { timeoutMs: 5000 });
  const direct = await request(spec, { path: `/connect?host=127.0.0.1&port=${port}` });
  t.same(JSON.parse(direct.text), { result: 'ECONNREFUSED' }, '127.0.0.1 is the instance\'s own loopback');
  const viaGateway = await request(spec, { path: `/connect?host=10.0.2.2&port=${port}` });
  t.not(JSON.parse(viaGateway.text).result, 'connected', 'the link\'s gateway address does not lead to the host\'s loopback');
  const own = await request(spec, { path: '/connect?host=127.0.0.1&port=9000' });
  t.same(JSON.parse(own.text), { result: 'connected' }, 'its own server on its own loopback works');
});
