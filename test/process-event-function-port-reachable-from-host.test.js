'use strict';
// The failure: an event function's listening port reachable from the host. As root with slirp4netns,
// each event-function instance has its own network namespace: a Go function's rpc port and a port a
// Python function listens on are refused from the host while the functions keep working (the
// server reaches the Go port inside the namespace), and outbound traffic still leaves through the
// link (to the host's non-loopback address) while the host's 127.0.0.1 stays out of reach.
const t = require('tap');
const fs = require('node:fs');
const { processExecutor } = require('./helpers/process-executor');
const { tryConnect, hostServiceProbes, checkOwnNamespace, LISTEN_AND_PROBE_PY } = require('./helpers/network-probes');
const { findGo, buildGoFunction } = require('./conformance/drivers/go-fixtures');

// Where the server gives instances their own namespace (native/sandbox detectNetworkMode).
const CAN_ISOLATE = process.getuid() === 0 && fs.existsSync('/usr/bin/slirp4netns');
const NOT_HERE = !CAN_ISOLATE && 'not root, or no /usr/bin/slirp4netns (Debian slirp4netns): event functions stay on the host network';
const NO_GO = findGo() === null && 'go not found in PATH (Debian: golang-go)';
let goBinary = null;
const goFunction = () => ({ main: { data: (goBinary ??= buildGoFunction()), mode: 0o755 }, fixture: 'env-dump' });

// Module init: listens on a free port of the instance's loopback (kept open by a thread), so the
// port stays open while the instance is warm. The handler connects to an address it is given.
const LISTENER_PY = `${LISTEN_AND_PROBE_PY}
def main_handler(event, context):
    out = {'port': PORT, 'own': probe('127.0.0.1', PORT)}
    for name, target in event.get('probe', {}).items():
        out[name] = probe(target[0], target[1])
    return out
`;

t.test('a Python function listening on a port: refused from the host, reachable inside', { skip: NOT_HERE }, async (t) => {
  const { ex, deploy } = processExecutor(t);
  t.equal(ex.network, 'namespace', ex.describeNetwork());
  // A host service on every address: the function reaches it through the link by the host's own
  // address (outbound works), never through 127.0.0.1 (its own loopback).
  const probe = await hostServiceProbes(t);
  const fn = deploy({ 'index.py': LISTENER_PY }, { timeoutMs: 10_000 });
  await checkOwnNamespace(t, fn, probe);
});

t.test('a Go function\'s rpc port: refused from the host, the server still invokes it', { skip: NOT_HERE || NO_GO }, async (t) => {
  const { ex, deploy } = processExecutor(t);
  t.equal(ex.network, 'namespace', ex.describeNetwork());
  const fn = deploy(goFunction(), { runtime: 'Go1', handler: 'main', timeoutMs: 10_000 });
  const first = await fn.invoke({});
  t.equal(first.kind, 'ok', first.errorMessage);
  const port = Number(JSON.parse(first.result)._LAMBDA_SERVER_PORT);
  t.ok(port > 0, `the rpc port (${port})`);
  t.equal(await tryConnect(port), 'ECONNREFUSED', 'the host cannot reach the Go function\'s rpc port');
  const second = await fn.invoke({});
  t.equal(second.kind, 'ok', 'the warm instance still answers through the namespace');
  t.equal(second.instanceId, first.instanceId);
});

t.test('forced onto the host network, the same Go port is reachable (what the namespace prevents)', { skip: NO_GO }, async (t) => {
  const { ex, deploy } = processExecutor(t, { network: 'port' });
  t.match(ex.describeNetwork(), /WEAKER ISOLATION/);
  const fn = deploy(goFunction(), { runtime: 'Go1', handler: 'main', timeoutMs: 10_000 });
  const first = await fn.invoke({});
  t.equal(first.kind, 'ok', first.errorMessage);
  t.equal(await tryConnect(Number(JSON.parse(first.result)._LAMBDA_SERVER_PORT)), 'connected');
});
