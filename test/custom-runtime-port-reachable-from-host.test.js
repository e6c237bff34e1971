'use strict';
// The failure: a custom-runtime event function on the host's network — a port its scf_bootstrap
// listens on reachable from every host process, the host's loopback services reachable from it.
// As root with slirp4netns it has its own network namespace, and its runtime API listens in there
// (127.0.0.1:9001, made before scf_bootstrap may run): the function works (both samples), its port
// is refused from the host, the host's 127.0.0.1 is not its own, outbound traffic leaves through
// the link. Forced onto the host network, the same port is reachable (what the namespace prevents).
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const { processExecutor } = require('./helpers/process-executor');
const { tryConnect, hostServiceProbes, checkOwnNamespace, LISTEN_AND_PROBE_PY } = require('./helpers/network-probes');

const CAN_ISOLATE = process.getuid() === 0 && fs.existsSync('/usr/bin/slirp4netns');
const NOT_HERE = !CAN_ISOLATE && 'not root, or no /usr/bin/slirp4netns (Debian slirp4netns): event functions stay on the host network';
const NO_CURL = !fs.existsSync('/usr/bin/curl') && 'no /usr/bin/curl (Debian curl): the shell sample needs it';

// A custom runtime (standard library only) that listens on a free port of its loopback before it
// says ready, and per event probes the addresses it is given.
const LISTENING_BOOTSTRAP = `#!/usr/bin/python3
import json, os, urllib.request
API = "http://%s:%s/runtime" % (os.environ["SCF_RUNTIME_API"], os.environ["SCF_RUNTIME_API_PORT"])
${LISTEN_AND_PROBE_PY}
def post(path, body):
    urllib.request.urlopen(urllib.request.Request(API + path, data=body, method="POST")).read()

post("/init/ready", b"")
while True:
    with urllib.request.urlopen(API + "/invocation/next") as res:
        event = json.loads(res.read())
    out = {"port": PORT, "own": probe("127.0.0.1", PORT), "api": [os.environ["SCF_RUNTIME_API"], os.environ["SCF_RUNTIME_API_PORT"]]}
    for name, target in event.get("probe", {}).items():
        out[name] = probe(target[0], target[1])
    post("/invocation/response", json.dumps(out).encode())
`;

const custom = { runtime: 'CustomRuntime', handler: 'index.main_handler', timeoutMs: 10_000, initTimeoutMs: 10_000 };

t.test('a custom runtime listening on a port: refused from the host, its API inside its namespace', { skip: NOT_HERE }, async (t) => {
  const { ex, deploy } = processExecutor(t);
  t.equal(ex.network, 'namespace', ex.describeNetwork());
  // A host service on every address: reachable through the link by the host's own address, never
  // through 127.0.0.1 (the function's own loopback).
  const probe = await hostServiceProbes(t);
  const fn = deploy({ scf_bootstrap: { data: LISTENING_BOOTSTRAP, mode: 0o755 } }, custom);
  const r = await checkOwnNamespace(t, fn, probe);
  t.same(r.api, ['127.0.0.1', '9001'], 'the runtime API at 127.0.0.1:9001 inside the namespace');
});

t.test('the sh + curl sample runs in its own namespace', { skip: NOT_HERE || NO_CURL }, async (t) => {
  const { deploy } = processExecutor(t);
  const dir = path.join(__dirname, '..', 'samples', 'custom-shell');
  const files = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, { data: fs.readFileSync(path.join(dir, f)), mode: fs.statSync(path.join(dir, f)).mode & 0o777 }]));
  const fn = deploy(files, custom);
  for (const event of [{ n: 1 }, { n: 2 }]) {
    const r = await fn.invoke(event);
    t.equal(r.kind, 'ok', r.errorMessage);
    t.same(JSON.parse(r.result).event, event, 'the event echoed back');
  }
  const failed = await fn.invoke({ fail: true });
  t.equal(failed.kind, 'user_error');
  t.match(failed.errorMessage, /asked to fail/);
});

t.test('forced onto the host network, the same port is reachable (what the namespace prevents)', async (t) => {
  const { ex, deploy } = processExecutor(t, { network: 'port' });
  t.match(ex.describeNetwork(), /WEAKER ISOLATION/);
  const fn = deploy({ scf_bootstrap: { data: LISTENING_BOOTSTRAP, mode: 0o755 } }, custom);
  const first = await fn.invoke({});
  t.equal(first.kind, 'ok', first.errorMessage);
  const r = JSON.parse(first.result);
  t.not(r.api[1], '9001', 'an ephemeral port on the host\'s loopback');
  t.equal(await tryConnect(r.port), 'connected');
});
