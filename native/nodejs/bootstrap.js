'use strict';
// isola's Node.js runtime bootstrap: runs one function instance in a full Node.js process (the
// machine's node, every built-in module available).
//
// Started by the process executor (native/process) with fd 3 as its private channel: frames of
// [u32 BE length][0xc1][UTF-8 JSON] both ways (native/process/channel.ts). Loads nothing of the
// server's: built-ins only.
//
//   parent -> child: {t:'load', ...config}, {t:'invoke', id, rid, event, deadline}
//   child -> parent: {t:'ready'}, {t:'loaded'} | {t:'load_failed'}, {t:'log'}, {t:'done'} | {t:'failed'}
//
// console.* become log frames of the current request, with their level; what is written to fd 1/2
// directly (process.stdout.write, child processes) is read by the parent as plain lines.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

const MARK = 0xc1;
const MAX_TEXT = 64 * 1024;
const channel = new net.Socket({ fd: 3, readable: true, writable: true });

function send(msg) {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  const head = Buffer.allocUnsafe(5);
  head.writeUInt32BE(body.length + 1, 0);
  head[4] = MARK;
  channel.write(Buffer.concat([head, body]));
}

function log(level, args) {
  send({ t: 'log', level, msg: util.format(...args), time: Date.now() });
}

for (const [name, level] of [['log', 'log'], ['info', 'info'], ['warn', 'warn'], ['error', 'error'], ['debug', 'debug'], ['trace', 'debug']]) {
  console[name] = (...args) => log(level, args);
}
console.dir = (obj, options) => log('log', [util.inspect(obj, options)]);

function describe(err) {
  if (err !== null && typeof err === 'object' && typeof err.message === 'string') return `${err.name ?? 'Error'}: ${err.message}`.slice(0, MAX_TEXT);
  return String(err).slice(0, MAX_TEXT);
}

function stackOf(err) {
  return err !== null && typeof err === 'object' && typeof err.stack === 'string' ? err.stack.slice(0, MAX_TEXT) : '';
}

async function load(config) {
  const dot = config.handler.lastIndexOf('.');
  const file = config.handler.slice(0, dot);
  const exported = config.handler.slice(dot + 1);
  const root = process.env.USER_CODE_ROOT;
  const entry = ['.js', '.mjs', '.cjs'].map((ext) => path.join(root, file + ext)).find((f) => fs.existsSync(f));
  if (entry === undefined) return { failed: { kind: 'handler_missing', message: `module missing: ${file}`, stack: '' } };
  let mod;
  try {
    mod = entry.endsWith('.mjs') ? await import(pathToFileURL(entry).href) : require(entry);
  } catch (err) {
    if (err && err.code === 'ERR_REQUIRE_ESM') {
      try { mod = await import(pathToFileURL(entry).href); } catch (e) { return { failed: { kind: 'user_error', message: describe(e), stack: stackOf(e) } }; }
    } else {
      return { failed: { kind: 'user_error', message: describe(err), stack: stackOf(err) } };
    }
  }
  const fn = mod?.[exported] ?? mod?.default?.[exported];
  if (typeof fn !== 'function') return { failed: { kind: 'handler_missing', message: `handler missing: ${config.handler}`, stack: '' } };
  return { fn };
}

function contextOf(config, msg) {
  return {
    request_id: msg.rid,
    requestId: msg.rid,
    function_name: config.functionName,
    function_version: config.version,
    namespace: config.namespace,
    memory_limit_in_mb: config.memoryMb,
    time_limit_in_ms: config.timeoutMs,
    tencentcloud_region: config.region,
    tencentcloud_appid: config.appId,
    tencentcloud_uin: config.uin,
    environment: JSON.stringify(config.env),
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
  };
}

// The handler returns a value, a Promise, or (declaring 3 parameters) calls the callback.
function runHandler(fn, event, context) {
  return new Promise((resolve, reject) => {
    current = reject;
    const callback = (err, value) => (err ? reject(err) : resolve(value));
    const returned = fn(event, context, callback);
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') returned.then(resolve, reject);
    else if (returned !== undefined || fn.length < 3) resolve(returned);
  });
}

// The process's own memory figure, read only where the server has no cgroup figure (rss() reads
// /proc/self/stat: open, read, close per call).
const mem = () => (config.reportMemory === false ? 0 : process.memoryUsage.rss());

async function invoke(fn, config, msg) {
  try {
    const value = await runHandler(fn, JSON.parse(msg.event), contextOf(config, msg));
    const result = value === undefined ? 'null' : JSON.stringify(value);
    send({ t: 'done', id: msg.id, result: result === undefined ? 'null' : result, mem: mem() });
  } catch (err) {
    send({ t: 'failed', id: msg.id, kind: 'user_error', message: describe(err), stack: stackOf(err), mem: mem() });
  } finally {
    current = null;
  }
}

// An exception nobody caught (thrown from a timer, an event handler) ends the invocation in flight
// as its error, as in the cloud's runtime; between invocations it is logged. A rejection nobody
// handled is logged: the handler's own promise decides the invocation.
let current = null;
process.on('uncaughtException', (err) => {
  if (current !== null) { current(err); return; }
  log('error', ['Uncaught exception:', err]);
});
process.on('unhandledRejection', (err) => log('error', ['Unhandled rejection:', err]));

let config = null;
let handler = null;
let pending = Buffer.alloc(0);

async function onMessage(msg) {
  if (msg.t === 'load') {
    config = msg;
    const loaded = await load(config);
    if (loaded.failed) { send({ t: 'load_failed', ...loaded.failed }); return; }
    handler = loaded.fn;
    send({ t: 'loaded' });
  } else if (msg.t === 'invoke' && handler !== null) {
    await invoke(handler, config, msg);
  }
}

channel.on('data', (chunk) => {
  pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const len = pending.readUInt32BE(0);
    if (pending.length < 4 + len) break;
    const payload = pending.subarray(4, 4 + len);
    pending = pending.subarray(4 + len);
    if (payload[0] !== MARK) process.exit(70);
    void onMessage(JSON.parse(payload.toString('utf8', 1)));
  }
});
// The parent closed the channel: nothing more will come.
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));

process.chdir(process.env.USER_CODE_ROOT);
send({ t: 'ready', pid: process.pid });
