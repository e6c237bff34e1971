'use strict';
// Web-function instances nobody uses are reclaimed after the keep-alive: the process, its network
// link and its sandbox go, and the next request cold-starts a new instance.
const fs = require('node:fs');
const t = require('tap');
const { webExecutor, WEB_APP } = require('./helpers/web-executor');

t.test('idle instance reclaimed after the keep-alive', async (t) => {
  const { deploy, request, ex } = webExecutor(t, { executor: { keepAliveMs: 600 } });
  const spec = deploy(WEB_APP, { timeoutMs: 5000 });
  const first = await request(spec, { path: '/hello' });
  t.equal(first.outcome.kind, 'ok', first.outcome.errorMessage);
  const pid = ex.stats().processes[0]?.pid;
  t.ok(pid > 0, 'its process is listed');
  t.equal(ex.instanceCount(spec.key), 1);
  t.equal(slirpChildren().length, ex.network === 'namespace' ? 1 : 0, 'one network link while warm (namespace mode)');
  const second = await request(spec, { path: '/hello' });
  t.equal(second.outcome.instanceId, first.outcome.instanceId, 'reused while warm');
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(ex.instanceCount(spec.key), 0, 'reclaimed');
  t.notOk(fs.existsSync(`/proc/${pid}`), 'its process is gone');
  t.same(ex.stats().processes, []);
  t.same(slirpChildren(), [], 'no slirp4netns of this process left');
  const third = await request(spec, { path: '/hello' });
  t.equal(third.outcome.kind, 'ok');
  t.ok(third.outcome.coldStart, 'a new instance cold-started');
});

/** Pids of slirp4netns processes this process started (the network links of namespace mode). */
function slirpChildren() {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'slirp4netns' && ppid === process.pid) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
