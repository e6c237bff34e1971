'use strict';
// The `isola` CLI end to end: a real server, the CLI run as a child process
// the way a user runs it, outcomes checked through the official SDK and the
// server's unpacked code trees.
const t = require('tap');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const http = require('node:http');
const { isola } = require('./helpers/cli');
const { startServer, expectApiError, ROOT } = require('./helpers/server');
const { makeZip } = require('./helpers/zip');

/** Every file and symlink under `dir`, relative, sorted. */
function listTree(dir) {
  const out = [];
  const walk = (abs, rel) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(abs, entry.name), childRel);
      else out.push(childRel);
    }
  };
  walk(dir, '');
  return out.sort();
}

const treesOf = (server) => {
  const dir = path.join(server.dataDir, 'code', 'trees');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};

/** A port nothing listens on. */
async function closedPort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** JSON.parse that fails the test (instead of throwing) on bad input. */
function parseJson(t, text, what = 'stdout is JSON') {
  try {
    return JSON.parse(text);
  } catch {
    t.fail(`${what}: ${JSON.stringify(text.slice(0, 200))}`);
    return undefined;
  }
}

const HANDLER = `exports.main_handler = async (event) => {
  console.log('event a =', event.a);
  if (event.fail) throw new Error('asked to fail');
  return { got: event };
};
`;

t.test('help lists every command', async (t) => {
  const { code, stdout } = await isola(null, ['--help']);
  t.equal(code, 0);
  for (const command of ['serve', 'deploy', 'invoke', 'fn', 'ns', 'config']) t.match(stdout, new RegExp(`^  ${command}\\b`, 'm'), command);
});

