'use strict';
// Runs the vendored web-platform-tests files (test/wpt/, see README.md) with the harness
// stand-in (harness.js): inside an isolate function (a real event function of dist/runtime) and
// under this Node, and answers { file: [{ name, status, message }] }. Used by test/wpt.test.js
// (the isolate's results against expected.json) and bench/wpt.js (the table next to Node's).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const DIR = __dirname;
/** The vendored test files, by area (paths under test/wpt/, as in the WPT repository). */
const FILES = {
  'streams/readable-byte-streams': ['streams/readable-byte-streams/read-min.any.js', 'streams/readable-byte-streams/respond-after-enqueue.any.js'],
  encoding: ['encoding/textdecoder-labels.any.js', 'encoding/textencoder-constructor-non-utf.any.js'],
  'fetch/api (bodies)': [
    'fetch/api/request/request-consume.any.js', 'fetch/api/request/request-consume-empty.any.js',
    'fetch/api/response/response-consume-empty.any.js', 'fetch/api/body/mime-type.any.js', 'fetch/api/body/formdata-parsing.any.js',
  ],
  'fetch/api (Response statics, Request body override)': [
    'fetch/api/response/response-static-json.any.js', 'fetch/api/response/response-static-redirect.any.js',
    'fetch/api/response/response-static-error.any.js', 'fetch/api/request/request-constructor-init-body-override.any.js',
  ],
  'html/webappapis/structured-clone': ['html/webappapis/structured-clone/structured-clone.any.js'],
  'FileAPI/file': ['FileAPI/file/File-constructor.any.js'],
  'url (IDNA, UTS #46)': ['url/IdnaTestV2.window.js'],
};
/** Data files a test file loads with `fetch(path relative to the file)`, served by the runner (see scriptOf). */
const RESOURCES = {
  'url/IdnaTestV2.window.js': ['resources/IdnaTestV2.json'],
};

/** The harness, the file's `// META: script=` dependencies and the file, as one script body. */
function scriptOf(file) {
  const text = fs.readFileSync(path.join(DIR, file), 'utf8');
  // A dependency is relative to the file, or to the WPT root when it starts with '/'.
  const deps = [...text.matchAll(/^\/\/ META: script=(.+)$/gm)].map((m) => m[1].trim())
    .map((dep) => (dep.startsWith('/') ? dep.slice(1) : path.join(path.dirname(file), dep)));
  const parts = [fs.readFileSync(path.join(DIR, 'harness.js'), 'utf8'), ...deps.map((d) => fs.readFileSync(path.join(DIR, d), 'utf8')), text];
  // A file that fetches its data gets a `fetch` of the function body's own (shadowing any global
  // one: a function has no server to load test data from), answering only the files listed.
  const resources = RESOURCES[file] || [];
  if (resources.length > 0) {
    const table = Object.fromEntries(resources.map((r) => [r, fs.readFileSync(path.join(DIR, path.dirname(file), r), 'utf8')]));
    parts.unshift(`const __wptResources = ${JSON.stringify(table)};\n`
      + 'const fetch = (url) => (Object.hasOwn(__wptResources, url) ? Promise.resolve(new Response(__wptResources[url]))'
      + ' : Promise.reject(new TypeError(`not a vendored resource: ${url}`)));');
  }
  // One function body: the `var`s of a dependency (encodings_table) are seen by the test file.
  return parts.join('\n;\n') + '\nreturn await __wptRun();';
}

/** Each file inside an event function of `rt` (an isolate runtime), a new function per file. */
async function runInIsolate(rt, files) {
  const { spec, req, writeTree } = require('../fixtures/runtime/util');
  const out = {};
  for (const file of files) {
    const body = scriptOf(file);
    const dir = writeTree({ 'index.js': `exports.main_handler = async () => {\n${body}\n};\n` });
    const o = await rt.invoke(req(spec(dir, { timeoutMs: 120_000, memoryMb: 256 })));
    out[file] = o.kind === 'ok' ? JSON.parse(o.result) : [{ name: '(file)', status: 'FAIL', message: `${o.kind}: ${o.errorMessage}` }];
  }
  return out;
}

/** Each file in a plain `node` (this one), a process per file. */
function runInNode(files) {
  const out = {};
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-wpt-'));
  try {
    for (const file of files) {
      const body = scriptOf(file);
      const script = path.join(tmp, 'run.js');
      // Exits when written: a test's MessagePort would keep the process alive.
      fs.writeFileSync(script, `(async () => {\n${body}\n})().then((r) => process.stdout.write(JSON.stringify(r), () => process.exit(0)), (e) => { console.error(e); process.exit(1); });\n`);
      out[file] = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 }));
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

const allFiles = () => Object.values(FILES).flat();
const count = (results) => ({ passed: results.filter((r) => r.status === 'PASS').length, total: results.length });

module.exports = { FILES, allFiles, runInIsolate, runInNode, count };
