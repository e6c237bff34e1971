'use strict';
// A web function whose server does not come up: every start code of runtime-api.md ("Web
// functions") with a message saying which — scf_bootstrap missing or not executable → 445;
// exits before listening → 405 with its last words; listens on 127.0.0.1 only or on another port
// → 446; nothing listening at the init timeout → 450 — and nothing left running after any of them.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

const nodeServer = (listen) => ({ scf_bootstrap: '#!/bin/sh\nexec node app.js\n', 'app.js': `require('http').createServer((q, r) => r.end('x')).listen(${listen});` });

t.test('no scf_bootstrap → 445', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const { outcome } = await request(deploy({ 'app.js': WEB_APP['app.js'] }));
  t.equal(outcome.kind, 'bootstrap_missing');
  t.match(outcome.errorMessage, /scf_bootstrap is missing/);
  t.equal(outcome.responseStarted, false);
  t.same(ex.stats().instances, {}, 'nothing started');
});

t.test('scf_bootstrap mode 644 → 445 saying so', async (t) => {
  const { deploy, request } = webExecutor(t);
  const { outcome } = await request(deploy({ ...WEB_APP, scf_bootstrap: { data: WEB_APP.scf_bootstrap, mode: 0o644 } }));
  t.equal(outcome.kind, 'bootstrap_missing');
  t.match(outcome.errorMessage, /scf_bootstrap is not executable \(mode 644\)/);
});

t.test('exits before listening → 405 with its last words and output', async (t) => {
  const { deploy, request } = webExecutor(t);
  const { outcome } = await request(deploy({ scf_bootstrap: '#!/bin/sh\necho starting\necho "no such framework" >&2\nexit 7\n' }));
  t.equal(outcome.kind, 'init_exit');
  t.match(outcome.errorMessage, /scf_bootstrap exited before its web server listened \(code 7\): no such framework/);
  t.match(outcome.logs.map((l) => l.message), ['starting', 'no such framework']);
});

t.test('listens on 127.0.0.1:9000 only → 446 at once', { skip: process.getuid() !== 0 && 'the namespace mode needs root' }, async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  if (ex.network !== 'namespace') return t.skip(`network mode is ${ex.network} (no slirp4netns): a loopback bind is reachable there`);
  const t0 = Date.now();
  const { outcome } = await request(deploy(nodeServer("9000, '127.0.0.1'"), { initTimeoutMs: 10_000 }));
  t.equal(outcome.kind, 'port_binding_failed');
  t.match(outcome.errorMessage, /listens on 127\.0\.0\.1:9000 only; bind 0\.0\.0\.0/);
  t.ok(Date.now() - t0 < 8000, 'decided when the bind was seen, not at the init timeout');
});

t.test('listens on another port → 446 at the init timeout', async (t) => {
  const { deploy, request } = webExecutor(t);
  const { outcome } = await request(deploy(nodeServer(8080), { initTimeoutMs: 6000 }));
  t.equal(outcome.kind, 'port_binding_failed');
  t.match(outcome.errorMessage, /listens on port 8080, not on (9000|\d+)/);
});

t.test('nothing listens → 450 at the init timeout, killed', async (t) => {
  const { deploy, request, ex } = webExecutor(t);
  const t0 = Date.now();
  const { outcome } = await request(deploy({ scf_bootstrap: '#!/bin/sh\nexec sleep 60\n' }, { initTimeoutMs: 1000 }));
  t.equal(outcome.kind, 'init_timeout');
  t.match(outcome.errorMessage, /init time out: scf_bootstrap started no web server on port \d+ within 1000 ms \(nothing listens on port \d+\)/);
  t.ok(Date.now() - t0 < 4000, `ended after ${Date.now() - t0} ms`);
  t.same(ex.stats().instances, {}, 'nothing left');
});
