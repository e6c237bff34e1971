// Last web file: removes the shared internals object so tenant code cannot reach it.
// Every file that needs internals captured them when it ran, before this one.
//
// Host bridge hand-over: if the host defined a configurable
// globalThis.__isolaCaptureHostBridge function before loading these files, it
// is removed from the global object and called once with the frozen host
// bridge (78-host-bridge.js). Without it the bridge is dropped. Either way,
// neither name exists on globalThis once this file has run.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  delete globalThis.__isolaWebInternals;
  const capture = Object.getOwnPropertyDescriptor(globalThis, '__isolaCaptureHostBridge');
  if (capture === undefined) return;
  if (!capture.configurable) throw new TypeError('__isolaCaptureHostBridge must be defined configurable, so it can be removed');
  delete globalThis.__isolaCaptureHostBridge;
  if (typeof capture.value !== 'function') throw new TypeError('__isolaCaptureHostBridge must be a data property holding a function');
  capture.value(internals.hostBridge);
})();
