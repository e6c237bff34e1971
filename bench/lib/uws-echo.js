'use strict';
/**
 * The physical WebSocket baseline: raw uWebSockets.js echoing every message
 * (same type) on any path, run as its own process by bench/lib/servers.js.
 * Prints `listening on http://127.0.0.1:<port>` once bound. Refuses to run on
 * the package's pure-JS fallback.
 */
const warn = console.warn;
console.warn = () => {};
const uWS = require('uWebSockets.js');
console.warn = warn;

if (!Function.prototype.toString.call(uWS.App).includes('[native code]')) {
  console.error('uWebSockets.js fell back to its pure-JS server (native binary did not load); the baseline would be meaningless.');
  process.exit(2);
}

const port = Number(process.argv[2] ?? 0);
uWS
  .App()
  .ws('/*', {
    maxPayloadLength: 512 * 1024,
    idleTimeout: 0,
    message: (ws, message, isBinary) => {
      ws.send(message, isBinary);
    },
  })
  .listen('127.0.0.1', port, (token) => {
    if (!token) {
      console.error(`uWS could not listen on 127.0.0.1:${port}`);
      process.exit(1);
    }
    console.log(`listening on http://127.0.0.1:${uWS.us_socket_local_port(token)}`);
  });

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
