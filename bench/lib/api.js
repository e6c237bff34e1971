'use strict';
/**
 * Control-API helpers: a TC3-HMAC-SHA256 signed request (headers + body) for
 * one action, signed with the server's own implementation
 * (dist/core/signing.js), a small keep-alive client, and function setup
 * (namespaces, CreateFunction from in-memory files, waiting for Active).
 */
const http = require('node:http');
const path = require('node:path');
const { zipFiles } = require('./zip');

const ROOT = path.resolve(__dirname, '..', '..');
let signing;
function loadSigning() {
  if (!signing) {
    try {
      signing = require(path.join(ROOT, 'dist', 'core', 'signing.js'));
    } catch (err) {
      throw new Error(`cannot load dist/core/signing.js (${err.message}); run \`npm install\` (or \`npm run build\`) first.`);
    }
  }
  return signing;
}

const API_VERSION = '2018-04-16';
const SERVICE = 'scf';

/**
 * Headers and body of one signed control-API request (`POST /`). The
 * signature covers the body, content type and host, and stays valid for
 * 5 minutes, so the same request may be replayed unchanged by a load
 * generator within that window.
 */
function signedRequest({ url, credentials, action, params = {} }) {
  const { tc3Signature, hostnameOf } = loadSigning();
  const host = new URL(url).host;
  const body = JSON.stringify(params);
  const timestamp = Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const contentType = 'application/json';
  const signature = tc3Signature({
    secretKey: credentials.SecretKey,
    method: 'POST',
    query: '',
    contentType,
    hostname: hostnameOf(host),
    body,
    timestamp,
    date,
    service: SERVICE,
  });
  return {
    method: 'POST',
    path: '/',
    body,
    headers: {
      'content-type': contentType,
      host,
      'x-tc-action': action,
      'x-tc-version': API_VERSION,
      'x-tc-timestamp': String(timestamp),
      authorization:
        `TC3-HMAC-SHA256 Credential=${credentials.SecretId}/${date}/${SERVICE}/tc3_request, ` +
        `SignedHeaders=content-type;host, Signature=${signature}`,
    },
  };
}

/** An error the server answered in the `Response.Error` envelope. */
class ApiError extends Error {
  constructor(action, code, message) {
    super(`${action}: ${code}: ${message}`);
    this.code = code;
  }
}

