// The bootstrap runs inside every isolate, after the web/*.js files. host/sandbox.ts
// assembles it into one function, which the host calls once per isolate, when it
// prepares a spare, with the host's config (JSON) and the host capabilities
// (host/capabilities/index.ts, bootstrap()); configure() gives it the function's own
// settings when an instance takes the isolate:
//
//   (function bootstrap(configJson, hostLog, hostTimer, ...) {   the host's config, the capabilities, in the
//     'use strict';                                               registry's order
//     <this file>
//     <boot/*.js, in file-name order>
//     return { dispatch, fireTimer, ... };                        the names of host/entry-points.ts
//   })
//
// so both halves of the contract with the host are declared once, on the host side, and a
// part that does not provide an entry point fails the cold start (a ReferenceError).
// The parts share this function's scope: each is a block, and declares with `let` just
// before it the names it provides to the others (see boot/README.md).
//
// Contract with the host:
// * everything that crosses to the host is a primitive (string/number/boolean) or bytes
//   that own their whole buffer; tenant objects are formatted or JSON-encoded first, with
//   size caps, so the host never copies a tenant object and never receives more than the
//   caps allow;
// * every entry into the isolate sets the current request (boot/10-attribution.js);
//   timers and fetches capture the request current when they were created.
// The capabilities are held in closures only; nothing is left on globalThis.

// The web files' host bridge, parked by the prelude host/sandbox.ts puts before them (see web/README.md).
const hostBridge = globalThis.__isolaHostBridge === undefined ? null : globalThis.__isolaHostBridge;
delete globalThis.__isolaHostBridge;
delete globalThis.__isolaCaptureHostBridge;   // left over only when 99-seal.js did not load
// The host's settings (limits, Node.js info) now; the function's own (env, name, version,
// namespace, memory, timeout) come later through configure(): spare isolates run this
// bootstrap before any instance takes them (host/spares.ts), so a part that needs the
// function's settings at start queues a step in configureSteps, run once when one does.
const config = JSON.parse(configJson);
const configureSteps = [];
let configured = false;
const configure = (functionJson) => {
  if (configured) throw new Error('the instance is configured already');
  configured = true;
  const own = JSON.parse(functionJson);
  config.env = own.env;
  config.functionName = own.functionName;
  config.version = own.version;
  config.namespace = own.namespace;
  config.memoryMb = own.memoryMb;
  config.timeoutMs = own.timeoutMs;
  for (const step of configureSteps) step();
  configureSteps.length = 0;
};
/** Installs a global (or a member) the Web way: writable, configurable, not enumerable. */
const define = (obj, name, value) => Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
