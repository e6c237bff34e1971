'use strict';
// An instance cannot open files without end: RLIMIT_NOFILE (the instance limit openFiles) refuses
// more, the function sees EMFILE as its own error, and the instance keeps serving.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');

t.test('opening files past the limit fails with EMFILE inside the function', async (t) => {
  const { deploy } = processExecutor(t, { limits: { openFiles: 64 } });
  const fn = deploy({ 'index.py': `import os
held = []
def main_handler(event, context):
    while True:
        held.append(os.open('/dev/null', os.O_RDONLY))
` });
  const o = await fn.invoke({});
  t.equal(o.kind, 'user_error');
  t.match(o.errorMessage, /Too many open files/);
  t.ok(o.errorStack.includes('index.py'));
});
