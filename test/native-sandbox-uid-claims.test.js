'use strict';
// Two servers on one machine share the uid range. A uid whose claim another server released
// between this server's failed create and its read must be taken without killing anything:
// the uid may already run a third server's fresh instance. (It was treated as an orphan, and
// every process under the uid was SIGKILLed: a Java runtime died ~1 s into its start in CI.)
const t = require('tap');
const fs = require('node:fs');
const { needsRoot, sandboxOn, confine, start, running, until } = require('./helpers/confined');

// A range of one uid of its own, so the two sandboxes contend for it and no other test does.
const RANGE = { uidBase: 1_900_000_000 + (process.pid % 1000) * 10, uidCount: 1 };

t.test('a claim released after the failed create is taken without a kill', needsRoot, async (t) => {
  const first = sandboxOn(t, RANGE);
  const held = await confine(t, first, { id: 'holder-1', args: ['-c', 'import time; print("up", flush=True); time.sleep(60)'] });
  const run = start(held);
  await until(() => run.out.stdout.includes('up'), 10_000);
  const claim = `/run/isola-sandbox/uids/${held.uid}`;
  t.ok(fs.existsSync(claim), 'the uid is claimed');

  // The other server's exclusive create fails; in that instant the claim is released while a
  // process of the uid runs (as if a third server had claimed it and started an instance).
  const second = sandboxOn(t, RANGE);
  const writeFileSync = fs.writeFileSync;
  let raced = false;
  fs.writeFileSync = function (file, ...rest) {
    try {
      return writeFileSync.call(this, file, ...rest);
    } catch (err) {
      if (!raced && file === claim && err.code === 'EEXIST') {
        raced = true;
        fs.unlinkSync(claim);
      }
      throw err;
    }
  };
  t.teardown(() => { fs.writeFileSync = writeFileSync; });
  const taken = await confine(t, second, { id: 'taker-1', args: ['-c', 'pass'] });
  fs.writeFileSync = writeFileSync;
  t.ok(raced, 'the race was staged');
  t.equal(taken.uid, held.uid, 'the released uid is taken');
  await new Promise((r) => setTimeout(r, 200));
  t.ok(running(run.child.pid), 'the running process of the uid was not killed');
  run.child.kill('SIGKILL');
  await run.exited;
});

t.test('a live claim is never taken over', needsRoot, async (t) => {
  const first = sandboxOn(t, RANGE);
  const held = await confine(t, first, { id: 'holder-2', args: ['-c', 'import time; print("up", flush=True); time.sleep(60)'] });
  const run = start(held);
  await until(() => run.out.stdout.includes('up'), 10_000);
  const second = sandboxOn(t, RANGE);
  await t.rejects(confine(t, second, { id: 'taker-2', args: ['-c', 'pass'] }), { code: 'ERR_SANDBOX_UIDS' }, 'the only uid is in use');
  t.ok(running(run.child.pid), 'the holder runs on');
  run.child.kill('SIGKILL');
  await run.exited;
});
