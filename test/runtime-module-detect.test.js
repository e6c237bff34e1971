'use strict';
// Module syntax detection (Node 22's rule): an `index.js` (or any `.js`) whose
// package scope sets no "type" loads as an ES module when its source has ES
// module syntax (import/export, import.meta, top-level await); with
// "type": "commonjs" it stays CommonJS; ordinary CommonJS is unchanged.
// End to end through a real server and the official SDK.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');
const { request } = require('./helpers/http');

const WEB = { Type: 'HTTP', Handler: 'index.fetch' };

t.test('index.js with ES module syntax', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  t.test('web function: export default { fetch } in index.js is served over HTTP', async (t) => {
    await createFunction(client, 'edge', {
      'index.js': `
        import { greet } from './lib.js';
        export default {
          async fetch(request, env, ctx) {
            return Response.json({ hello: greet(new URL(request.url).pathname), meta: typeof import.meta });
          },
        };`,
      'lib.js': 'export const greet = (p) => "hi " + p;\n',
    }, WEB);
    const res = await request(`${server.url}/default/edge/there`);
    t.equal(res.status, 200);
    t.same(JSON.parse(res.body), { hello: 'hi /there', meta: 'object' }, 'served by the ESM fetch handler (imports an ESM-syntax sibling .js)');
  });

  t.test('event function: export const main_handler in index.js', async (t) => {
    await createFunction(client, 'esm-event', {
      'index.js': `
        import cjs from './legacy.js';
        const boot = await Promise.resolve('awaited at top level');
        export const main_handler = async (event) => ({ x: event.x, boot, cjs });`,
      'legacy.js': 'module.exports = { legacy: true };\n',
    });
    const r = await invoke(client, 'esm-event', { x: 7 });
    t.equal(r.InvokeResult, 0, r.ErrMsg);
    t.same(JSON.parse(r.RetMsg), { x: 7, boot: 'awaited at top level', cjs: { legacy: true } }, 'ESM handler; a CommonJS sibling imports as default');
  });

  t.test('a package.json without "type" still detects', async (t) => {
    await createFunction(client, 'esm-pkg', {
      'package.json': JSON.stringify({ name: 'esm-pkg', version: '1.0.0' }),
      'index.js': 'export function main_handler() { return "esm with package.json"; }\n',
    });
    const r = await invoke(client, 'esm-pkg');
    t.equal(r.InvokeResult, 0, r.ErrMsg);
    t.equal(r.RetMsg, '"esm with package.json"');
  });

  t.test('ordinary CommonJS index.js is unchanged', async (t) => {
    await createFunction(client, 'cjs', {
      'index.js': `
        // mentions import and export in comments: "export default", "import x from"
        const path = './util';
        const util = require(path);
        const later = () => import('./util.js'); // dynamic import() is valid CommonJS
        exports.main_handler = async () => ({ util: util.name, filename: __filename, isModule: typeof module, later: typeof later });`,
      'util.js': 'exports.name = "util";\n',
    });
    const r = await invoke(client, 'cjs');
    t.equal(r.InvokeResult, 0, r.ErrMsg);
    t.same(JSON.parse(r.RetMsg), { util: 'util', filename: '/var/user/index.js', isModule: 'object', later: 'function' });
    await createFunction(client, 'cjs-web', { 'index.js': 'module.exports = { fetch() { return new Response("cjs web") } };\n' }, WEB);
    const res = await request(`${server.url}/default/cjs-web/`);
    t.equal(res.status, 200);
    t.equal(res.body.toString(), 'cjs web', 'a CommonJS web function still works');
  });

  t.test('"type": "commonjs" keeps ESM syntax CommonJS: the load error', async (t) => {
    await createFunction(client, 'explicit-cjs', {
      'package.json': JSON.stringify({ type: 'commonjs' }),
      'index.js': 'export const main_handler = () => 1;\n',
    });
    const r = await invoke(client, 'explicit-cjs');
    t.equal(r.InvokeResult, 430, 'UserCodeException');
    t.match(JSON.parse(r.ErrMsg), { errorCode: -1, errorMessage: 'UserCodeException', statusCode: 430 });
    t.match(r.Log, /SyntaxError: Unexpected token 'export'/, 'the SyntaxError Node gives is in the log');
  });

  t.test('require() of an ESM-syntax sibling .js', async (t) => {
    await createFunction(client, 'require-esm', {
      'index.js': 'const lib = require("./lib.js");\nexports.main_handler = () => lib.x;\n',
      'lib.js': 'export const x = 1;\n',
    });
    const r = await invoke(client, 'require-esm');
    t.equal(r.InvokeResult, 430, 'UserCodeException');
    t.match(r.Log, /require\(\) of ES Module \/var\/user\/lib\.js is not supported/, 'ERR_REQUIRE_ESM names the file');
  });
});

