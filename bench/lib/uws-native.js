'use strict';
/**
 * What the raw uWS baselines share: load uWebSockets.js, refusing its slow
 * pure-JS fallback (every ratio against it would be meaningless), and
 * listen on 127.0.0.1 printing `listening on http://127.0.0.1:<port>` (port
 * 0 = any free one, or argv[2]) the way bench/lib/servers.js expects.
 */
function loadNativeUws() {
  const warn = console.warn;
  console.warn = () => {};
  const uWS = require('uWebSockets.js');
  console.warn = warn;
  if (!Function.prototype.toString.call(uWS.App).includes('[native code]')) {
    console.error('uWebSockets.js fell back to its pure-JS server (native binary did not load); the baseline would be meaningless.');
    process.exit(2);
  }
  return uWS;
}

function listen(uWS, app) {
  const port = Number(process.argv[2] ?? 0);
  app.listen('127.0.0.1', port, (token) => {
    if (!token) {
      console.error(`uWS could not listen on 127.0.0.1:${port}`);
      process.exit(1);
    }
    console.log(`listening on http://127.0.0.1:${uWS.us_socket_local_port(token)}`);
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

module.exports = { loadNativeUws, listen };
