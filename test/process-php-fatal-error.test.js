'use strict';
// A PHP fatal error that no try/catch can catch (here: a file included during the call redeclares
// a function) ends the call as 430 with PHP's message and what was echoed before it; the process is
// gone, so the next call starts a fresh instance and succeeds.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');

t.test('a fatal error: user_error with the message; the next call on a new instance', async (t) => {
  const { deploy } = processExecutor(t);
  const fn = deploy({
    'index.php': `<?php
function helper() { return 1; }
function main_handler($event, $context) {
    echo "before the fatal\\n";
    if (!empty($event->fatal)) require __DIR__ . '/redeclare.php';
    return 'fine';
}
`,
    'redeclare.php': '<?php\nfunction helper() { return 2; }\n',
  }, { runtime: 'Php8.0', handler: 'index.main_handler', timeoutMs: 5000 });

  const o = await fn.invoke({ fatal: true });
  t.equal(o.kind, 'user_error');
  t.match(o.errorMessage, /^PHP Fatal error: Cannot redeclare helper\(\)/);
  t.match(o.errorStack, /redeclare\.php:\d+/, 'where it happened');
  t.same(o.logs.map((l) => l.message), ['before the fatal'], 'the output before it is the call\'s');

  const next = await fn.invoke({});
  t.equal(next.kind, 'ok', next.errorMessage);
  t.equal(next.result, '"fine"');
  t.not(next.instanceId, o.instanceId, 'a new instance: the one that died is not reused');
});
