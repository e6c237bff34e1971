// node:process for the isolate's Node.js compatibility set: the global `process`
// itself (sandbox/boot/72-node-compat.js completes it when the flag is on), as in
// Node, where require('process') === process.
'use strict';
module.exports = globalThis.process;
