'use strict';
// Entry of the single executable (bundled by bin/build-binary.js; not run
// from an npm install, where bin/isola.js is the entry). A single executable
// hands every argument to this script, so besides the `isola` commands it
// answers two hidden subcommands the server starts its children with
// (lib/own-node.ts): an entry of its own (the isolate host) and "run this
// script as `node <script>` would" (the Node.js runtime's bootstrap). Each
// branch requires only what it runs: the bundle keeps modules lazy.
const path = require('node:path');
const { SUBCOMMANDS, SCRIPT_NODE_OPTIONS_ENV } = require('../dist/lib/own-node.js');

/** lib/own-node.ts's OWN_ENTRIES → the compiled entry (static requires: the bundler follows them). */
const ENTRIES = {
  'isolate-host': () => require('../dist/runtime/host/main.js'),
};

const [command, target, ...rest] = process.argv.slice(2);
if (command === SUBCOMMANDS.entry) {
  const run = Object.prototype.hasOwnProperty.call(ENTRIES, target) ? ENTRIES[target] : undefined;
  if (run === undefined) {
    process.stderr.write(`isola: no entry named ${JSON.stringify(target)}\n`);
    process.exit(2);
  }
  process.argv.splice(2, 2);
  run();
} else if (command === SUBCOMMANDS.script) {
  if (!target) {
    process.stderr.write(`isola ${SUBCOMMANDS.script}: which script?\n`);
    process.exit(2);
  }
  // The script sees the NODE_OPTIONS it was given, not the flags that came with it (lib/own-node.ts).
  const own = process.env[SCRIPT_NODE_OPTIONS_ENV];
  delete process.env[SCRIPT_NODE_OPTIONS_ENV];
  if (own === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = own;
  const script = path.resolve(target);
  process.argv = [process.execPath, script, ...rest];
  // Node's own main-module start: require.main, the CommonJS loader from disk, import() of ES modules.
  require('node:module').runMain(script);
} else {
  require('../dist/cli/main.js').main(process.argv.slice(2));
}
