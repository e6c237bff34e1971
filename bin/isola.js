#!/usr/bin/env node
'use strict';
// Entry point of the `isola` command. The server's isolate hosts need Node
// started with --no-node-snapshot (isolated-vm); rather than asking every
// user to pass it, `isola serve` re-execs once and forwards signals so
// `kill <pid>` of this process stops the server too. Client commands skip the
// re-exec: starting Node without its snapshot costs several hundred ms.
const { spawn } = require('node:child_process');
const path = require('node:path');

if (process.execArgv.includes('--no-node-snapshot') || process.argv[2] !== 'serve') {
  require(path.join(__dirname, '..', 'dist', 'cli', 'main.js')).main(process.argv.slice(2));
} else {
  const child = spawn(process.execPath, ['--no-node-snapshot', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
