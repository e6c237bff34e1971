#!/usr/bin/env node
'use strict';
// Entry point of the `isola` command. isolated-vm needs Node started with
// --no-node-snapshot; rather than asking every user to pass it, re-exec once
// and forward signals so `kill <pid>` of this process stops the server too.
const { spawn } = require('node:child_process');
const path = require('node:path');

if (process.execArgv.includes('--no-node-snapshot')) {
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
