'use strict';
// An in-process platform (core's startPlatform over a temp data dir) with a
// fake clock for the async queue, and helpers to let the consumer finish
// what the clock made due.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startPlatform } = require('../../dist/core/platform');
const { resolveConfig } = require('../../dist/core/config');
const { makeZip } = require('./zip');
const { fakeClock } = require('./fake-clock');

/**
 * `reuse`: `{dataDir, clock}` of an earlier platform (closed first) — a
 * restart on the same data directory and time; the first one removes the
 * directory at teardown.
 */
async function asyncPlatform(t, overrides = {}, reuse = undefined) {
  const dataDir = reuse ? reuse.dataDir : fs.mkdtempSync(path.join(os.tmpdir(), 'isola-async-'));
  const clock = reuse ? reuse.clock : fakeClock();
  const config = resolveConfig({ dataDir, deploySample: false, isolateHosts: 1, ...overrides });
  // random 1 → every back-off is its full, un-jittered length: exact delays to assert.
  const { platform } = await startPlatform(config, { clock, random: () => 1 });
  t.teardown(async () => {
    await platform.close();
    if (!reuse) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const create = (name, source, params = {}) =>
    platform.functions.create('default', name, {
      Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: { ZipFile: makeZip({ 'index.js': source }).toString('base64') }, ...params,
    });
  /** Lets wakes and timers already due run, then waits until nothing runs and every settle is committed. */
  const settled = async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setImmediate(r));
      await platform.async.consumer.idle();
    }
  };
  /** Advances the fake clock and waits for what became due. */
  const advance = async (ms) => {
    clock.advance(ms);
    await settled();
  };
  /** The committed log records of one request, oldest first. */
  const logsOf = async (functionName, requestId) => {
    await platform.logs.settle();
    const page = platform.logs.search({ namespace: 'default', functionName, requestId, startTime: 0, endTime: Date.now() + 1000, order: 'asc', limit: 100 });
    return page.items;
  };
  return { platform, clock, create, settled, advance, logsOf, dataDir };
}

module.exports = { asyncPlatform };