t.test('containsModuleSyntax: what counts as ES module syntax (checked against Node\'s own)', async (t) => {
  const { containsModuleSyntax, detectModuleSyntax } = require('../dist/runtime/host/module-format');
  const esm = {
    'import statement': 'import x from "y";\nx();',
    'export statement': 'const a = 1;\nexport { a };',
    'export default': 'export default { fetch() {} };',
    'import.meta': 'globalThis.u = import.meta;',
    'top-level await': 'const v = await Promise.resolve(1);',
    'top-level await in a call': 'console.log(await Promise.resolve(1));',
    'top-level await in a condition': 'if (await Promise.resolve(true)) {}',
    'top-level for await': 'for await (const x of []) {}',
    'lexical redeclaration of require': 'const require = () => 1;\nrequire();',
    'lexical redeclaration of module': 'let module = 1;',
    'hashbang then export': '#!/usr/bin/env node\nexport const a = 1;',
  };
  const cjs = {
    'plain CommonJS': 'module.exports = { a: 1 };',
    'dynamic import()': 'exports.load = () => import("./x.js");',
    'await inside an async function': 'exports.f = async () => { await 1; };',
    'keywords in strings and comments': '// export default x\nconst s = "import x from y";\nexports.s = s;',
    'var redeclaration of require': 'var require = 1;',
    'hashbang CommonJS': '#!/usr/bin/env node\nexports.a = 1;',
    'a plain syntax error': 'function f( {',
    'an unrelated syntax error before an import': '}\nimport x from "y";',
    'top-level await plus a CommonJS-only construct (return)': 'await 1;\nreturn 2;',
    'HTML comment (script-only syntax)': '<!-- x\nexports.a = 1;',
    empty: '',
  };
  for (const [name, src] of Object.entries(esm)) t.equal(containsModuleSyntax(src, 'x.js'), true, `ESM: ${name}`);
  for (const [name, src] of Object.entries(cjs)) t.equal(containsModuleSyntax(src, 'x.js'), false, `CommonJS: ${name}`);

  // The same verdicts as this Node's own detection (its internal binding; present in the Node 20 the package pins).
  const { spawnSync } = require('node:child_process');
  const sources = [...Object.values(esm), ...Object.values(cjs)];
  const probe = spawnSync(process.execPath, ['--expose-internals', '--no-warnings', '-e', `
    const { internalBinding } = require('internal/test/binding');
    const { containsModuleSyntax } = internalBinding('contextify');
    const sources = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    console.log(JSON.stringify(sources.map((s) => containsModuleSyntax(s, '/tmp/x.js'))));`], { input: JSON.stringify(sources), encoding: 'utf8' });
  let node = null;
  try { node = JSON.parse(probe.stdout); } catch { /* not available */ }
  t.ok(Array.isArray(node), `Node's containsModuleSyntax answered (${probe.stderr.split('\n')[0] || 'ok'})`);
  t.same(sources.map((s) => containsModuleSyntax(s, 'x.js')), node, `every verdict matches Node ${process.version}'s containsModuleSyntax`);

  let reads = 0;
  const read = () => { reads++; return 'export default 1;'; };
  t.equal(detectModuleSyntax('test-key\0same', '/var/user/a.js', read), true);
  t.equal(detectModuleSyntax('test-key\0same', '/var/user/a.js', read), true);
  t.equal(reads, 1, 'detected once per file identity, then cached');
});
