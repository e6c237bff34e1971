// structuredClone (HTML §2.7) implemented as a direct deep copy inside the isolate.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  const { DOMException } = globalThis; // captured so tenant reassignment cannot break us

  const cloneError = (value) => {
    let shown;
    try { shown = typeof value === 'symbol' ? value.toString() : typeof value === 'function' ? `${value}` : Object.prototype.toString.call(value).replace(/^\[object (.*)\]$/, '#<$1>'); } catch { shown = 'value'; }
    return new DOMException(`${shown} could not be cloned.`, 'DataCloneError');
  };

  const brand = (fn) => (v) => { try { fn(v); return true; } catch { return false; } };
  const isBooleanObject = brand((v) => Boolean.prototype.valueOf.call(v));
  const isNumberObject = brand((v) => Number.prototype.valueOf.call(v));
  const isStringObject = brand((v) => String.prototype.valueOf.call(v));
  const isBigIntObject = brand((v) => BigInt.prototype.valueOf.call(v));
  const isSymbolObject = brand((v) => Symbol.prototype.valueOf.call(v));
  const isDate = brand((v) => Date.prototype.getTime.call(v));
  const regExpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, 'source').get;
  const isRegExp = (v) => v !== RegExp.prototype && brand((x) => regExpSource.call(x))(v);
  const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get;
  const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get;
  const isMap = brand((v) => mapSize.call(v));
  const isSet = brand((v) => setSize.call(v));
  const isWeakMap = brand((v) => WeakMap.prototype.has.call(v, {}));
  const isWeakSet = brand((v) => WeakSet.prototype.has.call(v, {}));
  const isWeakRef = typeof WeakRef === 'function' ? brand((v) => WeakRef.prototype.deref.call(v)) : () => false;
  const isFinalizationRegistry = typeof FinalizationRegistry === 'function'
    ? brand((v) => FinalizationRegistry.prototype.unregister.call(v, {})) : () => false;
  const isError = (v) => Object.prototype.toString.call(v) === '[object Error]';
  const isPromise = (v) => Object.prototype.toString.call(v) === '[object Promise]';

  const typedArrays = {
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  };
  if (typeof globalThis.Float16Array === 'function') typedArrays.Float16Array = globalThis.Float16Array;
  const errorConstructors = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };

  function getOwnData(obj, key) {
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    return desc && 'value' in desc ? desc.value : undefined;
  }

  function clone(value, memory) {
    if (typeof value === 'symbol' || typeof value === 'function') throw cloneError(value);
    if (value === null || typeof value !== 'object') return value;
    if (memory.has(value)) return memory.get(value);

    let out;
    if (isBooleanObject(value)) out = Object(Boolean.prototype.valueOf.call(value));
    else if (isNumberObject(value)) out = Object(Number.prototype.valueOf.call(value));
    else if (isStringObject(value)) out = Object(String.prototype.valueOf.call(value));
    else if (isBigIntObject(value)) out = Object(BigInt.prototype.valueOf.call(value));
    else if (isSymbolObject(value)) throw cloneError(value);
    else if (isDate(value)) out = new Date(Date.prototype.getTime.call(value));
    else if (isRegExp(value)) out = new RegExp(regExpSource.call(value), value.flags);
    else if (internals.isSharedArrayBuffer(value)) out = value;
    else if (internals.isArrayBuffer(value)) out = ArrayBuffer.prototype.slice.call(value, 0);
    else if (ArrayBuffer.isView(value)) {
      const name = internals.typedArrayName(value);
      const buffer = clone(value.buffer, memory);
      if (name) {
        const Ctor = typedArrays[name];
        out = new Ctor(buffer, value.byteOffset, value.length);
      } else {
        out = new DataView(buffer, value.byteOffset, value.byteLength);
      }
    } else if (internals.isBlob(value)) {
      // Blob and File (defined in 62-blob.js) are serializable; their bytes never change, so they are shared.
      const bytes = internals.blobBytes(value);
      // From the internal slots: an own `lastModified` or a patched getter changes nothing.
      out = internals.isFile(value)
        ? internals.createFile(bytes, internals.fileName(value), internals.blobType(value), internals.fileLastModified(value))
        : internals.createBlob(bytes, internals.blobType(value));
    } else if (internals.isDOMException(value)) {
      out = new DOMException(value.message, value.name);
      memory.set(value, out);
      return out;
    } else if (isMap(value)) {
      out = new Map();
      memory.set(value, out);
      const entries = [...Map.prototype.entries.call(value)];
      for (const [k, v] of entries) out.set(clone(k, memory), clone(v, memory));
      return out;
    } else if (isSet(value)) {
      out = new Set();
      memory.set(value, out);
      const entries = [...Set.prototype.values.call(value)];
      for (const v of entries) out.add(clone(v, memory));
      return out;
    } else if (isError(value)) {
      const name = value.name;
      const Ctor = typeof name === 'string' && Object.prototype.hasOwnProperty.call(errorConstructors, name) ? errorConstructors[name] : Error;
      out = new Ctor();
      memory.set(value, out);
      const message = getOwnData(value, 'message');
      if (message !== undefined) Object.defineProperty(out, 'message', { value: `${message}`, writable: true, configurable: true, enumerable: false });
      const stack = value.stack;
      if (typeof stack === 'string') Object.defineProperty(out, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
      if (Object.prototype.hasOwnProperty.call(value, 'cause')) {
        Object.defineProperty(out, 'cause', { value: clone(value.cause, memory), writable: true, configurable: true, enumerable: false });
      }
      return out;
    } else if (Array.isArray(value)) {
      out = new Array(value.length);
      memory.set(value, out);
      for (const key of Object.keys(value)) out[key] = clone(value[key], memory);
      return out;
    } else if (isPromise(value) || isWeakMap(value) || isWeakSet(value) || isWeakRef(value) || isFinalizationRegistry(value)
      || internals.platformObjectChecks.some((check) => check(value))) {
      throw cloneError(value);
    } else {
      out = {};
      memory.set(value, out);
      for (const key of Object.keys(value)) {
        const v = value[key];
        out[key] = clone(v, memory);
      }
      return out;
    }
    memory.set(value, out);
    return out;
  }

  const structuredClone = {
    structuredClone(value, options = undefined) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'structuredClone'");
      if (options !== undefined && options !== null && typeof options !== 'object') {
        throw new TypeError("Failed to execute 'structuredClone': The provided value is not of type 'StructuredSerializeOptions'.");
      }
      if (options != null && options.transfer !== undefined) {
        const transfer = options.transfer;
        if (transfer === null || typeof transfer !== 'object' || typeof transfer[Symbol.iterator] !== 'function') {
          throw new TypeError("Failed to execute 'structuredClone': The provided value cannot be converted to a sequence.");
        }
        // Transfer lists are accepted but buffers are copied, not detached.
      }
      return clone(value, new Map());
    },
  }.structuredClone;

  internals.define('structuredClone', structuredClone);
})();
