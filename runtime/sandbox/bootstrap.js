// The bootstrap runs inside every isolate, after the web/*.js files. host/sandbox.ts
// assembles it into one function, which the host calls once per instance with the
// function's config (JSON) and the host capabilities (host/capabilities/index.ts,
// handOver):
//
//   (function bootstrap(configJson, hostLog, hostTimer, ...) {   the capabilities, in the
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
const config = JSON.parse(configJson);
/** Installs a global (or a member) the Web way: writable, configurable, not enumerable. */
const define = (obj, name, value) => Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
