'use strict';
// The failure: a confined command running before its caller has prepared what it needs at its
// first instruction (a custom runtime's API inside the instance's network namespace). With
// `startGate`, the launcher holds the command until one line arrives on fd 4 and closes fd 4
// before the exec; EOF there ends the launcher without running the command. Both launchers.
const t = require('tap');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { GATE_FD } = require('../dist/native');
const { needsRoot, sandboxOn, LIMITS } = require('./helpers/confined');

// Says it ran, and whether fd 4 reached it.
const COMMAND = `
import os
try:
    os.fstat(${GATE_FD})
    gate = 'open'
except OSError:
    gate = 'closed'
print('ran, fd ${GATE_FD} ' + gate, flush=True)
`;

/** Confines COMMAND with a start gate and spawns it with a pipe on fd 4; resolves once it printed or exited. */
async function gated(t, box, id) {
  const instance = await box.sandbox.confine({
    instanceId: id, codeDir: path.join(box.dataDir, 'code', 'fn1'), layerDirs: [], limits: LIMITS,
    command: '/usr/bin/python3', args: ['-c', COMMAND], startGate: true,
  });
  t.teardown(() => instance.dispose());
  const child = spawn(instance.command, instance.args, { cwd: instance.cwd, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, gate: child.stdio[GATE_FD], exited, output: () => out, stderr: () => err };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const [name, options, opts] of [['privileged', {}, needsRoot], ['unprivileged', { enabled: false }, {}]]) {
  t.test(`${name}: the command waits for the go, then runs without fd ${GATE_FD}`, opts, async (t) => {
    const box = sandboxOn(t, options);
    const p = await gated(t, box, `gate-go-${name}`);
    // Long enough for the launcher's own steps (≈ 45 ms confined, more under load).
    await sleep(1500);
    t.equal(p.output(), '', 'nothing ran before the go');
    t.equal(p.child.exitCode, null, 'the launcher is still waiting');
    p.gate.end('go\n');
    t.equal(await p.exited, 0, p.stderr());
    t.equal(p.output(), `ran, fd ${GATE_FD} closed\n`);
  });

  t.test(`${name}: the caller gone (EOF on fd ${GATE_FD}) — the command never runs`, opts, async (t) => {
    const box = sandboxOn(t, options);
    const p = await gated(t, box, `gate-eof-${name}`);
    p.gate.end();
    t.not(await p.exited, 0, 'the launcher ended');
    t.equal(p.output(), '', 'the command did not run');
  });
}
