// node:util for the isolate's Node.js compatibility set (host/node-compat.ts):
// format, inspect, promisify, callbackify, inherits, deprecate, types,
// isDeepStrictEqual, TextEncoder/TextDecoder. A CommonJS module run inside the
// isolate like tenant code, loaded only when a function first requires it.
//
// Written here rather than taken from npm: the `util` package (0.12) pulls in
// about 20 packages for its type checks and has Node 0.10's inspect; the parts
// below are what packages use, built on ECMAScript brand checks.
'use strict';

const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
const tag = (v) => Object.prototype.toString.call(v).slice(8, -1);
const brand = (fn) => (v) => { try { fn(v); return true; } catch { return false; } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

const types = {
  isDate: brand((v) => Date.prototype.getTime.call(v)),
  isRegExp: (v) => v !== RegExp.prototype && brand((x) => Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get.call(x))(v),
  isMap: brand((v) => Object.getOwnPropertyDescriptor(Map.prototype, 'size').get.call(v)),
  isSet: brand((v) => Object.getOwnPropertyDescriptor(Set.prototype, 'size').get.call(v)),
  isWeakMap: brand((v) => WeakMap.prototype.has.call(v, {})),
  isWeakSet: brand((v) => WeakSet.prototype.has.call(v, {})),
  isPromise: (v) => tag(v) === 'Promise' && brand((p) => Promise.prototype.then.call(p, undefined, undefined))(v),
  isArrayBuffer: brand((v) => Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get.call(v)),
  isSharedArrayBuffer: (v) => typeof SharedArrayBuffer === 'function' && brand((x) => Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get.call(x))(v),
  isTypedArray: (v) => typedArrayTag.call(v) !== undefined,
  isUint8Array: (v) => typedArrayTag.call(v) === 'Uint8Array',
  isDataView: brand((v) => Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength').get.call(v)),
  isArrayBufferView: (v) => ArrayBuffer.isView(v),
  isAsyncFunction: (v) => typeof v === 'function' && (v instanceof AsyncFunction || v instanceof AsyncGeneratorFunction),
  isGeneratorFunction: (v) => typeof v === 'function' && (v instanceof GeneratorFunction || v instanceof AsyncGeneratorFunction),
  isGeneratorObject: (v) => tag(v) === 'Generator',
  isNativeError: (v) => tag(v) === 'Error',
  isBoxedPrimitive: (v) => v !== null && typeof v === 'object' && ['Number', 'String', 'Boolean', 'BigInt', 'Symbol'].includes(tag(v)) && brand((x) => x.valueOf())(v),
  isProxy: () => false, // not detectable from JavaScript; documented in runtime/README.md
};
types.isAnyArrayBuffer = (v) => types.isArrayBuffer(v) || types.isSharedArrayBuffer(v);

const inspectDefaults = { depth: 2, showHidden: false, colors: false, maxArrayLength: 100, maxStringLength: 10000, sorted: false };
const custom = Symbol.for('nodejs.util.inspect.custom');
const identifier = /^[A-Za-z_$][\w$]*$/;
const quote = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
const key = (k) => (typeof k === 'symbol' ? `[${k.toString()}]` : identifier.test(k) ? k : quote(k));

function constructorName(v) {
  for (let p = v; p !== null; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, 'constructor');
    if (d && typeof d.value === 'function' && d.value.name !== '') return d.value.name;
  }
  return null;
}

/**
 * Node's inspect. Line breaking follows Node's rule (lib/internal/util/inspect.js,
 * compact 3, breakLength 80): an object goes on one line when it fits and holds at
 * most two levels of non-empty objects below it; else one entry per line. Node's
 * grouping of long arrays of short items into columns is not done.
 */
function inspectValue(v, opts, depth, seen) {
  switch (typeof v) {
    case 'string': return depth === 0 && opts.top ? v : quote(v.length > opts.maxStringLength ? v.slice(0, opts.maxStringLength) : v);
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint': return `${v}n`;
    case 'boolean': case 'undefined': return String(v);
    case 'symbol': return v.toString();
    case 'function': {
      const src = Function.prototype.toString.call(v);
      if (src.startsWith('class')) return `[class ${v.name || '(anonymous)'}]`;
      const kind = types.isAsyncFunction(v) ? (types.isGeneratorFunction(v) ? 'AsyncGeneratorFunction' : 'AsyncFunction') : types.isGeneratorFunction(v) ? 'GeneratorFunction' : 'Function';
      return `[${kind}: ${v.name || '(anonymous)'}]`;
    }
  }
  if (v === null) return 'null';
  if (typeof v[custom] === 'function' && v[custom] !== inspect) {
    const out = v[custom](opts.depth - depth, { ...opts }, inspect);
    return typeof out === 'string' ? out : inspectValue(out, opts, depth, seen);
  }
  if (seen.includes(v)) return '[Circular *1]';
  if (types.isNativeError(v) || v instanceof Error) return v.stack ? String(v.stack) : `[${Error.prototype.toString.call(v)}]`;
  if (types.isDate(v)) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (types.isRegExp(v)) return RegExp.prototype.toString.call(v);
  if (types.isBoxedPrimitive(v)) return `[${tag(v)}: ${inspectValue(v.valueOf(), opts, depth + 1, seen)}]`;
  if (types.isPromise(v)) return 'Promise { <unknown> }';
  if (types.isWeakMap(v) || types.isWeakSet(v)) return `${tag(v)} { <items unknown> }`;
  const name = constructorName(v);
  if (depth > opts.depth) return `[${name ?? 'Object'}]`;
  seen.push(v);
  try {
    const parts = [];
    let prefix = '';
    let open = '{';
    let close = '}';
    const limit = opts.maxArrayLength;
    const more = (n) => { if (n > limit) parts.push(`... ${n - limit} more item${n - limit > 1 ? 's' : ''}`); };
    const isList = Array.isArray(v) || types.isTypedArray(v);
    const shownKeys = Reflect.ownKeys(v).filter((k) => {
      if (isList && typeof k === 'string' && /^(0|[1-9]\d*)$/.test(k)) return false;
      const d = Object.getOwnPropertyDescriptor(v, k);
      return d !== undefined && (d.enumerable || opts.showHidden);
    });
    const empty = shownKeys.length === 0 && (isList ? v.length === 0 : types.isMap(v) || types.isSet(v) ? v.size === 0 : !types.isAnyArrayBuffer(v));
    if (!empty) opts.state.currentDepth = depth; // as Node: set before the entries, read after them
    if (isList) {
      open = '['; close = ']';
      if (!Array.isArray(v) || name !== 'Array') prefix = `${name}(${v.length}) `;
      for (let i = 0; i < Math.min(v.length, limit); i++) parts.push(i in v ? inspectValue(v[i], opts, depth + 1, seen) : '<1 empty item>');
      more(v.length);
    } else if (types.isMap(v)) {
      prefix = `${name ?? 'Map'}(${v.size}) `;
      for (const [k, val] of v) parts.push(`${inspectValue(k, opts, depth + 1, seen)} => ${inspectValue(val, opts, depth + 1, seen)}`);
    } else if (types.isSet(v)) {
      prefix = `${name ?? 'Set'}(${v.size}) `;
      for (const val of v) parts.push(inspectValue(val, opts, depth + 1, seen));
    } else if (types.isAnyArrayBuffer(v)) {
      prefix = `${name ?? 'ArrayBuffer'} `;
      const bytes = [...new Uint8Array(v, 0, Math.min(v.byteLength, 50))].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      parts.push(`[Uint8Contents]: <${bytes}${v.byteLength > 50 ? ` ... ${v.byteLength - 50} more bytes` : ''}>`, `byteLength: ${v.byteLength}`);
    } else if (name === null) {
      prefix = '[Object: null prototype] ';
    } else if (name !== 'Object') {
      prefix = `${name} `;
    }
    for (const k of shownKeys) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      const shown = 'value' in d ? inspectValue(d.value, opts, depth + 1, seen) : d.get && d.set ? '[Getter/Setter]' : d.get ? '[Getter]' : '[Setter]';
      parts.push(`${d.enumerable ? key(k) : `[${key(k)}]`}: ${shown}`);
    }
    if (opts.sorted) parts.sort();
    if (parts.length === 0) return prefix === '' ? `${open}${close}` : `${prefix}${open}${close}`;
    const nested = opts.state.currentDepth - depth;
    const start = parts.length + depth * 2 + prefix.length + open.length + 10;
    let total = parts.length + start;
    for (const p of parts) total += p.length;
    if (nested < 3 && total <= 80 && parts.length + start + parts.length <= 80 && !parts.some((p) => p.includes('\n'))) {
      return `${prefix}${open} ${parts.join(', ')} ${close}`;
    }
    const indent = ' '.repeat(depth * 2);
    return `${prefix}${open}\n${indent}  ${parts.join(`,\n${indent}  `)}\n${indent}${close}`;
  } catch {
    return '[Uninspectable]';
  } finally {
    seen.pop();
  }
}

