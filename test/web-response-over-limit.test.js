'use strict';
// A web function answers more than 6 MB: the call ends response_too_large (410) and the response,
// whose head was already sent, is cut (the sink's abort) rather than completed.
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('7 MB response → response_too_large, cut', async (t) => {
  const { deploy, request } = webExecutor(t);
  const spec = deploy(WEB_APP, { timeoutMs: 10_000 });
  const big = await request(spec, { path: '/big?mb=7' });
  t.equal(big.outcome.kind, 'response_too_large');
  t.equal(big.ended, false, 'never completed');
  t.match(big.aborted, /exceeds 6291456 bytes/);
  t.ok(big.outcome.responseBytes > 6 * 1024 * 1024);
  const ok = await request(spec, { path: '/big?mb=5' });
  t.equal(ok.outcome.kind, 'ok');
  t.equal(ok.text.length, 5 * 1024 * 1024, '5 MB passes whole');
});
