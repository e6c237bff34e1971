'use strict';
// The conformance fixtures in JavaScript for the isolate executor: name → { files, handler }.
// What each fixture must do is in test/conformance/README.md; keep the two in step.

const main = (body) => ({ files: { 'index.js': body }, handler: 'index.main_handler' });
const web = (body) => ({ files: { 'index.mjs': `export default { async fetch(request, env, ctx) {\n${body}\n} };\n` }, handler: 'index.fetch' });
const tick = 'await new Promise((r) => setTimeout(r, 5));';

module.exports = {
  'echo-event': main('exports.main_handler = (event) => event;'),
  'promise-result': main('exports.main_handler = (event) => new Promise((r) => setTimeout(() => r({ shape: "promise", x: event.x }), 5));'),
  'async-result': main(`exports.main_handler = async () => { ${tick} return 'async'; };`),
  'callback-result': main('exports.main_handler = (event, context, callback) => { setTimeout(() => callback(null, { shape: "callback", x: event.x }), 5); };'),
  'callback-error': main('exports.main_handler = (event, context, callback) => callback(new Error("boom"));'),
  'returns-undefined': main('exports.main_handler = () => undefined;'),
  'throws': main('function inner() { throw new Error("boom"); }\nexports.main_handler = () => { console.log("about to fail"); inner(); };'),
  'throws-async': main(`exports.main_handler = async () => { ${tick} throw new Error('later'); };`),
  'no-handler': main('exports.other = () => 1;'),
  'no-module': { files: { 'index.js': 'exports.main_handler = () => 1;' }, handler: 'nothere.main_handler' },
  'init-throws': main('console.log("before");\nthrow new Error("bad init");\nexports.main_handler = () => 1;'),
  'init-busy-loop': main('for (;;) {}\nexports.main_handler = () => 1;'),
  'context-dump': main(`exports.main_handler = async (event, context) => {
  if (event.sleep_ms) await new Promise((r) => setTimeout(r, event.sleep_ms));
  const { request_id, function_name, function_version, namespace, memory_limit_in_mb, time_limit_in_ms, environment } = context;
  return { request_id, function_name, function_version, namespace, memory_limit_in_mb, time_limit_in_ms, environment, remaining_time_in_ms: context.getRemainingTimeInMillis() };
};`),
  'env-dump': main('exports.main_handler = () => process.env;'),
  'never-settles': main('exports.main_handler = () => { console.log("waiting"); return new Promise(() => {}); };'),
  'busy-loop': main('exports.main_handler = () => { console.log("spinning"); for (;;) {} };'),
  'counter-global': main(`let count = 0;
console.log('init once');
exports.main_handler = async (event) => {
  count++;
  if (event.sleep_ms) await new Promise((r) => setTimeout(r, event.sleep_ms));
  if (event.spin) for (;;) {}
  return count;
};`),
  'sleep-echo': main('exports.main_handler = async (event) => { await new Promise((r) => setTimeout(r, event.sleep_ms || 0)); return event; };'),
  'alloc-forever': main('exports.main_handler = () => { const a = []; for (;;) a.push({ x: Math.random(), y: [1, 2, 3] }); };'),
  'alloc-some': main(`exports.main_handler = (event) => {
  const held = [];
  for (let i = 0; i < event.mb; i++) held.push('m'.repeat(1024 * 1024 - 16) + i);
  return held.length;
};`),
  'logs-levels': main(`exports.main_handler = async () => {
  console.log('plain'); console.info('i'); console.warn('w'); console.error('e'); console.debug('d');
  await new Promise((r) => setTimeout(r, 2));
  console.log('after timer');
  return 1;
};`),
  'logs-flood': main(`exports.main_handler = (event) => {
  if (event.long) console.log('y'.repeat(event.long));
  const line = 'x'.repeat(event.width || 1);
  for (let i = 0; i < (event.lines || 0); i++) console.log(line);
  return 'done';
};`),
  'http-echo': web(`
  const u = new URL(request.url);
  return Response.json({ method: request.method, path: u.pathname + u.search, headers: Object.fromEntries(request.headers), body: await request.text() });`),
  'http-status-headers': web(`
  const headers = new Headers([['x-custom', 'v'], ['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2']]);
  return new Response('teapot', { status: 418, headers });`),
  'http-stream': web(`
  let i = 0;
  const body = new ReadableStream({ async pull(c) {
    await new Promise((r) => setTimeout(r, i === 9 ? 200 : 5));
    if (i === 10) { c.close(); return; }
    c.enqueue(new TextEncoder().encode('chunk' + (i++) + ';'));
  } });
  return new Response(body, { headers: { 'content-type': 'text/plain' } });`),
  'http-throws': web(`throw new Error('bad thing');`),
  'http-never-responds': web('return new Promise(() => {});'),
};
