'use strict';
// Runs the `isola` CLI as a child process, the way a user runs it.
const { spawn } = require('node:child_process');
const { BIN } = require('./server');

/**
 * Runs `isola <args>`, pointed at `server` (from helpers/server.js: its
 * endpoint and data dir, whose credentials the CLI reads) unless it is null;
 * resolves with `{ code, stdout, stderr }`. The child gets this process's
 * environment without ISOLA_* variables, plus `env`; `input` is its stdin
 * (default empty).
 */
function isola(server, args, { env = {}, input } = {}) {
  const connection = server ? ['--endpoint', `127.0.0.1:${server.port}`, '--data-dir', server.dataDir] : [];
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ISOLA_')));
  return runCommand(process.execPath, [BIN, ...args, ...connection], { env: { ...cleanEnv, ...env }, input });
}

/** Runs `command args` (in `cwd`, with exactly `env`); resolves with `{ code, stdout, stderr }`. */
function runCommand(command, args, { cwd, env, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

module.exports = { isola, runCommand };
