'use strict';
// Where an instance cannot get its own network namespace (not root, the sandbox disabled, no
// slirp4netns), web functions get a free port in PORT: two instances of an app that reads PORT
// serve at once on different ports, and the executor says it is the weaker mode.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('PORT mode: a free port per instance', async (t) => {
  const { deploy, request, ex } = webExecutor(t, { sandbox: { enabled: false } });
  t.equal(ex.network, 'port');
  t.match(ex.describe(), /WEAKER ISOLATION.*free port in PORT/);
  const spec = deploy(WEB_APP, { env: { USE_PORT: '1' }, timeoutMs: 10_000 });
  const [a, b] = await Promise.all([request(spec, { path: '/slow?ms=500' }), request(spec, { path: '/slow?ms=500' })]);
  t.equal(a.outcome.kind, 'ok', a.outcome.errorMessage);
  t.equal(b.outcome.kind, 'ok', b.outcome.errorMessage);
  const ports = await Promise.all([request(spec, { path: '/hello' }), request(spec, { path: '/slow?ms=200' })]);
  t.equal(ports[1].text, 'slept 200');
  const hello = JSON.parse(ports[0].text);
  t.ok(hello.port > 0 && hello.port !== 9000, `the instance listens on the port it was given (${hello.port})`);
});

t.test('PORT mode: an app that ignores PORT does not come up (446 naming the port)', async (t) => {
  const { deploy, request } = webExecutor(t, { sandbox: { enabled: false } });
  const { outcome } = await request(deploy(WEB_APP, { initTimeoutMs: 6000 }));
  t.equal(outcome.kind, 'port_binding_failed');
  t.match(outcome.errorMessage, /listens on port 9000, not on \d+/);
});