t.test('cli against a server', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  await t.test('ns create, list (table and --json), rm', async (t) => {
    const created = await isola(server, ['ns', 'create', 'dev', '--description', 'development']);
    t.same(created, { code: 0, stdout: 'created namespace dev\n', stderr: '' });
    t.same((await client.ListNamespaces({})).Namespaces.map((n) => n.Name).sort(), ['default', 'dev'], 'the server has it');

    const table = await isola(server, ['ns', 'list']);
    t.equal(table.code, 0);
    const lines = table.stdout.trimEnd().split('\n');
    t.match(lines[0], /^NAME +MODIFIED +DESCRIPTION$/, 'header');
    t.match(lines[1], /^default +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\S/, 'default row');
    t.match(lines[2], /^dev +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +development$/, 'dev row');
    t.equal(lines[1].indexOf('20'), lines[2].indexOf('20'), 'columns aligned');

    const json = await isola(server, ['ns', 'list', '--json']);
    t.equal(json.code, 0);
    const parsed = parseJson(t, json.stdout) ?? {};
    t.equal(parsed.TotalCount, 2);
    t.same(parsed.Namespaces.map((n) => n.Name), ['default', 'dev']);
    t.match(parsed.Namespaces[1], { Name: 'dev', Description: 'development', AddTime: String });
    t.notOk('RequestId' in parsed, 'no RequestId noise');

    t.same(await isola(server, ['ns', 'rm', 'dev']), { code: 0, stdout: 'deleted namespace dev\n', stderr: '' });
    t.same((await client.ListNamespaces({})).Namespaces.map((n) => n.Name), ['default'], 'gone on the server');

    const again = await isola(server, ['ns', 'rm', 'dev']);
    t.equal(again.code, 1, 'an API error exits 1');
    t.equal(again.stdout, '');
    t.match(again.stderr, /^isola: ResourceNotFound\.Namespace: .*dev/, 'code and message on stderr');
  });

  const root = t.testdir({
    myfn: {
      'index.js': HANDLER,
      'run.sh': '#!/bin/sh\necho hi\n',
      lib: { 'util.js': 'module.exports = 1;\n', deep: { 'data.json': '{"x":1}\n' } },
      secret: { 'key.pem': 'PRIVATE\n' },
      'debug.log': 'noise\n',
      'keep.log': 'kept by a negation\n',
      '.isolaignore': '# comments work\nsecret/\n*.log\n!keep.log\n',
      '.git': { HEAD: 'ref: refs/heads/main\n' },
      '.DS_Store': 'mac',
    },
  });
  const fnDir = path.join(root, 'myfn');
  fs.chmodSync(path.join(fnDir, 'run.sh'), 0o755);
  let firstCodeSize;

  await t.test('deploy creates a function from a directory, honouring .isolaignore', async (t) => {
    const before = treesOf(server);
    const res = await isola(server, ['deploy', fnDir, '--env', 'A=1', '--env', 'B=2', '--description', 'first']);
    t.equal(res.code, 0, res.stderr);
    t.match(res.stdout, /^created function myfn \(namespace default, Isolate Event\): 5 files, code \d+(\.\d)? (B|KiB), status Active\n$/);

    const fn = await client.GetFunction({ FunctionName: 'myfn' });
    t.match(fn, { FunctionName: 'myfn', Runtime: 'Isolate', Type: 'Event', Handler: 'index.main_handler', Description: 'first', Status: 'Active' });
    t.same(fn.Environment.Variables, [{ Key: 'A', Value: '1' }, { Key: 'B', Value: '2' }]);
    firstCodeSize = fn.CodeSize;
    t.ok(firstCodeSize > 0, 'CodeSize reported');

    const added = treesOf(server).filter((sha) => !before.includes(sha));
    t.equal(added.length, 1, 'one code tree unpacked');
    const tree = path.join(server.dataDir, 'code', 'trees', added[0]);
    t.same(listTree(tree), ['index.js', 'keep.log', 'lib/deep/data.json', 'lib/util.js', 'run.sh'], 'ignored files were not uploaded');
    t.ok(fs.statSync(path.join(tree, 'run.sh')).mode & 0o100, 'run.sh stays executable');
    t.notOk(fs.statSync(path.join(tree, 'index.js')).mode & 0o100, 'index.js is not executable');
  });

  await t.test('deploy again updates the code; ignored files still stay out; config flags apply', async (t) => {
    fs.writeFileSync(path.join(fnDir, 'secret', 'big.bin'), Buffer.alloc(64 * 1024, 7));
    fs.writeFileSync(path.join(fnDir, 'more.log'), 'x'.repeat(10000));
    const same = await isola(server, ['deploy', fnDir]);
    t.equal(same.code, 0, same.stderr);
    t.match(same.stdout, /^updated function myfn \(namespace default, Isolate Event\): 5 files/);
    t.equal((await client.GetFunction({ FunctionName: 'myfn' })).CodeSize, firstCodeSize, 'same bytes: packing is deterministic and ignores new ignored files');

    fs.writeFileSync(path.join(fnDir, 'lib', 'extra.js'), 'module.exports = 2;\n');
    const res = await isola(server, ['deploy', fnDir, '--memory', '256', '--env', 'B=3', '--env', 'C=4']);
    t.equal(res.code, 0, res.stderr);
    t.match(res.stdout, /^updated function myfn .*: 6 files/);
    const fn = await client.GetFunction({ FunctionName: 'myfn' });
    t.not(fn.CodeSize, firstCodeSize, 'new code uploaded');
    t.equal(fn.MemorySize, 256);
    t.same(fn.Environment.Variables, [{ Key: 'A', Value: '1' }, { Key: 'B', Value: '3' }, { Key: 'C', Value: '4' }], '--env merged into the existing variables');
    t.equal(fn.Description, 'first', 'unchanged settings stay');

    const runtime = await isola(server, ['deploy', fnDir, '--runtime', 'Nodejs18.15']);
    t.equal(runtime.code, 1);
    t.match(runtime.stderr, /^isola: function myfn has runtime Isolate; it cannot be changed/);
  });

  await t.test('deploy --json, a ready .zip, and an HTTP function', async (t) => {
    const zipPath = path.join(root, 'zipped.zip');
    fs.writeFileSync(zipPath, makeZip({ 'index.js': HANDLER }));
    const res = await isola(server, ['deploy', zipPath, '--json']);
    t.equal(res.code, 0, res.stderr);
    const out = parseJson(t, res.stdout);
    t.match(out, { Operation: 'created', ZipSize: fs.statSync(zipPath).size, Function: { FunctionName: 'zipped', Runtime: 'Isolate' } });
    t.equal((await client.GetFunction({ FunctionName: 'zipped' })).CodeSize, fs.statSync(zipPath).size, 'the zip was sent as is');

    const web = t.testdir({ 'index.js': 'export default { fetch() { return new Response("hi"); } };\n' });
    const http = await isola(server, ['deploy', web, '--name', 'web', '--type', 'HTTP']);
    t.equal(http.code, 0, http.stderr);
    t.match(http.stdout, /^created function web \(namespace default, Isolate HTTP\)/);
    t.equal((await client.GetFunction({ FunctionName: 'web' })).Type, 'HTTP');

    const badName = t.testdir({ 'index.js': HANDLER });
    const named = await isola(server, ['deploy', badName]);
    t.equal(named.code, 1, 'the testdir base name is not a valid function name');
    t.match(named.stderr, /^isola: InvalidParameterValue\.FunctionName: .*choose one with --name/);

    const notZip = path.join(root, 'notes.txt');
    fs.writeFileSync(notZip, 'hello');
    const bad = await isola(server, ['deploy', notZip]);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /not a zip archive/);
  });

  await t.test('fn list: table, paging, search and --json', async (t) => {
    const table = await isola(server, ['fn', 'list']);
    t.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    t.match(lines[0], /^NAME +RUNTIME +TYPE +STATUS +MODIFIED +DESCRIPTION$/);
    t.same(lines.slice(1).map((l) => l.split(/ +/)[0]).sort(), ['myfn', 'web', 'zipped']);
    t.match(table.stdout, /^myfn +Isolate +Event +Active +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +first$/m);

    const page = await isola(server, ['fn', 'list', '--limit', '1', '--offset', '1']);
    t.equal(page.code, 0);
    t.equal(page.stdout.trimEnd().split('\n').length, 3, 'header, one row, footer');
    t.match(page.stdout, /^2-2 of 3 functions/m);

    const search = await isola(server, ['fn', 'list', '--search', 'zip', '--json']);
    t.equal(search.code, 0);
    const parsed = parseJson(t, search.stdout) ?? {};
    t.same(parsed.Functions.map((f) => f.FunctionName), ['zipped']);
    t.equal(parsed.TotalCount, 1);
    t.match(parsed.Functions[0], { Runtime: 'Isolate', Status: 'Active', Namespace: 'default' });

    const empty = await isola(server, ['fn', 'list', '--search', 'nothing-like-this']);
    t.same(empty, { code: 0, stdout: 'no functions in namespace default\n', stderr: '' });

    const badLimit = await isola(server, ['fn', 'list', '--limit', 'ten']);
    t.equal(badLimit.code, 1);
    t.match(badLimit.stderr, /--limit expects a non-negative integer/);
  });

  await t.test('fn get: key: value lines and --json', async (t) => {
    const res = await isola(server, ['fn', 'get', 'myfn']);
    t.equal(res.code, 0, res.stderr);
    t.match(res.stdout, /^Name: +myfn$/m);
    t.match(res.stdout, /^Runtime: +Isolate$/m);
    t.match(res.stdout, /^Handler: +index\.main_handler$/m);
    t.match(res.stdout, /^Memory: +256 MB$/m);
    t.match(res.stdout, /^Timeout: +3 s$/m);
    t.match(res.stdout, /^Environment:\n  A=1\n  B=3\n  C=4\n$/m);

    const json = parseJson(t, (await isola(server, ['fn', 'get', 'myfn', '--json'])).stdout) ?? {};
    t.match(json, { FunctionName: 'myfn', MemorySize: 256, Namespace: 'default' });
    t.notOk('RequestId' in json);

    const missing = await isola(server, ['fn', 'get', 'nope']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /^isola: ResourceNotFound\.Function: /);
  });

  await t.test('fn copy within and across namespaces', async (t) => {
    const res = await isola(server, ['fn', 'copy', 'myfn', 'myfn2']);
    t.same(res, { code: 0, stdout: 'copied function default/myfn to default/myfn2\n', stderr: '' });
    const copy = await client.GetFunction({ FunctionName: 'myfn2' });
    t.match(copy, { MemorySize: 256, Description: 'first', Runtime: 'Isolate' });

    const bare = await isola(server, ['fn', 'copy', 'myfn', 'myfn3', '--no-copy-config', '--description', 'code only']);
    t.equal(bare.code, 0, bare.stderr);
    const bareFn = await client.GetFunction({ FunctionName: 'myfn3' });
    t.match(bareFn, { MemorySize: 128, Description: 'code only' }, '--no-copy-config keeps the defaults');
    t.same(bareFn.Environment.Variables, [], 'no variables copied');
    t.equal((await isola(server, ['fn', 'rm', 'myfn3'])).code, 0);

    t.equal((await isola(server, ['ns', 'create', 'stage'])).code, 0);
    const across = await isola(server, ['fn', 'copy', 'myfn', 'myfn', '--to-namespace', 'stage']);
    t.equal(across.code, 0, across.stderr);
    t.match(await client.GetFunction({ FunctionName: 'myfn', Namespace: 'stage' }), { FunctionName: 'myfn', Namespace: 'stage' });
    const listed = parseJson(t, (await isola(server, ['fn', 'list', '-n', 'stage', '--json'])).stdout) ?? { Functions: [] };
    t.same(listed.Functions.map((f) => f.FunctionName), ['myfn'], '-n selects the namespace');

    const clash = await isola(server, ['fn', 'copy', 'myfn', 'myfn', '--to-namespace', 'stage']);
    t.equal(clash.code, 1, 'copying onto an existing function fails');
    t.match(clash.stderr, /^isola: ResourceInUse/);
    const override = await isola(server, ['fn', 'copy', 'zipped', 'myfn', '--to-namespace', 'stage', '--override']);
    t.equal(override.code, 0, override.stderr);
    t.equal((await client.GetFunction({ FunctionName: 'myfn', Namespace: 'stage' })).Description, '', '--override replaced it');
  });

  await t.test('config set', async (t) => {
    const res = await isola(server, ['config', 'set', 'myfn2', '--timeout', '10', '--unset-env', 'A', '--env', 'D=5', '--description', 'changed']);
    t.equal(res.code, 0, res.stderr);
    t.match(res.stdout, /^updated function myfn2 \(namespace default\)\n/);
    t.match(res.stdout, /^Timeout: +10 s$/m);
    const fn = await client.GetFunction({ FunctionName: 'myfn2' });
    t.match(fn, { Timeout: 10, Description: 'changed', MemorySize: 256 });
    t.same(fn.Environment.Variables, [{ Key: 'B', Value: '3' }, { Key: 'C', Value: '4' }, { Key: 'D', Value: '5' }]);

    const handler = await isola(server, ['config', 'set', 'myfn2', '--handler', 'index.other', '--json']);
    t.equal(handler.code, 0, handler.stderr);
    t.match(parseJson(t, handler.stdout), { FunctionName: 'myfn2', Handler: 'index.other' }, '--json prints the updated function');
    t.equal((await client.GetFunction({ FunctionName: 'myfn2' })).Handler, 'index.other', '--handler applied');
    const badHandler = await isola(server, ['config', 'set', 'myfn2', '--handler', 'missing.main_handler']);
    t.equal(badHandler.code, 1);
    t.match(badHandler.stderr, /^isola: InvalidParameterValue\.Handler: /);

    const nothing = await isola(server, ['config', 'set', 'myfn2']);
    t.equal(nothing.code, 1);
    t.match(nothing.stderr, /nothing to change/);

    const bad = await isola(server, ['config', 'set', 'myfn2', '--memory', '100']);
    t.equal(bad.code, 1);
    t.match(bad.stderr, /^isola: (InvalidParameterValue|LimitExceeded)\.Memory\w*: /, 'server-side validation error shown');

    const env = await isola(server, ['config', 'set', 'myfn2', '--env', 'novalue']);
    t.equal(env.code, 1);
    t.match(env.stderr, /--env expects KEY=VALUE/);
  });

  await t.test('fn rm', async (t) => {
    t.same(await isola(server, ['fn', 'rm', 'myfn2']), { code: 0, stdout: 'deleted function myfn2 (namespace default)\n', stderr: '' });
    await expectApiError(t, client.GetFunction({ FunctionName: 'myfn2' }), 'ResourceNotFound.Function', 'gone on the server');
    const again = await isola(server, ['fn', 'rm', 'myfn2']);
    t.equal(again.code, 1);
    t.match(again.stderr, /^isola: ResourceNotFound\.Function: /);
  });

  await t.test('invoke', async (t) => {
    const res = await isola(server, ['invoke', 'myfn', '--event', '{"a":1}', '--tail']);
    if (/InvalidAction/.test(res.stderr)) {
      // One clear failure instead of a cascade while the server lacks the action.
      t.fail(`the server does not implement Invoke yet: ${res.stderr.trim()}`);
      return;
    }
    t.equal(res.code, 0, res.stderr);
    t.same(parseJson(t, res.stdout), { got: { a: 1 } }, 'RetMsg on stdout');
    t.match(res.stderr, /event a = 1/, 'log on stderr with --tail');

    const quiet = await isola(server, ['invoke', 'myfn', '--event', '{"a":2}']);
    t.equal(quiet.code, 0, quiet.stderr);
    t.equal(quiet.stderr, '', 'no log without --tail');

    const eventFile = path.join(root, 'event.json');
    fs.writeFileSync(eventFile, '{"a":3}');
    const fromFile = await isola(server, ['invoke', 'myfn', '--event', `@${eventFile}`, '--json']);
    t.equal(fromFile.code, 0, fromFile.stderr);
    t.match(parseJson(t, fromFile.stdout), { Result: { InvokeResult: 0, RetMsg: '{"got":{"a":3}}', FunctionRequestId: String } });

    const fromStdin = await isola(server, ['invoke', 'myfn', '--event', '@-'], { input: '{"a":4}' });
    t.same(parseJson(t, fromStdin.stdout), { got: { a: 4 } }, '@- reads stdin');

    const failed = await isola(server, ['invoke', 'myfn', '--event', '{"fail":true}']);
    t.equal(failed.code, 1, 'a failed run exits 1');
    t.match(failed.stderr, /Error: asked to fail/, 'the log (with the exception) is printed when the run fails');
    t.match(failed.stderr, /^isola: function myfn failed \(request [\w-]+\): .+\n$/m, 'then ErrMsg');
    t.equal(failed.stdout, '');

    const missing = await isola(server, ['invoke', 'nope']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, /^isola: ResourceNotFound\.Function: /);
  });

  await t.test('credentials and connection errors', async (t) => {
    const wrongKey = await isola(null, ['ns', 'list', '--endpoint', `127.0.0.1:${server.port}`, '--secret-id', server.credentials.SecretId, '--secret-key', 'wrong']);
    t.equal(wrongKey.code, 1);
    t.match(wrongKey.stderr, /^isola: AuthFailure\.SignatureFailure: /);

    const viaEnv = await isola(null, ['ns', 'list'], {
      env: { ISOLA_ENDPOINT: `127.0.0.1:${server.port}`, ISOLA_SECRET_ID: server.credentials.SecretId, ISOLA_SECRET_KEY: 'wrong' },
    });
    t.match(viaEnv.stderr, /^isola: AuthFailure\.SignatureFailure: /, 'ISOLA_ENDPOINT / ISOLA_SECRET_* are read');

    const envOk = await isola(null, ['ns', 'list', '--json'], { env: { ISOLA_ENDPOINT: `127.0.0.1:${server.port}`, ISOLA_DATA_DIR: server.dataDir } });
    t.equal(envOk.code, 0, envOk.stderr);
    t.match(parseJson(t, envOk.stdout), { TotalCount: 2 }, 'ISOLA_DATA_DIR locates credentials.json');

    const unknownId = await isola(null, ['ns', 'list', '--endpoint', `127.0.0.1:${server.port}`, '--secret-id', 'AKIDnobody', '--secret-key', 'x']);
    t.match(unknownId.stderr, /^isola: AuthFailure\.SecretIdNotFound: /);

    const half = await isola(null, ['ns', 'list', '--secret-id', 'AKIDx']);
    t.equal(half.code, 1);
    t.match(half.stderr, /without a SecretKey/);

    const emptyDir = t.testdir({});
    const noCreds = await isola(null, ['ns', 'list', '--endpoint', `127.0.0.1:${server.port}`, '--data-dir', emptyDir]);
    t.equal(noCreds.code, 1);
    t.match(noCreds.stderr, /^isola: no credentials: .*credentials\.json does not exist/);

    const port = await closedPort();
    const refused = await isola(null, ['fn', 'list', '--endpoint', `127.0.0.1:${port}`, '--data-dir', server.dataDir]);
    t.equal(refused.code, 1);
    t.match(refused.stderr, new RegExp(`^isola: cannot connect to the isola server at http://127\\.0\\.0\\.1:${port} \\(connection refused\\)`));

    const badEndpoint = await isola(null, ['ns', 'list', '--endpoint', 'http://127.0.0.1:1/path', '--data-dir', server.dataDir]);
    t.equal(badEndpoint.code, 1);
    t.match(badEndpoint.stderr, /--endpoint expects host:port without a path/);

    const badEvent = await isola(null, ['invoke', 'x', '--event', '{nope', '--endpoint', `127.0.0.1:${port}`]);
    t.equal(badEvent.code, 1);
    t.match(badEvent.stderr, /--event must be JSON/, 'checked before any request');
  });
});