/** One top-level inspection with its own line-breaking state. */
function inspectTop(value, opts) {
  return inspectValue(value, { ...opts, state: { currentDepth: -1 } }, 0, []);
}

function inspect(value, options) {
  const opts = { ...inspectDefaults, ...(options !== null && typeof options === 'object' ? options : {}) };
  if (opts.depth === null) opts.depth = Infinity;
  return inspectTop(value, opts);
}
inspect.custom = custom;
inspect.defaultOptions = inspectDefaults;

/** Node's util.format: %s %d %i %f %j %o %O %c %%, extra arguments appended inspected. */
function format(...args) {
  return formatWithOptions({}, ...args);
}
function formatWithOptions(options, first, ...rest) {
  const opts = { ...inspectDefaults, ...options };
  const show = (v) => (typeof v === 'string' ? v : inspectTop(v, opts));
  if (typeof first !== 'string') return [first, ...rest].map(show).join(' ');
  let i = 0;
  let out = first.replace(/%([sdifjoOc%])/g, (m, c) => {
    if (c === '%') return '%';
    if (i >= rest.length) return m;
    const a = rest[i++];
    switch (c) {
      case 's': return typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? a.toString() : typeof a === 'object' && a !== null ? inspectTop(a, { ...opts, depth: 0 }) : String(a);
      case 'd': return typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? 'NaN' : String(Number(a));
      case 'i': return typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? 'NaN' : String(parseInt(a, 10));
      case 'f': return typeof a === 'symbol' ? 'NaN' : String(parseFloat(a));
      case 'j': try { return JSON.stringify(a); } catch { return '[Circular]'; }
      case 'o': return inspectTop(a, { ...opts, showHidden: true, depth: 4 });
      case 'O': return inspectTop(a, opts);
      default: return ''; // %c: CSS, ignored as Node does
    }
  });
  for (; i < rest.length; i++) out += ` ${show(rest[i])}`;
  return out;
}

