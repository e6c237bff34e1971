'use strict';
// A function that writes without end — through print and straight to fd 1, with and without
// newlines — cannot grow the server's memory: its lines stop at the per-request quota with one
// notice (an endless line is one line, cut at 8 KB), and the invocation ends by its timeout.
const t = require('tap');
const { processExecutor } = require('./helpers/process-executor');

const FLOOD = `import os
def main_handler(event, context):
    chunk = (b'z' * 65536) if event.get('no_newline') else (b'line\\n' * 10000)
    while True:
        if event.get('print'):
            print('p' * 100)
        else:
            os.write(1, chunk)
`;

for (const [name, event] of [['print()', { print: true }], ['fd 1 lines', {}], ['fd 1 without a newline', { no_newline: true }]]) {
  t.test(`flooding ${name}: bounded lines, one notice, timeout`, async (t) => {
    const { deploy } = processExecutor(t);
    const before = process.memoryUsage().rss;
    const o = await deploy({ 'index.py': FLOOD }, { timeoutMs: 1500 }).invoke(event);
    t.equal(o.kind, 'timeout');
    t.ok(o.logs.length <= 5001, `${o.logs.length} lines kept`);
    const bytes = o.logs.reduce((a, l) => a + l.message.length, 0);
    t.ok(bytes <= 1024 * 1024 + 8192 + 200, `${bytes} bytes kept`);
    t.ok(o.logs.every((l) => l.message.length <= 8192), 'every line within the cut');
    if (event.no_newline) t.same(o.logs.map((l) => l.message.length), [8192], 'one endless line: kept cut, the rest dropped');
    else t.ok(/log limit reached/.test(o.logs.at(-1).message), 'the last line is the one notice');
    const grown = process.memoryUsage().rss - before;
    t.ok(grown < 64 * 1024 * 1024, `server RSS grew ${(grown / 1048576).toFixed(1)} MB`);
  });
}