// Invoke's output handling and request shape, against a canned server that
// answers like the cloud (spec/scf-api.md §1.6) and checks the TC3 signature
// with the gateway's own verifier.
t.test('invoke against a canned Invoke server', async (t) => {
  const { verifyTc3 } = require(path.join(ROOT, 'dist', 'gateway', 'control-api', 'tc3.js'));
  const requests = [];
  let reply;
  const canned = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let secretId;
      try {
        secretId = verifyTc3(
          {
            method: req.method,
            query: '',
            authorization: req.headers['authorization'] ?? '',
            contentType: req.headers['content-type'] ?? '',
            host: req.headers['host'] ?? '',
            timestamp: req.headers['x-tc-timestamp'] ?? '',
            body,
          },
          (id) => (id === 'AKIDtest' ? 'testKey' : undefined),
        );
      } catch (err) {
        secretId = `invalid: ${err.code}`;
      }
      requests.push({ action: req.headers['x-tc-action'], version: req.headers['x-tc-version'], secretId, params: JSON.parse(body.toString()) });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ Response: { ...reply, RequestId: 'req-1' } }));
    });
  });
  await new Promise((resolve) => canned.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => canned.close(resolve)));
  const flags = ['--endpoint', `127.0.0.1:${canned.address().port}`, '--secret-id', 'AKIDtest', '--secret-key', 'testKey'];
  const result = (fields) => ({ Result: { FunctionRequestId: 'f-123', RetMsg: '', ErrMsg: '', Log: '', MemUsage: 1048576, Duration: 12.5, BillDuration: 13, InvokeResult: 0, ...fields } });

  reply = result({ RetMsg: '{"ok":true}', Log: 'line one\nline two' });
  const ok = await isola(null, ['invoke', 'hello', '--event', '{"key":"value"}', '--tail', '-n', 'dev', '--qualifier', '1', ...flags]);
  t.same(ok, { code: 0, stdout: '{"ok":true}\n', stderr: 'line one\nline two\n' }, 'RetMsg to stdout, Log to stderr');
  t.same(requests.pop(), {
    action: 'Invoke',
    version: '2018-04-16',
    secretId: 'AKIDtest',
    params: { FunctionName: 'hello', Namespace: 'dev', InvocationType: 'RequestResponse', Qualifier: '1', ClientContext: '{"key":"value"}', LogType: 'Tail' },
  }, 'signed like the SDK; Invoke parameters as in spec §3.3');

  const quiet = await isola(null, ['invoke', 'hello', ...flags]);
  t.same(quiet, { code: 0, stdout: '{"ok":true}\n', stderr: '' }, 'no log without --tail');
  t.match(requests.pop().params, { ClientContext: '{}', LogType: 'Tail', Namespace: 'default' }, 'default event {}; the log is always requested');

  const json = await isola(null, ['invoke', 'hello', '--json', ...flags]);
  t.equal(json.code, 0);
  t.same(parseJson(t, json.stdout), result({ RetMsg: '{"ok":true}', Log: 'line one\nline two' }), '--json prints the Response without RequestId');

  reply = result({ ErrMsg: 'Error: boom', InvokeResult: 1, Log: 'before the throw' });
  const failed = await isola(null, ['invoke', 'hello', '--tail', ...flags]);
  t.equal(failed.code, 1, 'InvokeResult != 0 exits 1');
  t.equal(failed.stdout, '');
  t.equal(failed.stderr, 'before the throw\nisola: function hello failed (request f-123): Error: boom\n');
  const failedQuiet = await isola(null, ['invoke', 'hello', ...flags]);
  t.same(failedQuiet, { code: 1, stdout: '', stderr: 'before the throw\nisola: function hello failed (request f-123): Error: boom\n' }, 'the log is printed on failure even without --tail');

  reply = { Result: { FunctionRequestId: 'f-old', RetMsg: '', ErrMsg: 'no InvokeResult field' } };
  const noInvokeResult = await isola(null, ['invoke', 'hello', ...flags]);
  t.equal(noInvokeResult.code, 1, 'without InvokeResult, an ErrMsg means failure');

  reply = { Result: { FunctionRequestId: 'f-async' } };
  const queued = await isola(null, ['invoke', 'hello', '--async', ...flags]);
  t.same(queued, { code: 0, stdout: 'f-async\n', stderr: '' });
  t.match(requests.pop().params, { InvocationType: 'Event', LogType: 'None' });

  reply = { Error: { Code: 'ResourceNotFound.Function', Message: 'Function hello does not exist.' } };
  const apiError = await isola(null, ['invoke', 'hello', ...flags]);
  t.same(apiError, { code: 1, stdout: '', stderr: 'isola: ResourceNotFound.Function: Function hello does not exist.\n' });
});
