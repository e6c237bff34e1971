// An Express app written for the cloud's web functions: it listens on port 9000 on all
// addresses, as the platform expects, and knows nothing of isola. The platform adds the
// X-Scf-* request headers; /ws is a WebSocket echo (the `ws` package on the same server).
'use strict';
const http = require('node:http');
const express = require('express');
const { WebSocketServer } = require('ws');

const app = express();
app.use(express.json());

app.get('/', (req, res) => {
  res.json({ hello: 'express', requestId: req.get('x-scf-request-id') ?? null });
});

app.get('/users/:id', (req, res) => {
  res.json({ id: req.params.id, query: req.query });
});

app.post('/echo', (req, res) => {
  res.status(201).json({ received: req.body, type: req.get('content-type') });
});

// A response written in pieces over time: the platform streams it as it comes.
app.get('/stream', (req, res) => {
  const n = Number(req.query.n ?? 5);
  res.type('text/plain');
  let i = 0;
  const tick = setInterval(() => {
    res.write(`chunk ${i}\n`);
    if (++i >= n) {
      clearInterval(tick);
      res.end();
    }
  }, 50);
});

const server = http.createServer(app);
const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `echo: ${data}`, { binary: isBinary }));
});

server.listen(Number(process.env.PORT ?? 9000), '0.0.0.0', () => {
  console.log(`express listening on ${server.address().port}`);
});
