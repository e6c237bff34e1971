'use strict';
/**
 * Control-API helpers over the CLI's own client (dist/cli/client.js: the
 * TC3 signing and the `Response` envelope): a signed request (headers + body)
 * for one action that a load generator can replay, a keep-alive client that
 * times each call, and function setup (namespaces, CreateFunction from
 * in-memory files, waiting for Active).
 */
const http = require('node:http');
const path = require('node:path');
const { zipFiles } = require('./zip');

const ROOT = path.resolve(__dirname, '..', '..');
let cliClient;
function loadClient() {
  if (!cliClient) {
    try {
      cliClient = require(path.join(ROOT, 'dist', 'cli', 'client.js'));
    } catch (err) {
      throw new Error(`cannot load dist/cli/client.js (${err.message}); run \`npm install\` (or \`npm run build\`) first.`);
    }
  }
  return cliClient;
}

/**
 * Headers and body of one signed control-API request (`POST /`). The
 * signature covers the body, content type and host, and stays valid for
 * 5 minutes, so the same request may be replayed unchanged by a load
 * generator within that window.
 */
function signedRequest({ url, credentials, action, params = {} }) {
  const body = JSON.stringify(params);
  const target = { host: new URL(url).host, secretId: credentials.SecretId, secretKey: credentials.SecretKey };
  return { method: 'POST', path: '/', body, headers: loadClient().signedHeaders(target, action, body) };
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
    const { ControlClient } = loadClient();
    this.client = new ControlClient({ url: server.url, secretId: server.credentials.SecretId, secretKey: server.credentials.SecretKey, agent: this.agent });
  }

  /** POSTs one signed action; rejects with ApiError for an error envelope. Resolves { response, ms }. */
  async timedCall(action, params = {}, timeoutMs = 60_000) {
    const started = process.hrtime.bigint();
    let response;
    try {
      response = await this.client.call(action, params, timeoutMs);
    } catch (err) {
      if (err.name === 'RemoteApiError') throw new ApiError(action, err.code, err.apiMessage);
      throw new Error(`${action}: ${err.message}`);
    }
    return { response, ms: Number(process.hrtime.bigint() - started) / 1e6 };
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
 * runtime Isolate, type Event, handler index.main_handler, the platform's
 * default concurrency (`maxConcurrency`: InstanceConcurrencyConfig.MaxConcurrency).
 */
async function createFunction(client, { namespace = 'default', name, files, runtime = 'Isolate', type = 'Event', handler = 'index.main_handler', memorySize, maxConcurrency, env }) {
  const params = {
    FunctionName: name,
    Namespace: namespace,
    Runtime: runtime,
    Type: type,
    Handler: handler,
    Code: { ZipFile: zipFiles(files).toString('base64') },
  };
  if (memorySize !== undefined) params.MemorySize = memorySize;
  if (maxConcurrency !== undefined) params.InstanceConcurrencyConfig = { MaxConcurrency: maxConcurrency };
  if (env !== undefined) params.Environment = { Variables: Object.entries(env).map(([Key, Value]) => ({ Key, Value })) };
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

/**
 * `--node-compat off|on|import` (env BENCH_NODE_COMPAT; default off): the isolate
 * Node.js compatibility set for the bench functions — off; on (the flag set,
 * nothing imported); import (the flag set and buffer, events, util and path
 * required at the top of every function). Returns { env, prelude, mode }.
 */
function nodeCompatOption() {
  const arg = process.argv.slice(2).find((a) => a.startsWith('--node-compat='));
  const mode = arg ? arg.slice('--node-compat='.length) : (process.env.BENCH_NODE_COMPAT || 'off');
  if (mode === 'off') return { mode, env: undefined, prelude: '' };
  const env = { ISOLA_COMPATIBILITY_FLAGS: 'nodejs_compat' };
  if (mode === 'on') return { mode, env, prelude: '' };
  if (mode === 'import') return { mode, env, prelude: "require('buffer'); require('events'); require('util'); require('path');\n" };
  throw new Error(`--node-compat: expected off, on or import, got ${JSON.stringify(mode)}`);
}

module.exports = { nodeCompatOption, signedRequest, ApiClient, ApiError, createFunction, waitActive, planNamespaces, invoke, invokeParams };