const promisifyCustom = Symbol.for('nodejs.util.promisify.custom');
function promisify(original) {
  if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function');
  if (typeof original[promisifyCustom] === 'function') return original[promisifyCustom];
  function fn(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(original, this, [...args, (err, value) => (err ? reject(err) : resolve(value))]);
    });
  }
  Object.setPrototypeOf(fn, Object.getPrototypeOf(original));
  Object.defineProperty(fn, promisifyCustom, { value: fn, configurable: true });
  return Object.defineProperties(fn, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = promisifyCustom;

function callbackify(original) {
  if (typeof original !== 'function') throw new TypeError('The "original" argument must be of type function');
  return function (...args) {
    const callback = args.pop();
    if (typeof callback !== 'function') throw new TypeError('The last argument must be of type function');
    Reflect.apply(original, this, args).then(
      (value) => queueMicrotask(() => callback(null, value)),
      (reason) => queueMicrotask(() => callback(reason || Object.assign(new Error('Promise was rejected with a falsy value'), { reason }))),
    );
  };
}

function inherits(ctor, superCtor) {
  if (typeof ctor !== 'function' || typeof superCtor !== 'function' || superCtor.prototype === undefined) {
    throw new TypeError('The "ctor" and "superCtor" arguments must be functions, and superCtor must have a prototype');
  }
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

function deprecate(fn, message) {
  let warned = false;
  return function (...args) {
    if (!warned) { warned = true; console.warn(`DeprecationWarning: ${message}`); }
    return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
  };
}

function isDeepStrictEqual(a, b, seen = []) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || tag(a) !== tag(b)) return false;
  if (seen.some(([x, y]) => x === a && y === b)) return true;
  seen.push([a, b]);
  if (types.isDate(a)) return a.getTime() === b.getTime();
  if (types.isRegExp(a)) return String(a) === String(b);
  if (types.isMap(a) || types.isSet(a)) {
    if (a.size !== b.size) return false;
    const bs = [...b];
    return [...a].every((x, i) => isDeepStrictEqual(x, bs[i], seen));
  }
  const ka = Reflect.ownKeys(a).filter((k) => Object.prototype.propertyIsEnumerable.call(a, k));
  const kb = Reflect.ownKeys(b).filter((k) => Object.prototype.propertyIsEnumerable.call(b, k));
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(a[k], b[k], seen));
}

module.exports = {
  format, formatWithOptions, inspect, promisify, callbackify, inherits, deprecate, isDeepStrictEqual, types,
  TextEncoder: globalThis.TextEncoder, TextDecoder: globalThis.TextDecoder,
  isArray: Array.isArray,
};
