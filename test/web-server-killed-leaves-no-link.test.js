'use strict';
// The server is killed (kill -9) while a web function's instance is warm: its slirp4netns link
// exits on its own (its exit pipe closed with the server), and the next server on the data dir
// reaps the instance's processes and removes the link's stale API socket — nothing is left.
const fs = require('node:fs');
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { WEB_APP } = require('./helpers/web-executor');

/** [pid, comm, ppid] of every process. */
function processes() {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      out.push([Number(pid), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])]);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function until(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

t.test('kill -9 of the server: the link exits, the instance is reaped', { skip: process.getuid() !== 0 && 'namespace mode needs root' }, async (t) => {
  const server = await startServer(t);
  if (!/own network namespace/.test(server.output())) return t.skip(`no namespace mode here: ${server.output().match(/web functions: .*/)?.[0]}`);
  await createFunction(server.client(), 'webapp', [
    { name: 'scf_bootstrap', data: WEB_APP.scf_bootstrap, mode: 0o755 },
    { name: 'app.js', data: WEB_APP['app.js'] },
  ], { Runtime: 'Nodejs18.15', Type: 'HTTP', Handler: undefined });
  const hello = await request(`${server.url}/default/webapp/hello`);
  t.equal(hello.status, 200, hello.body.toString());
  const appPid = JSON.parse(hello.body).pid;
  const links = processes().filter(([, comm, ppid]) => comm === 'slirp4netns' && ppid === server.child.pid).map(([pid]) => pid);
  t.equal(links.length, 1, 'one link while the instance is warm');
  const sockets = () => fs.readdirSync('/run/isola-net').filter((n) => n.startsWith(`w${server.child.pid.toString(36)}-`));
  t.equal(sockets().length, 1, 'its API socket under /run/isola-net');
  await server.kill9();
  t.ok(await until(() => !fs.existsSync(`/proc/${links[0]}`), 5000), 'slirp4netns exited with the server');
  const next = await startServer(t, { dataDir: server.dataDir });
  t.ok(next.port > 0);
  t.same(sockets(), [], 'the killed server\'s API socket was swept');
  t.ok(await until(() => !fs.existsSync(`/proc/${appPid}`) || fs.readFileSync(`/proc/${appPid}/cmdline`, 'utf8').indexOf('app.js') < 0, 5000), 'the instance\'s process was reaped by the next server');
});
