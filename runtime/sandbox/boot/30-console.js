// console (part of the bootstrap): formats arguments here (depth- and length-capped),
// counts each request's lines and bytes against its quota, and hands one string per
// line to the `log` capability with the request id it is attributed to.
// Uses: config, define, hostLog, active, runningRid (10).
let emit, makeConsole;
{
  const JSONstringify = JSON.stringify;
  const StringFn = String;
  const MapCtor = Map;
  const ErrorCtor = Error;
  const DateNow = Date.now;
  const MAX_LINE = config.limits.maxLogLineBytes;

  function fmtValue(v, depth, seen) {
    switch (typeof v) {
      case 'string': return depth === 0 ? v : JSONstringify(v);
      case 'number': case 'boolean': case 'undefined': return StringFn(v);
      case 'bigint': return StringFn(v) + 'n';
      case 'symbol': return v.toString();
      case 'function': return '[Function: ' + (v.name || '(anonymous)') + ']';
    }
    if (v === null) return 'null';
    if (v instanceof ErrorCtor) { try { return StringFn(v.stack || v); } catch { return '[Error]'; } }
    if (seen.indexOf(v) !== -1) return '[Circular]';
    if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
    seen.push(v);
    let out;
    try {
      if (Array.isArray(v)) {
        const parts = [];
        const n = v.length < 100 ? v.length : 100;
        for (let i = 0; i < n; i++) parts.push(fmtValue(v[i], depth + 1, seen));
        if (v.length > 100) parts.push('... ' + (v.length - 100) + ' more items');
        out = '[ ' + parts.join(', ') + ' ]';
      } else {
        const parts = [];
        const keys = Object.keys(v);
        const n = keys.length < 100 ? keys.length : 100;
        for (let i = 0; i < n; i++) parts.push(keys[i] + ': ' + fmtValue(v[keys[i]], depth + 1, seen));
        out = parts.length ? '{ ' + parts.join(', ') + ' }' : '{}';
      }
    } catch (e) {
      out = '[Uninspectable]';
    }
    seen.pop();
    return out;
  }
  function format(args) {
    let s = '';
    for (let i = 0; i < args.length; i++) {
      if (i) s += ' ';
      let part;
      try { part = fmtValue(args[i], 0, []); } catch { part = '[Uninspectable]'; }
      s += typeof part === 'string' ? part : '';
      if (s.length > MAX_LINE) break;
    }
    return s.length > MAX_LINE ? s.slice(0, MAX_LINE) : s;
  }
  /** One console line of request `rid` (dropped when the request has finished or used its quota). */
  emit = function emit(level, rid, args) {
    const st = active.get(rid);
    if (st === undefined) return;            // late output of a finished request: dropped
    if (st.logLines >= config.limits.maxLogLines || st.logBytes >= config.limits.maxLogBytes) {
      if (!st.logCut) { st.logCut = true; hostLog('warn', '[isola] log limit reached: further lines of this request are dropped', rid); }
      return;
    }
    const line = format(args);
    st.logLines++;
    st.logBytes += line.length;
    hostLog(level, line, rid);
  };
  /** A console object; `fixedRid` binds it to one request (ctx.console), else lines go to the running request. */
  makeConsole = function makeConsole(fixedRid) {
    const c = {};
    const rid = () => (fixedRid === undefined ? runningRid() : fixedRid);
    for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
      c[level] = function (...args) { emit(level, rid(), args); };
    }
    c.trace = function (...args) { emit('error', rid(), ['Trace: ' + format(args) + '\n' + (new ErrorCtor().stack || '').split('\n').slice(2).join('\n')]); };
    c.dir = function (v) { emit('log', rid(), [v]); };
    c.table = function (v) { emit('log', rid(), [v]); };
    c.assert = function (cond, ...args) { if (!cond) emit('error', rid(), ['Assertion failed' + (args.length ? ': ' + format(args) : '')]); };
    const counts = new MapCtor();
    c.count = function (label = 'default') { const n = (counts.get(label) || 0) + 1; counts.set(label, n); emit('log', rid(), [label + ': ' + n]); };
    const times = new MapCtor();
    c.time = function (label = 'default') { times.set(label, DateNow()); };
    c.timeEnd = function (label = 'default') { const t = times.get(label); if (t !== undefined) { times.delete(label); emit('log', rid(), [label + ': ' + (DateNow() - t) + 'ms']); } };
    c.timeLog = function (label = 'default', ...args) { const t = times.get(label); if (t !== undefined) emit('log', rid(), [label + ': ' + (DateNow() - t) + 'ms', ...args]); };
    c.group = c.groupCollapsed = function (...args) { if (args.length) emit('log', rid(), args); };
    c.groupEnd = function () {};
    return c;
  };
  define(globalThis, 'console', makeConsole(undefined));
}
