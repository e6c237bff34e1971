'use strict';
// An Express app wrapped by the cloud's published API-gateway adapter
// (`tencent-serverless-http`), deployed as a Node.js process-runtime event
// function behind an HTTP (apigw) trigger with integrated response — how
// many existing apps are deployed on the cloud. The app's node_modules
// (express and the adapter, from this repository's devDependencies) are
// vendored into the code zip at test time.
const t = require('tap');
const { startServer } = require('./helpers/server');
const { createFunction } = require('./helpers/functions');
const { request } = require('./helpers/http');
const { vendorPackages } = require('./helpers/npm-vendor');

const APP = `'use strict';
const express = require('express');
const { createServer, proxy } = require('tencent-serverless-http');

const app = express();
app.use(express.json());
const users = new Map([['42', { id: '42', name: 'Ada' }]]);
app.get('/api/users/:id', (req, res) => {
  const user = users.get(req.params.id);
  if (!user) return res.status(404).json({ error: 'no such user', id: req.params.id });
  res.set('X-Served-By', 'express').json({ ...user, q: req.query.q ?? null });
});
app.post('/api/users', (req, res) => {
  const id = String(users.size + 100);
  users.set(id, { id, name: req.body.name });
  res.status(201).location('/api/users/' + id).json(users.get(id));
});
app.get('/api/whoami', (req, res) => res.type('text').send(req.method + ' ' + req.originalUrl + ' ' + req.get('x-caller')));

const server = createServer(app);
exports.main_handler = (event, context) => proxy(server, event, context, 'PROMISE').promise;
`;

const desc = (path) =>
  JSON.stringify({ api: { authRequired: 'FALSE', requestConfig: { method: 'ANY', path }, isIntegratedResponse: 'TRUE' }, service: { serviceName: 'SCF_API_SERVICE' }, release: { environmentName: 'release' } });

t.test('an Express app behind the tencent-serverless-http adapter answers through an HTTP trigger', async (t) => {
  const server = await startServer(t);
  const client = server.client();
  await createFunction(client, 'express-app', { 'index.js': APP, ...vendorPackages('express', 'tencent-serverless-http') }, { Runtime: 'Nodejs18.15', Timeout: 10, MemorySize: 256 });
  await client.CreateTrigger({ FunctionName: 'express-app', TriggerName: 'api', Type: 'apigw', TriggerDesc: desc('/api/*') });

  const got = await request(`${server.url}/api/users/42?q=x`);
  t.equal(got.status, 200, String(got.body));
  t.equal(got.headers['x-served-by'], 'express', "the app's own header");
  t.match(got.headers['content-type'], /^application\/json/);
  t.same(JSON.parse(String(got.body)), { id: '42', name: 'Ada', q: 'x' }, 'route parameter and query reached the app');

  const missing = await request(`${server.url}/api/users/7`);
  t.equal(missing.status, 404, "the app's own status passes through");
  t.same(JSON.parse(String(missing.body)), { error: 'no such user', id: '7' });

  const created = await request(`${server.url}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Grace' }) });
  t.equal(created.status, 201, String(created.body));
  t.equal(created.headers.location, '/api/users/101');
  t.same(JSON.parse(String(created.body)), { id: '101', name: 'Grace' }, 'the JSON body reached express.json()');
  const again = await request(`${server.url}/api/users/101`);
  t.same(JSON.parse(String(again.body)), { id: '101', name: 'Grace', q: null }, 'state kept on the warm instance');

  const who = await request(`${server.url}/api/whoami?a=1`, { headers: { 'x-caller': 'tap' } });
  t.equal(who.status, 200);
  t.equal(String(who.body), 'GET /api/whoami?a=1 tap', 'method, path with query and headers as the client sent them');

  const unknown = await request(`${server.url}/api/nope`);
  t.equal(unknown.status, 404, "express's own 404 for a route it does not have");
  t.match(String(unknown.body), /Cannot GET \/api\/nope/);
});
