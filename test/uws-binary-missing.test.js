'use strict';
// The uWS build has no JavaScript fallback: when its binary does not load
// (another Node ABI, an older glibc), `require` throws. The server must
// refuse to start with a message saying what the binary needs, not crash
// with a stack trace or listen half-started. The failing load is simulated
// by a preload that makes `require('uWebSockets.js')` throw the package
// loader's own error.
const t = require('tap');
const path = require('node:path');
const { startServer } = require('./helpers/server');

const PRELOAD = `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'uWebSockets.js') {
    throw new Error('This version of uWS.js (v20.51.0) supports only Node.js versions 18, 20, 22 and 23 on (glibc) Linux, macOS and Windows.\\n\\n' +
      "Error: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.38' not found (required by uws_linux_x64_115.node)");
  }
  return load.call(this, request, ...rest);
};
`;

t.test('no loadable binary: refuses to start, saying what it needs', async (t) => {
  const dir = t.testdir({ 'preload.js': PRELOAD });
  const started = startServer(t, { env: { NODE_OPTIONS: `--require ${path.join(dir, 'preload.js')}` } });
  const err = await started.then(
    () => undefined,
    (e) => e,
  );
  t.ok(err, 'the server did not start');
  t.match(err.message, /exited \(1\) before listening/, 'it exited with status 1');
  t.match(err.message, /uWebSockets\.js could not load its native binary for this platform \(node \d+\.\d+\.\d+, ABI \d+, linux-x64\)/, 'naming Node, its ABI and the platform');
  t.match(err.message, /Node 18, 20, 22 or 23 with glibc >= 2\.27/, 'and what the binaries need');
  t.match(err.message, /Loader said: Error: .*GLIBC_2\.38' not found/, "and the loader's reason");
  t.notMatch(err.message, /\n\s+at /, 'no stack trace');
});
