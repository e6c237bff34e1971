'use strict';
// How the host prepares the web files (runtime/host/sandbox.ts): every isolate holds its own copy of the
// sources, so they are kept one-byte (ASCII) and without indentation or whole-line comments.
const t = require('tap');
const fs = require('node:fs');
const path = require('node:path');
const ivm = require('isolated-vm');
const { SandboxSources, ascii, compact } = require('../dist/runtime/host/sandbox');

const WEB_DIR = path.join(__dirname, '..', 'runtime', 'sandbox', 'web');
const sources = SandboxSources.load();

t.test('sources are ASCII, cached, and cost one byte per character in an isolate', async (t) => {
  for (const src of [...sources.web, sources.bootstrap]) {
    t.notMatch(src.code, /[^\x00-\x7f]/, `${src.filename} is ASCII`);
    t.ok(src.cache, `${src.filename} has a code cache`);
  }
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  t.teardown(() => isolate.dispose());
  const before = isolate.getHeapStatisticsSync().externally_allocated_size;
  const script = isolate.compileScriptSync(sources.web[0].code, { filename: 'x.js' });
  const grew = isolate.getHeapStatisticsSync().externally_allocated_size - before;
  script.release();
  t.ok(grew < sources.web[0].code.length * 1.5, `the isolate's copy is one-byte (${grew} bytes for ${sources.web[0].code.length} characters)`);
});

t.test('ascii() escapes non-ASCII characters with the same meaning', async (t) => {
  const src = "const s = 'a–b§';\nconst re = /[é–ü]/;\n// ünïcode comment\nconst ø = 1;\n[s, re.test('–'), ø]";
  const out = ascii(src);
  t.notMatch(out, /[^\x00-\x7f]/);
  t.same(new Function(`return (() => { ${out.replace(/\n(?=\[s)/, '\nreturn ')} })()`)(), ['a–b§', true, 1]);
});

t.test('compact() keeps every line in place and only drops indentation and whole-line comments', async (t) => {
  const src = [
    '  // gone', '  const a = 1; // kept', '  /** gone', '   * gone', '   */', '  /* x */ const b = 2;', '  /* gone */',
    '  /* multi', '  */ const c = 3;', "  const s = '// not a comment';",
  ].join('\n');
  t.same(compact(src).split('\n'), [
    '', 'const a = 1; // kept', '', '', '', '/* x */ const b = 2;', '', '/* multi', '*/ const c = 3;', "const s = '// not a comment';",
  ]);
  const template = 'const t = `a\n    // not a comment\n  b`;';
  t.equal(compact(template), template, 'a file whose line breaks may sit inside a template literal is left alone');
  const continued = "const s = 'a\\\n    b';";
  t.equal(compact(continued), continued, 'nor one with a line continuation');
  for (const f of fs.readdirSync(WEB_DIR).filter((n) => n.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(WEB_DIR, f), 'utf8');
    t.equal(compact(code).split('\n').length, code.split('\n').length, `${f} keeps its line count`);
    t.doesNotThrow(() => new Function(compact(code)), `${f} still parses`);
  }
});

t.test('the prepared web script installs working globals', async (t) => {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  const boot = sources.install(isolate, context, 'web');
  t.teardown(() => {
    boot.release();
    context.release();
    isolate.dispose();
  });
  const result = await context.eval(`(async () => {
    const r = new Request('http://example.com/a/../b?x=1', { method: 'POST', body: new URLSearchParams('k=v') });
    const piped = new Response('abc').body.pipeThrough(new TransformStream());
    return JSON.stringify([r.url, await r.text(), await new Response(piped).text(), typeof __isolaWebInternals,
      new TextDecoder().decode(new TextEncoder().encode('–é'))]);
  })()`, { promise: true, timeout: 5000 });
  t.same(JSON.parse(result), ['http://example.com/b?x=1', 'k=v', 'abc', 'undefined', '–é']);
});

t.test('the host uses the minified copies, made from the sources as they are now', async (t) => {
  const { sandboxInputs, minifiedInputs } = require('../dist/runtime/host/sandbox-files');
  const dir = path.join(__dirname, '..', 'runtime', 'sandbox');
  const inputs = sandboxInputs(dir);
  const min = minifiedInputs(dir, inputs);
  t.type(min, 'object', `runtime/sandbox/min is current (else run node bin/build-sandbox-min.js): ${typeof min === 'string' ? min : ''}`);
  if (typeof min === 'string') return;
  t.same(min.web.map((w) => w.name), inputs.web.map((w) => w.name), 'one minified copy per web file');
  t.ok(sources.bootstrap.code.length < compact(inputs.bootstrap).length * 0.9, 'the loaded bootstrap is the minified one');
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  const context = isolate.createContextSync();
  const boot = sources.install(isolate, context, 'web');
  t.teardown(() => { boot.release(); context.release(); isolate.dispose(); });
  const names = context.evalSync(`JSON.stringify([Request.name, Headers.prototype.get.name, Response.json.name,
    Object.getOwnPropertyDescriptor(Request.prototype, 'url').get.name, ReadableStream.name])`);
  t.same(JSON.parse(names), ['Request', 'get', 'json', 'get url', 'ReadableStream'], 'names survive minification');
});
