'use strict';
// What the network-namespace tests probe with: connection attempts from the host, the host's own
// address, and the Python code a function uses to listen on its loopback and probe addresses.
const net = require('node:net');
const os = require('node:os');

/** Resolves with 'connected' or the error code of a connection attempt from this (the host's) namespace. */
function tryConnect(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (err) => resolve(err.code));
  });
}

/** A non-loopback IPv4 address of this host, or null. */
function hostAddress() {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

/**
 * A host service on every address (closed at teardown) and the probes a function is given: the
 * host's 127.0.0.1 (must not be the function's) and the host's own address (outbound through the link).
 */
async function hostServiceProbes(t) {
  const host = net.createServer((s) => s.destroy());
  await new Promise((r) => host.listen(0, '0.0.0.0', r));
  t.teardown(() => host.close());
  const port = host.address().port;
  const address = hostAddress();
  return { hostLoopback: ['127.0.0.1', port], ...(address ? { hostAddress: [address, port] } : {}) };
}

/**
 * Invokes `fn` (a function built on LISTEN_AND_PROBE_PY answering {port, own, <probe names>…}) with
 * the probes, checks what an own namespace means — its port its own, refused from the host, the
 * host's 127.0.0.1 not reachable, outbound through the link — and that the warm instance keeps
 * working. Resolves with the first result.
 */
async function checkOwnNamespace(t, fn, probe) {
  const first = await fn.invoke({ probe });
  t.equal(first.kind, 'ok', first.errorMessage);
  const r = JSON.parse(first.result);
  t.equal(r.own, 'connected', 'the function reaches its own port');
  t.equal(await tryConnect(r.port), 'ECONNREFUSED', 'the host cannot reach the function\'s port');
  t.equal(r.hostLoopback, 'ConnectionRefusedError', 'the host\'s 127.0.0.1 is not the function\'s');
  if (probe.hostAddress) t.equal(r.hostAddress, 'connected', 'outbound traffic leaves through the link');
  const second = await fn.invoke({});
  t.equal(second.kind, 'ok', 'the warm instance still works');
  t.equal(second.instanceId, first.instanceId);
  return r;
}

// Python (module level): listens on a free port of the instance's loopback, kept open by a thread
// while the instance is warm (PORT); probe(host, port) → 'connected' or the exception's name.
const LISTEN_AND_PROBE_PY = `
import socket, threading
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(8)
PORT = srv.getsockname()[1]
threading.Thread(target=lambda: [srv.accept()[0].close() for _ in iter(int, 1)], daemon=True).start()

def probe(host, port):
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((host, port))
        return 'connected'
    except OSError as e:
        return type(e).__name__
    finally:
        s.close()
`;

module.exports = { tryConnect, hostAddress, hostServiceProbes, checkOwnNamespace, LISTEN_AND_PROBE_PY };
