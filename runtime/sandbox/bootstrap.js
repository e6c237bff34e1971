// Runs inside every isolate, after the web/*.js files. Evaluates to a function the
// host calls once (runtime/host/capabilities/index.ts, handOver) with a JSON config
// followed by its capabilities (ivm.Callback functions, in the order the config's
// `capabilities` names them); it runs the parts in boot/ (in file-name order) and
// returns the entry points the config's `entries` names (dispatch, fireTimer, ...).
//
// Contract with the host:
// * everything that crosses to the host is a primitive (string/number/boolean) or
//   bytes that own their whole buffer; tenant objects are formatted or JSON-encoded
//   first, with size caps, so the host never copies a tenant object and never
//   receives more than the caps allow;
// * every entry into the isolate sets the current request (boot/10-attribution.js);
//   timers and fetches capture the request current when they were created.
// The capabilities are held in closures only; nothing is left on globalThis.
//
// Parts: host/sandbox.ts hands this file `parts`, the boot/*.js factories in file-name
// order. Each is called once with the kernel `k` (a null-prototype object holding the
// config, the capabilities as `k.host`, the web files' host bridge, and what earlier
// parts returned) and returns the names it adds to it. A part's top level may use
// what earlier parts added; its functions may use any part's additions through `k`
// (frozen once every part ran). See boot/README.md.
// eslint-disable-next-line no-undef
(function bootstrap(configJson, ...capabilities) {
  // Strict: host/sandbox.ts wraps this file in a strict function (a rest parameter rules out the directive here).
  const g = globalThis;
  const ObjectCreate = Object.create;
  const ObjectKeys = Object.keys;
  const ObjectFreeze = Object.freeze;
  const config = JSON.parse(configJson);
  const host = ObjectCreate(null);
  for (let i = 0; i < config.capabilities.length; i++) {
    if (typeof capabilities[i] !== 'function') throw new TypeError('bootstrap: capability ' + config.capabilities[i] + ' is missing');
    host[config.capabilities[i]] = capabilities[i];
  }
  const k = ObjectCreate(null);
  k.config = config;
  k.host = ObjectFreeze(host);
  // The web files' host bridge, parked by the prelude host/sandbox.ts puts before them (see web/README.md).
  k.hostBridge = g.__isolaHostBridge === undefined ? null : g.__isolaHostBridge;
  delete g.__isolaHostBridge;
  delete g.__isolaCaptureHostBridge;   // left over only when 99-seal.js did not load
  k.define = (obj, name, value) => Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
  // eslint-disable-next-line no-undef
  for (const part of parts) {
    const added = part(k);
    for (const name of ObjectKeys(added)) {
      if (name in k) throw new TypeError('bootstrap: ' + part.name + ' redefines ' + name);
      k[name] = added[name];
    }
  }
  ObjectFreeze(k);
  const entries = {};
  for (const name of config.entries) {
    if (typeof k[name] !== 'function') throw new TypeError('bootstrap: no entry point ' + name);
    entries[name] = k[name];
  }
  return entries;
})
