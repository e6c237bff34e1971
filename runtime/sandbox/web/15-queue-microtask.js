// queueMicrotask (HTML §8.7), only when the host has not installed one.
(function () {
  'use strict';
  const internals = globalThis.__isolaWebInternals;
  if (typeof globalThis.queueMicrotask === 'function') return;

  const resolved = Promise.resolve();
  const queueMicrotask = {
    queueMicrotask(callback) {
      internals.requireArgs(arguments.length, 1, "Failed to execute 'queueMicrotask'");
      if (typeof callback !== 'function') throw new TypeError("Failed to execute 'queueMicrotask': parameter 1 is not of type 'Function'.");
      resolved.then(() => {
        try { callback(); } catch (error) { internals.reportError(error); }
      });
    },
  }.queueMicrotask;

  internals.define('queueMicrotask', queueMicrotask);
})();
