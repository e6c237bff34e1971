'use strict';
// The conformance fixtures in PHP for the process executor: name → { files, handler }.
// What each fixture must do is in test/conformance/README.md; keep the two in step. Absent: the
// JavaScript-only shapes (promise, callback) and the web fixtures (the driver says why).

const main = (body) => ({ files: { 'index.php': `<?php\n${body}` }, handler: 'index.main_handler' });

module.exports = {
  'echo-event': main('function main_handler($event, $context) { return $event; }\n'),
  'async-result': main(`function work() { usleep(5000); return 'async'; }
// PHP has no async functions: a Fiber is its suspendable unit, run to completion here.
function main_handler($event, $context) {
    $fiber = new Fiber(function () { Fiber::suspend(); return work(); });
    $fiber->start();
    $fiber->resume();
    return $fiber->getReturn();
}
`),
  'returns-undefined': main('function main_handler($event, $context) { }\n'),
  'throws': main(`function inner() { throw new Exception('boom'); }
function main_handler($event, $context) {
    echo "about to fail\\n";
    inner();
}
`),
  'throws-async': main("function main_handler($event, $context) { usleep(5000); throw new Exception('later'); }\n"),
  'no-handler': main('function other($event, $context) { return 1; }\n'),
  'no-module': { files: { 'index.php': '<?php\nfunction main_handler($event, $context) { return 1; }\n' }, handler: 'nothere.main_handler' },
  'init-throws': main("echo \"before\\n\";\nthrow new Exception('bad init');\nfunction main_handler($event, $context) { return 1; }\n"),
  'init-busy-loop': main('while (true) { }\nfunction main_handler($event, $context) { return 1; }\n'),
  'context-dump': main(`function main_handler($event, $context) {
    if (isset($event->sleep_ms)) usleep($event->sleep_ms * 1000);
    $out = [];
    foreach (['request_id', 'function_name', 'function_version', 'namespace', 'memory_limit_in_mb', 'time_limit_in_ms', 'environment'] as $k) $out[$k] = $context->$k;
    $out['remaining_time_in_ms'] = $context->get_remaining_time_in_millis();
    return $out;
}
`),
  'env-dump': main('function main_handler($event, $context) { return (object) getenv(); }\n'),
  'never-settles': main('function main_handler($event, $context) { echo "waiting\\n"; sleep(3600); }\n'),
  'busy-loop': main('function main_handler($event, $context) { echo "spinning\\n"; while (true) { } }\n'),
  'counter-global': main(`$count = 0;
echo "init once\\n";
function main_handler($event, $context) {
    global $count;
    $count++;
    if (isset($event->sleep_ms)) usleep($event->sleep_ms * 1000);
    if (!empty($event->spin)) while (true) { }
    return $count;
}
`),
  'sleep-echo': main('function main_handler($event, $context) { usleep(($event->sleep_ms ?? 0) * 1000); return $event; }\n'),
  'alloc-forever': main("function main_handler($event, $context) { $held = []; while (true) $held[] = str_repeat('x', 1024 * 1024); }\n"),
  'alloc-some': main(`function main_handler($event, $context) {
    $held = [];
    for ($i = 0; $i < $event->mb; $i++) $held[] = str_repeat('m', 1024 * 1024 - 16) . $i;
    return count($held);
}
`),
  'logs-levels': main(`function main_handler($event, $context) {
    echo "plain\\n";
    trigger_error('i', E_USER_NOTICE);
    trigger_error('w', E_USER_WARNING);
    trigger_error('e', E_USER_ERROR);
    trigger_error('d', E_USER_DEPRECATED);
    usleep(2000);
    echo "after timer\\n";
    return 1;
}
`),
  'logs-flood': main(`function main_handler($event, $context) {
    if (!empty($event->long)) echo str_repeat('y', $event->long), "\\n";
    $line = str_repeat('x', $event->width ?? 1);
    for ($i = 0; $i < ($event->lines ?? 0); $i++) echo $line, "\\n";
    return 'done';
}
`),
};
