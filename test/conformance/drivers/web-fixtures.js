'use strict';
// The conformance fixtures as web functions on a subprocess runtime: each a node:http server on
// port 9000 started by its scf_bootstrap (test/conformance/README.md, "Fixtures"). Only the http-*
// fixtures: a web function answers requests, not events.
const BOOTSTRAP = { data: '#!/bin/sh\nexec node app.js\n', mode: 0o755 };

/** A fixture whose server runs `handler(req, res)` for every request. */
const server = (handler) => ({
  handler: '',
  files: { scf_bootstrap: BOOTSTRAP, 'app.js': `require('node:http').createServer(${handler}).listen(9000, '0.0.0.0');\n` },
});

module.exports = {
  'http-echo': server(`(req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
  }`),
  'http-status-headers': server(`(req, res) => {
    res.writeHead(418, [['x-custom', 'v'], ['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2']]);
    res.end('teapot');
  }`),
  'http-stream': server(`(req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    let i = 0;
    const next = () => {
      res.write('chunk' + i + ';');
      if (++i === 10) { res.end(); return; }
      setTimeout(next, i === 9 ? 200 : 5);
    };
    next();
  }`),
  'http-never-responds': server('() => {}'),
};
