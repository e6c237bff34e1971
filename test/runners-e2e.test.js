'use strict';
// Python and Node.js event functions in subprocesses, through the official SDK against a real server
// (issue 12): deploy, invoke, results, errors with their status, logs with RequestId and the Init
// Report, the interpreter named by GetFunction, Node.js built-ins (fs on the instance's temp dir,
// https, Buffer), reserved concurrency 0 still 432.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');

const PY = `import logging, os, tempfile
logger = logging.getLogger()
count = 0
print('init python')
def main_handler(event, context):
    global count
    count += 1
    print('hello', event['name'])
    logger.warning('careful')
    path = os.path.join(tempfile.gettempdir(), 'seen.txt')
    with open(path, 'a') as f:
        f.write(event['name'] + '\\n')
    with open(path) as f:
        seen = f.read().split()
    return {'hi': event['name'], 'count': count, 'request_id': context['request_id'], 'seen': seen,
            'region': context['tencentcloud_region'], 'runenv': os.environ['TENCENTCLOUD_RUNENV'],
            'code_root': os.environ['USER_CODE_ROOT'] == os.getcwd(), 'fn': os.environ['SCF_FUNCTIONNAME']}
`;

const NODE = `const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
console.log('init node');
exports.main_handler = async (event, context) => {
  const file = path.join(os.tmpdir(), 'note.txt');
  fs.writeFileSync(file, Buffer.from(event.text, 'utf8'));
  const agent = new https.Agent({ keepAlive: true });
  console.info('wrote', fs.statSync(file).size, 'bytes');
  return { back: fs.readFileSync(file, 'utf8'), agent: agent instanceof https.Agent, node: process.version, requestId: context.request_id };
};`;

t.test('Python and Node.js functions run in subprocesses', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'py', { 'index.py': PY }, { Runtime: 'Python3.9' });
  await createFunction(client, 'nodefs', { 'index.js': NODE }, { Runtime: 'Nodejs16.13' });

  const py = await client.GetFunction({ FunctionName: 'py' });
  t.match(py.StatusDesc, /python3 \(Python 3\.\d+/, `GetFunction names the interpreter: ${py.StatusDesc}`);
  t.match((await client.GetFunction({ FunctionName: 'nodefs' })).StatusDesc, /Node\.js 20\./);

  const first = await invoke(client, 'py', { name: 'ana' });
  t.equal(first.InvokeResult, 0, first.ErrMsg);
  const body = JSON.parse(first.RetMsg);
  t.match(body, { hi: 'ana', count: 1, seen: ['ana'], region: 'ap-guangzhou', runenv: 'SCF', code_root: true, fn: 'py' });
  t.equal(body.request_id, first.FunctionRequestId);
  const lines = first.Log.trimEnd().split('\n');
  t.equal(lines[0], `START RequestId: ${first.FunctionRequestId}`);
  t.match(lines[1], /^Init Report RequestId: \S+ Coldstart:[\d.]+ms PullCode:[\d.]+ms InitRuntime:[\d.]+ms InitFunction:[\d.]+ms$/);
  t.match(first.Log, new RegExp(`\\t${first.FunctionRequestId}\\t\\w+\\tinit python`), 'init output in the first call');
  t.match(first.Log, new RegExp(`\\t${first.FunctionRequestId}\\t\\w+\\thello ana`));
  t.match(first.Log, /\tWARN\tcareful/, 'logging keeps its level');
  t.match(lines.at(-1), /StatusCode:200$/);

  const second = await invoke(client, 'py', { name: 'bo' });
  t.match(JSON.parse(second.RetMsg), { count: 2, seen: ['ana', 'bo'] }, 'warm: module state and /tmp survive');
  t.notMatch(second.Log, /Init Report|init python/);

  const node = await invoke(client, 'nodefs', { text: 'héllo' });
  t.equal(node.InvokeResult, 0, node.ErrMsg);
  t.match(JSON.parse(node.RetMsg), { back: 'héllo', agent: true, node: process.version, requestId: node.FunctionRequestId });
  t.match(node.Log, /\tINFO\twrote 6 bytes/);

  // A user error: 430 with the Python exception's type and message; the stack goes to the log.
  await createFunction(client, 'pyerr', { 'index.py': 'def main_handler(event, context):\n    raise ValueError("nope")\n' }, { Runtime: 'Python3.10' });
  const err = await invoke(client, 'pyerr');
  t.equal(err.InvokeResult, 430);
  t.match(JSON.parse(err.ErrMsg), { errorMessage: 'UserCodeException', statusCode: 430 });
  t.match(err.Log, /ValueError: nope/, 'the type and message go to the log');
  t.match(err.Log, /Traceback[\s\S]*index\.py/, 'with the stack');

  // Reserved concurrency 0 disables a process function as any other: 432, nothing started.
  await client.PutReservedConcurrencyConfig({ FunctionName: 'py', ReservedConcurrencyMem: 0 });
  const throttled = await invoke(client, 'py', { name: 'cy' });
  t.equal(throttled.InvokeResult, 432);
});

t.test('the nodejsExecutor setting routes the Node.js names to isolates', async (t) => {
  const server = await startServer(t, { args: ['--nodejs-executor', 'isolate'] });
  const client = server.client();
  await createFunction(client, 'iso', { 'index.js': "exports.main_handler = () => { try { require('fs'); return 'fs'; } catch (e) { return e.code; } };" }, { Runtime: 'Nodejs18.15' });
  t.equal((await invoke(client, 'iso')).RetMsg, '"ERR_BUILTIN_NOT_AVAILABLE"', 'no Node.js built-ins in an isolate');
  t.match((await client.GetFunction({ FunctionName: 'iso' })).StatusDesc, /isolate/);
});
