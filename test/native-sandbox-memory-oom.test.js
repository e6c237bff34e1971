'use strict';
// Hostile: a confined function allocates past its memory limit. The memory cgroup's OOM killer
// kills it (SIGKILL), oomKilled() says so (an exit the executor reports as 434), and the
// instance's peak memory is at the limit; a bystander instance is unaffected.
const t = require('tap');
const { needsRoot, sandboxOn, runPython } = require('./helpers/confined');

t.test('allocating past the limit is killed and told apart', needsRoot, async (t) => {
  const box = sandboxOn(t);
  const limitMb = 64;
  const r = await runPython(t, box, { id: 'hog-1', limits: { memoryMb: limitMb } }, `
chunks = []
for i in range(400):
    chunks.append(bytearray(1024 * 1024))  # touched: really resident
print('survived', flush=True)`);
  t.equal(r.signal, 'SIGKILL', 'killed');
  t.notMatch(r.stdout, /survived/);
  t.equal(r.instance.oomKilled(), true, 'oomKilled()');
  const peak = r.instance.memoryBytes();
  t.ok(peak > (limitMb - 16) * 1024 * 1024 && peak <= limitMb * 1024 * 1024, `peak ${peak} bytes at the ${limitMb} MB limit`);

  const calm = await runPython(t, box, { id: 'calm-1', limits: { memoryMb: limitMb } }, 'x = bytearray(8 * 1024 * 1024); print("fine")');
  t.equal(calm.code, 0, calm.stderr);
  t.equal(calm.instance.oomKilled(), false, 'a normal exit is not an OOM');
  t.ok(calm.instance.memoryBytes() > 8 * 1024 * 1024);
});
