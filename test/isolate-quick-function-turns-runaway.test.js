'use strict';
// A web function that answered quickly for a while (150 requests, one at a time on a quiet host)
// then loops forever inside its dispatch. The runaway ends 433 at its deadline, the request to
// another function on the same host queued behind it is served once it ends, and the function
// serves again (a new instance). Its console lines still reach it. (Written for a synchronous
// entry of lone dispatches on the host's thread, tried in bench/results/issue-15-perf6.md and
// reverted; it guards the same promise for the asynchronous entry.)
const t = require('tap');
const { createIsolateRuntime } = require('../dist/runtime');
const { writeTree, dataDir } = require('./fixtures/runtime/util');
const { hreq, webSpec, recordingSink } = require('./fixtures/runtime/http');

let rt;
t.before(async () => { rt = await createIsolateRuntime({ hosts: 1, dataDir, keepAliveMs: 60_000 }); });
t.teardown(() => rt.close());

async function call(s, url) {
  const sink = recordingSink();
  const o = await rt.serveHttp(hreq(s, { url }), sink);
  return { o, sink };
}

t.test('a quick function turns into a sync loop: 433 at its deadline, the host serves on', async (t) => {
  const flaky = webSpec(writeTree({
    'index.mjs': `export default { fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === '/loop') for (;;) {}
      console.log('quick ' + path);
      return new Response('quick');
    } };\n`,
  }), { timeoutMs: 1500 });
  const other = webSpec(writeTree({ 'index.mjs': 'export default { fetch() { return new Response("other"); } };\n' }));
  t.equal((await call(other, 'http://fn.test/')).sink.text, 'other', 'the other function is warm on the same host');

  // One request at a time: more than enough short entries for the host to trust the instance.
  let instanceId;
  for (let i = 0; i < 150; i++) {
    const { o, sink } = await call(flaky, `http://fn.test/${i}`);
    t.equal(o.kind, 'ok', o.errorMessage);
    if (sink.text !== 'quick') t.fail(`request ${i}: ${sink.text}`);
    if (!o.logs.some((l) => l.message.includes(`quick /${i}`))) t.fail(`request ${i}: its console line is missing: ${JSON.stringify(o.logs)}`);
    instanceId ??= o.instanceId;
  }

  const t0 = Date.now();
  const loop = call(flaky, 'http://fn.test/loop');
  // Sent while the loop holds the host: answered once the loop is ended.
  await new Promise((r) => setTimeout(r, 200));
  const behind = await call(other, 'http://fn.test/');
  const { o } = await loop;
  const took = Date.now() - t0;
  t.equal(o.kind, 'timeout', o.errorMessage);
  t.equal(o.errorMessage, 'time out');
  t.ok(took >= 1400 && took < 5000, `ended at its deadline (${took} ms)`);
  t.equal(behind.o.kind, 'ok', behind.o.errorMessage);
  t.equal(behind.sink.text, 'other');

  const after = await call(flaky, 'http://fn.test/again');
  t.equal(after.o.kind, 'ok', after.o.errorMessage);
  t.equal(after.sink.text, 'quick');
  t.not(after.o.instanceId, instanceId, 'the looping isolate was disposed; a new instance answers');
});
