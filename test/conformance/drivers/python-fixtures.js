'use strict';
// The conformance fixtures in Python for the process executor: name → { files, handler }.
// What each fixture must do is in test/conformance/README.md; keep the two in step. Absent: the
// JavaScript-only shapes (promise, callback) and the web fixtures (the driver says why).

const main = (body) => ({ files: { 'index.py': body }, handler: 'index.main_handler' });

module.exports = {
  'echo-event': main('def main_handler(event, context):\n    return event\n'),
  'async-result': main(`import asyncio
async def work():
    await asyncio.sleep(0.005)
    return 'async'
def main_handler(event, context):
    return asyncio.run(work())
`),
  'returns-undefined': main('def main_handler(event, context):\n    pass\n'),
  'throws': main(`def inner():
    raise Exception('boom')
def main_handler(event, context):
    print('about to fail')
    inner()
`),
  'throws-async': main(`import time
def main_handler(event, context):
    time.sleep(0.005)
    raise Exception('later')
`),
  'no-handler': main('def other(event, context):\n    return 1\n'),
  'no-module': { files: { 'index.py': 'def main_handler(event, context):\n    return 1\n' }, handler: 'nothere.main_handler' },
  'init-throws': main("print('before')\nraise Exception('bad init')\ndef main_handler(event, context):\n    return 1\n"),
  'init-busy-loop': main('while True:\n    pass\ndef main_handler(event, context):\n    return 1\n'),
  'context-dump': main(`import time
def main_handler(event, context):
    if event.get('sleep_ms'):
        time.sleep(event['sleep_ms'] / 1000)
    keys = ['request_id', 'function_name', 'function_version', 'namespace', 'memory_limit_in_mb', 'time_limit_in_ms', 'environment']
    out = {k: context[k] for k in keys}
    out['remaining_time_in_ms'] = context.get_remaining_time_in_millis()
    return out
`),
  'env-dump': main('import os\ndef main_handler(event, context):\n    return dict(os.environ)\n'),
  'never-settles': main("import time\ndef main_handler(event, context):\n    print('waiting')\n    time.sleep(3600)\n"),
  'busy-loop': main("def main_handler(event, context):\n    print('spinning')\n    while True:\n        pass\n"),
  'counter-global': main(`import time
count = 0
print('init once')
def main_handler(event, context):
    global count
    count += 1
    if event.get('sleep_ms'):
        time.sleep(event['sleep_ms'] / 1000)
    if event.get('spin'):
        while True:
            pass
    return count
`),
  'sleep-echo': main("import time\ndef main_handler(event, context):\n    time.sleep(event.get('sleep_ms', 0) / 1000)\n    return event\n"),
  'alloc-forever': main('def main_handler(event, context):\n    held = []\n    while True:\n        held.append(bytearray(1024 * 1024))\n'),
  'alloc-some': main(`def main_handler(event, context):
    held = [bytearray(1024 * 1024) for _ in range(event['mb'])]
    return len(held)
`),
  'logs-levels': main(`import logging, time
logger = logging.getLogger()
logger.setLevel(logging.DEBUG)
def main_handler(event, context):
    print('plain')
    logger.info('i')
    logger.warning('w')
    logger.error('e')
    logger.debug('d')
    time.sleep(0.002)
    print('after timer')
    return 1
`),
  'logs-flood': main(`def main_handler(event, context):
    if event.get('long'):
        print('y' * event['long'])
    line = 'x' * event.get('width', 1)
    for _ in range(event.get('lines', 0)):
        print(line)
    return 'done'
`),
};