/** A keep-alive control-API client; `call` resolves with the inner Response and the round-trip time. */
class ApiClient {
  constructor(server) {
    this.url = server.url;
    this.credentials = server.credentials;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  /** POSTs one signed action; rejects with ApiError for an error envelope. Resolves { response, ms }. */
  async timedCall(action, params = {}, timeoutMs = 60_000) {
    const req = signedRequest({ url: this.url, credentials: this.credentials, action, params });
    const started = process.hrtime.bigint();
    const { status, text } = await new Promise((resolve, reject) => {
      const r = http.request(this.url, { method: 'POST', path: '/', headers: req.headers, agent: this.agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      r.setTimeout(timeoutMs, () => r.destroy(new Error(`${action} got no answer within ${timeoutMs / 1000} s`)));
      r.on('error', reject);
      r.end(req.body);
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${action}: HTTP ${status}, not JSON: ${text.slice(0, 200)}`);
    }
    const response = parsed && parsed.Response;
    if (!response) throw new Error(`${action}: HTTP ${status}, no Response envelope: ${text.slice(0, 200)}`);
    if (response.Error) throw new ApiError(action, response.Error.Code, response.Error.Message);
    if (status !== 200) throw new Error(`${action}: HTTP ${status}: ${text.slice(0, 200)}`);
    return { response, ms };
  }

  async call(action, params, timeoutMs) {
    return (await this.timedCall(action, params, timeoutMs)).response;
  }

  close() {
    this.agent.destroy();
  }
}

/** Polls GetFunction until the function leaves Creating/Updating; throws on *Failed. */
async function waitActive(client, namespace, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  for (;;) {
    const info = await client.call('GetFunction', { FunctionName: name, Namespace: namespace });
    const status = info.Status ?? 'Active';
    if (status.endsWith('Failed')) throw new Error(`function ${namespace}/${name} is ${status}: ${info.StatusDesc ?? ''}`);
    if (status === 'Active') return info;
    if (Date.now() > deadline) throw new Error(`function ${namespace}/${name} still ${status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 500);
  }
}

/**
 * CreateFunction from in-memory files (`{ 'index.js': '…' }`, zipped and
 * sent base64 as Code.ZipFile), then waits until it is Active. Defaults:
 * runtime Isolate, type Event, handler index.main_handler.
 */
async function createFunction(client, { namespace = 'default', name, files, runtime = 'Isolate', handler = 'index.main_handler', memorySize }) {
  const params = {
    FunctionName: name,
    Namespace: namespace,
    Runtime: runtime,
    Type: 'Event',
    Handler: handler,
    Code: { ZipFile: zipFiles(files).toString('base64') },
  };
  if (memorySize !== undefined) params.MemorySize = memorySize;
  await client.call('CreateFunction', params);
  return waitActive(client, namespace, name);
}

/**
 * Namespaces to spread `count` functions over, within the server's limits
 * (GetAccount: namespaces allowed, functions per namespace). Creates the
 * missing ones (`bench1`, `bench2`, …). Resolves { slots: [{namespace, index}],
 * capacity, perNamespace, namespacesAllowed } with at most `count` slots.
 */
async function planNamespaces(client, count) {
  const account = await client.call('GetAccount');
  const namespacesAllowed = account.AccountLimit?.NamespacesCount ?? 5;
  const perNamespace = account.AccountLimit?.Namespace?.[0]?.FunctionsCount ?? 50;
  const capacity = namespacesAllowed * perNamespace;
  const wanted = Math.min(count, capacity);
  const needed = Math.ceil(wanted / perNamespace);
  const names = ['default'];
  for (let i = 1; i < needed; i++) names.push(`bench${i}`);
  for (const ns of names.slice(1)) {
    try {
      await client.call('CreateNamespace', { Namespace: ns, Description: 'isola bench' });
    } catch (err) {
      if (err.code !== 'ResourceInUse.Namespace') throw err;
    }
  }
  const slots = [];
  for (let i = 0; i < wanted; i++) slots.push({ namespace: names[Math.floor(i / perNamespace)], index: i });
  return { slots, capacity, perNamespace, namespacesAllowed };
}

/**
 * One Invoke (RequestResponse). Resolves { result, ms } where result is the
 * API's Result; throws when the action fails or the invocation did not
 * succeed (InvokeResult ≠ 0), with the function's error message.
 */
async function invoke(client, { namespace = 'default', name, event = {}, tail = false }) {
  const params = invokeParams(name, event, namespace);
  if (tail) params.LogType = 'Tail';
  const { response, ms } = await client.timedCall('Invoke', params);
  const result = response.Result;
  if (!result) throw new Error(`Invoke ${namespace}/${name}: no Result in ${JSON.stringify(response).slice(0, 200)}`);
  if (result.InvokeResult !== 0) {
    const err = new Error(`Invoke ${namespace}/${name}: InvokeResult ${result.InvokeResult}: ${String(result.ErrMsg).slice(0, 300)}`);
    err.invokeResult = result.InvokeResult;
    throw err;
  }
  return { result, ms };
}

/** Params of the bench's Invoke request (shared by the preflight and the replayed load request). */
function invokeParams(name, event, namespace = 'default') {
  return { FunctionName: name, Namespace: namespace, InvocationType: 'RequestResponse', ClientContext: JSON.stringify(event) };
}

module.exports = { signedRequest, ApiClient, ApiError, createFunction, waitActive, planNamespaces, invoke, invokeParams };
