'use strict';
// Hostile: a confined function tries to signal the server (this test process), another
// instance, and to ptrace them. Different uids, no capabilities: EPERM each time, and the
// server and the other instance run on.
const t = require('tap');
const { needsRoot, sandboxOn, confine, start, runPython, until } = require('./helpers/confined');

t.test('signals and ptrace are refused', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const other = await confine(t, box, { id: 'other-1', args: ['-c', 'print("up", flush=True); import time; time.sleep(60)'] });
  const running = start(other);
  await until(() => running.out.stdout.includes('up'));
  const r = await runPython(t, box, { id: 'killer-1' }, `
import ctypes, json, os, signal
libc = ctypes.CDLL(None, use_errno=True)
def kill(pid, sig):
    try:
        os.kill(pid, sig); return 'sent'
    except OSError as err:
        return type(err).__name__
def ptrace(pid):
    PTRACE_ATTACH = 16
    return 'attached' if libc.ptrace(PTRACE_ATTACH, pid, None, None) == 0 else os.strerror(ctypes.get_errno())
print(json.dumps({
  'server': kill(${process.pid}, signal.SIGKILL), 'serverGroup': kill(-${process.pid}, signal.SIGTERM),
  'other': kill(${running.child.pid}, signal.SIGKILL), 'init': kill(1, signal.SIGTERM), 'everyone': kill(-1, signal.SIGKILL),
  'ptraceServer': ptrace(${process.pid}), 'ptraceOther': ptrace(${running.child.pid}),
}))`);
  t.equal(r.code, 0, r.stderr);
  t.match(r.json, {
    server: 'PermissionError', serverGroup: /PermissionError|ProcessLookupError/, other: 'PermissionError', init: 'PermissionError',
    ptraceServer: 'Operation not permitted', ptraceOther: 'Operation not permitted',
  });
  // kill(-1) succeeds in signalling the processes of its own uid only (itself): it exits by it, or reports.
  t.ok(running.child.exitCode === null && running.child.signalCode === null, 'the other instance runs on');
  t.pass('the server runs on');
});
