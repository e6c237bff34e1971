'use strict';
// An ES module graph is compiled and linked before it is instantiated
// (runtime/host/cold-start.ts): import cycles, a module imported twice, a
// large source (compiled asynchronously) in the graph, and the failures of
// linking — a module that does not exist, a name a module does not export —
// each answered as before the graph was linked ahead. End to end through a
// real server and the official SDK.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction, invoke } = require('./helpers/functions');

t.test('ES module graphs', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  t.test('a cycle and a diamond link and evaluate in order', async (t) => {
    await createFunction(client, 'esm-graph', {
      'index.mjs': `
        import { a } from './a.mjs';
        import { b } from './b.mjs';
        import { order } from './order.mjs';
        export const main_handler = () => ({ a: a(), b: b(), order });`,
      'a.mjs': `import { b } from './b.mjs'; import { note } from './order.mjs'; note('a'); export const a = () => 'a' + typeof b;`,
      'b.mjs': `import { a } from './a.mjs'; import { note } from './order.mjs'; note('b'); export const b = () => 'b' + typeof a;`,
      'order.mjs': `export const order = []; export const note = (x) => order.push(x);`,
    }, { Handler: 'index.main_handler' });
    const r = await invoke(client, 'esm-graph');
    t.equal(r.InvokeResult, 0, r.ErrMsg);
    t.same(JSON.parse(r.RetMsg), { a: 'afunction', b: 'bfunction', order: ['b', 'a'] }, 'both halves of the cycle see each other; each module evaluated once, dependencies first');
  });

  t.test('a source over the synchronous compile size in the graph', async (t) => {
    const filler = `// ${'x'.repeat(100)}\n`.repeat(800); // ~82 KB: compiled asynchronously
    await createFunction(client, 'esm-large', {
      'index.mjs': `import { big } from './big.mjs';\nexport const main_handler = () => big();`,
      'big.mjs': `${filler}import { small } from './small.mjs';\nexport const big = () => 'big+' + small;`,
      'small.mjs': `export const small = 'small';`,
    }, { Handler: 'index.main_handler' });
    const r = await invoke(client, 'esm-large');
    t.equal(r.InvokeResult, 0, r.ErrMsg);
    t.equal(r.RetMsg, '"big+small"');
  });

  t.test('an import of a module that does not exist fails the start with its name', async (t) => {
    await createFunction(client, 'esm-missing', {
      'index.mjs': `import { x } from './lib.mjs';\nexport const main_handler = () => x;`,
      'lib.mjs': `export { y as x } from './nowhere.mjs';`,
    }, { Handler: 'index.main_handler' });
    const r = await invoke(client, 'esm-missing');
    t.not(r.InvokeResult, 0, 'the invocation failed');
    t.equal(r.InvokeResult, 430, 'a user error (the function code)');
    t.match(r.Log, /ERROR\tError: Cannot find module '\.\/nowhere\.mjs' from '\/var\/user\/lib\.mjs'\n/, 'the log names the missing module and the importer');
    t.notMatch(r.Log, /dist\/runtime|cold-start|node:internal/, 'no stack frame of the host in the tenant\'s log');
  });

  t.test('an import of a name a module does not export fails the start with the name', async (t) => {
    await createFunction(client, 'esm-no-export', {
      'index.mjs': `import { missingName } from './lib.mjs';\nexport const main_handler = () => missingName;`,
      'lib.mjs': `export const other = 1;`,
    }, { Handler: 'index.main_handler' });
    const r = await invoke(client, 'esm-no-export');
    t.not(r.InvokeResult, 0, 'the invocation failed');
    t.equal(r.InvokeResult, 430, 'a user error (the function code)');
    t.match(r.Log, /ERROR\tSyntaxError: The requested module '\.\/lib\.mjs' does not provide an export named 'missingName'\n/, 'the log names the export');
    t.notMatch(r.Log, /dist\/runtime|cold-start|node:internal/, 'no stack frame of the host in the tenant\'s log');
    const again = await invoke(client, 'esm-no-export');
    t.match(again.Log, /does not provide an export named 'missingName'/, 'a second call fails the same way (nothing half-linked is reused)');
  });
});
